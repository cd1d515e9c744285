"""URL rules of the audit log."""

from flask import Blueprint

from portal.audit import views

bp = Blueprint("audit", __name__, url_prefix="/staff/audit", template_folder="templates")

bp.add_url_rule("", "log", views.audit_log)
