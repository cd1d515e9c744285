"""URL rules of checkups."""

from flask import Blueprint

from portal.checkups import views

bp = Blueprint("checkups", __name__, url_prefix="/checkups", template_folder="templates")

bp.add_url_rule("", "index", views.index)
