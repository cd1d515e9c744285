"""URL rules of knowledge."""

from flask import Blueprint

from knowledge import views

bp = Blueprint("knowledge", __name__, url_prefix="/questions", template_folder="templates")

bp.add_url_rule("", "index", views.index)
