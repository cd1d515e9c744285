"""URL rules of counsel."""

from flask import Blueprint

from portal.counsel import views

bp = Blueprint("counsel", __name__, url_prefix="/counsel", template_folder="templates")

bp.add_url_rule("", "index", views.index)
