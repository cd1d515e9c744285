"""URL rules of mediation."""

from flask import Blueprint

from mediation import views

bp = Blueprint("mediation", __name__, url_prefix="/mediation", template_folder="templates")

bp.add_url_rule("", "index", views.index)
