"""URL rules of appeals."""

from flask import Blueprint

from portal.appeals import views

bp = Blueprint("appeals", __name__, url_prefix="/appeals", template_folder="templates")

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/<int:referral_id>", "referral", views.referral)
bp.add_url_rule("/<int:referral_id>/status", "status", views.status, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/register", "register", views.register, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/revisit", "revisit", views.revisit, methods=["POST"])
bp.add_url_rule("/escalate", "escalate", views.escalate, methods=["POST"])
bp.add_url_rule("/ledger", "ledger", views.ledger)
bp.add_url_rule("/ledger.xlsx", "ledger_xlsx", views.ledger_xlsx)
