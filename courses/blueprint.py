"""URL rules of courses."""

from flask import Blueprint

from courses import views

bp = Blueprint("courses", __name__, url_prefix="/lectures", template_folder="templates")

bp.add_url_rule("", "index", views.index)
