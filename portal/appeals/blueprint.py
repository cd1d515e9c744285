"""URL rules of appeals."""

from flask import Blueprint

from portal.appeals import views

bp = Blueprint("appeals", __name__, url_prefix="/appeals", template_folder="templates")

bp.add_url_rule("", "index", views.index)
