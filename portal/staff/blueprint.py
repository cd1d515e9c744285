"""URL rules of staff settings."""

from flask import Blueprint

from portal.staff import views

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

bp.add_url_rule("/calendar", "calendar", views.calendar, methods=("GET", "POST"))
bp.add_url_rule(
    "/calendar/<day>/remove", "calendar_remove", views.calendar_remove, methods=("POST",)
)
bp.add_url_rule("/categories", "categories", views.categories, methods=("GET", "POST"))
bp.add_url_rule("/outbox", "outbox", views.outbox)
bp.add_url_rule(
    "/outbox/<int:mail_id>/retry", "outbox_retry", views.outbox_retry, methods=("POST",)
)
