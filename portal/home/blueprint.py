"""URL rules of the shell."""

from flask import Blueprint

from portal.home import views

bp = Blueprint("home", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/about", "about", views.about)
bp.add_url_rule("/language", "set_language", views.set_language, methods=("POST",))
bp.add_url_rule("/inbox", "inbox", views.inbox)
bp.add_url_rule("/inbox/read", "inbox_read", views.inbox_read, methods=("POST",))
bp.add_url_rule("/healthz", "healthz", views.healthz)
bp.add_url_rule("/preview", "preview", views.preview, methods=("POST",))
