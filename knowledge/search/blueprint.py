"""URL rules of the search page."""

from flask import Blueprint

from knowledge.search import views

bp = Blueprint("search", __name__, url_prefix="/search", template_folder="templates")

bp.add_url_rule("", "search", views.search_page)
