"""URL rules of checkups."""

from flask import Blueprint

from portal.checkups import views

bp = Blueprint(
    "checkups",
    __name__,
    url_prefix="/checkups",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/batch", "batch", views.batch, methods=["GET", "POST"])
bp.add_url_rule("/calendar", "calendar", views.calendar)
bp.add_url_rule("/checklist", "checklist", views.checklist, methods=["GET", "POST"])
bp.add_url_rule("/stats", "stats", views.stats)
bp.add_url_rule("/stats.xlsx", "stats_xlsx", views.stats_xlsx)
bp.add_url_rule("/<int:checkup_id>", "view", views.view)
bp.add_url_rule(
    "/<int:checkup_id>/status/<to>", "change_status", views.change_status, methods=["POST"]
)
bp.add_url_rule(
    "/<int:checkup_id>/request-slot", "request_slot", views.request_slot, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/<int:checkup_id>/reschedule", "reschedule", views.reschedule, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/<int:checkup_id>/findings/new", "finding_new", views.finding_new, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/findings/<int:finding_id>/edit", "finding_edit", views.finding_edit, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/findings/<int:finding_id>/delete", "finding_delete", views.finding_delete, methods=["POST"]
)
bp.add_url_rule(
    "/findings/<int:finding_id>/follow-up/<code>", "follow_up", views.follow_up, methods=["POST"]
)
bp.add_url_rule(
    "/<int:checkup_id>/areas/<int:area_id>/clear", "area_clear", views.area_clear, methods=["POST"]
)
bp.add_url_rule("/<int:checkup_id>/summary", "summary", views.summary, methods=["POST"])
bp.add_url_rule("/<int:checkup_id>/sign", "sign", views.sign, methods=["POST"])
bp.add_url_rule("/<int:checkup_id>/report", "report", views.report)
bp.add_url_rule("/<int:checkup_id>/report.docx", "report_docx", views.report_docx)
bp.add_url_rule("/<int:checkup_id>/invite.ics", "invite", views.invite)
