"""URL rules of counsel."""

from flask import Blueprint

from portal.counsel import views

bp = Blueprint("counsel", __name__, url_prefix="/counsel", template_folder="templates")

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/groups/new", "group_new", views.group_new, methods=["GET", "POST"])
bp.add_url_rule("/groups/suggest", "suggest", views.suggest)
bp.add_url_rule("/groups/suggest/accept", "suggest_accept", views.suggest_accept, methods=["POST"])
bp.add_url_rule("/groups/<int:group_id>", "group", views.group)
bp.add_url_rule("/groups/<int:group_id>/members", "member_add", views.member_add, methods=["POST"])
bp.add_url_rule(
    "/groups/<int:group_id>/members/<int:membership_id>/remove",
    "member_remove",
    views.member_remove,
    methods=["POST"],
)
bp.add_url_rule("/groups/<int:group_id>/lawyers", "lawyer_add", views.lawyer_add, methods=["POST"])
bp.add_url_rule(
    "/groups/<int:group_id>/lawyers/<int:seat_id>/remove",
    "lawyer_remove",
    views.lawyer_remove,
    methods=["POST"],
)
bp.add_url_rule("/groups/<int:group_id>/renew", "renew", views.renew, methods=["POST"])
bp.add_url_rule("/groups/<int:group_id>/end", "end", views.end, methods=["POST"])
bp.add_url_rule(
    "/groups/<int:group_id>/services/new", "service_new", views.service_new, methods=["GET", "POST"]
)
bp.add_url_rule("/services/<int:service_id>", "service", views.service)
bp.add_url_rule(
    "/services/<int:service_id>/edit", "service_edit", views.service_edit, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/services/<int:service_id>/status",
    "service_transition",
    views.service_transition,
    methods=["POST"],
)
bp.add_url_rule("/ask", "ask", views.ask, methods=["GET", "POST"])
bp.add_url_rule("/requests/<int:request_id>", "request_detail", views.request_detail)
bp.add_url_rule(
    "/requests/<int:request_id>/status",
    "request_transition",
    views.request_transition,
    methods=["POST"],
)
bp.add_url_rule(
    "/requests/<int:request_id>/escalate",
    "request_escalate",
    views.request_escalate,
    methods=["POST"],
)
bp.add_url_rule("/reports", "report", views.report)
bp.add_url_rule("/reports.xlsx", "report_xlsx", views.report_xlsx)
