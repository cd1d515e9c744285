"""URL rules of dashboard."""

from flask import Blueprint

from portal.dashboard import views

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates")

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/statistics.xlsx", "export", views.export)
bp.add_url_rule("/report", "report", views.report)
