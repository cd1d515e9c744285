"""URL rules of courses."""

from flask import Blueprint

from courses import views

bp = Blueprint(
    "courses",
    __name__,
    url_prefix="/lectures",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/schedule", "schedule", views.schedule)
bp.add_url_rule("/manage", "manage", views.manage)
bp.add_url_rule("/stats", "stats", views.stats)
bp.add_url_rule("/calendar.ics", "calendar_feed", views.calendar_feed)
bp.add_url_rule("/certificates", "my_certificates", views.my_certificates)
bp.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/<int:lecture_id>", "lecture", views.lecture)
bp.add_url_rule("/<int:lecture_id>/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:lecture_id>/status", "change_status", views.change_status, methods=["POST"])
bp.add_url_rule("/<int:lecture_id>/video", "video", views.video)
bp.add_url_rule("/<int:lecture_id>/slides", "slides", views.slides)
bp.add_url_rule("/<int:lecture_id>/transcript.vtt", "transcript_vtt", views.transcript_vtt)
bp.add_url_rule("/<int:lecture_id>/lecture.ics", "lecture_ics", views.lecture_ics)
bp.add_url_rule("/<int:lecture_id>/register", "register", views.register, methods=["POST"])
bp.add_url_rule("/<int:lecture_id>/unregister", "unregister", views.unregister, methods=["POST"])
bp.add_url_rule("/<int:lecture_id>/check-in", "check_in", views.check_in, methods=["POST"])
bp.add_url_rule(
    "/<int:lecture_id>/attendance", "attendance", views.attendance, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/<int:lecture_id>/attendance/<int:attendance_id>/remove",
    "remove_attendance",
    views.remove_attendance,
    methods=["POST"],
)
bp.add_url_rule(
    "/<int:lecture_id>/certificates/<int:enterprise_id>", "certificate", views.certificate
)
bp.add_url_rule(
    "/<int:lecture_id>/certificates/<int:enterprise_id>.docx",
    "certificate_docx",
    views.certificate_docx,
)
bp.add_url_rule("/series/new", "series_new", views.series_new, methods=["GET", "POST"])
bp.add_url_rule("/series/<int:series_id>", "series", views.series)
bp.add_url_rule(
    "/series/<int:series_id>/edit", "series_edit", views.series_edit, methods=["GET", "POST"]
)
