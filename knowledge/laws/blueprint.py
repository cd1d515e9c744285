"""URL rules of the statute library; an article's URL is /laws/<law id>/<article number>."""

from flask import Blueprint

from knowledge.laws import views

bp = Blueprint("laws", __name__, url_prefix="/laws", template_folder="templates")

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/suggest", "suggest", views.suggest)
bp.add_url_rule("/picker", "picker", views.picker)
bp.add_url_rule("/<int:law_id>", "law", views.law)
bp.add_url_rule("/<int:law_id>/<int:number>", "article", views.article)
