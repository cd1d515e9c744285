"""URL rules of appeals."""

from flask import Blueprint

from portal.appeals import admin_views, views

bp = Blueprint("appeals", __name__, url_prefix="/appeals", template_folder="templates")

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/submit", "submit", views.submit, methods=["GET", "POST"])
bp.add_url_rule("/<int:referral_id>", "referral", views.referral)
bp.add_url_rule("/<int:referral_id>/triage", "triage", views.triage, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/merge", "merge", views.merge, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/step", "step", views.step, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/status", "status", views.step, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/progress", "progress", views.progress, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/evaluate", "evaluate", views.evaluate, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/revisit", "revisit", views.revisit, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/close", "close", views.close, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/register", "register", views.register, methods=["POST"])
bp.add_url_rule("/<int:referral_id>/files/<int:attachment_id>", "attachment", views.attachment)
bp.add_url_rule("/<int:referral_id>/plan", "plan", views.plan, methods=["GET", "POST"])
bp.add_url_rule("/<int:referral_id>/plan.docx", "plan_docx", views.plan_docx)
bp.add_url_rule(
    "/<int:referral_id>/plan/milestones", "milestone", views.milestone, methods=["POST"]
)
bp.add_url_rule(
    "/<int:referral_id>/plan/milestones/<int:milestone_id>/done",
    "milestone_done",
    views.milestone_done,
    methods=["POST"],
)
bp.add_url_rule("/escalate", "escalate", views.escalate, methods=["POST"])
bp.add_url_rule("/ledger", "ledger", views.ledger)
bp.add_url_rule("/ledger.xlsx", "ledger_xlsx", views.ledger_xlsx)
bp.add_url_rule("/bulletin.docx", "bulletin_docx", views.bulletin_docx)
bp.add_url_rule("/summary/<int:year>.docx", "annual_docx", views.annual_docx)
bp.add_url_rule(
    "/organisations", "organisations", admin_views.organisation_list, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/organisations/<int:organisation_id>",
    "organisation",
    admin_views.organisation,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/organisations/<int:organisation_id>/members",
    "organisation_member",
    admin_views.organisation_member,
    methods=["POST"],
)
bp.add_url_rule(
    "/organisations/<int:organisation_id>/accounts",
    "organisation_account",
    admin_views.organisation_account,
    methods=["POST"],
)
bp.add_url_rule(
    "/organisations/members/<int:member_id>/remove",
    "organisation_member_remove",
    admin_views.organisation_member_remove,
    methods=["POST"],
)
bp.add_url_rule("/meetings", "meetings", admin_views.meeting_list)
bp.add_url_rule("/meetings/new", "meeting_new", admin_views.meeting_new, methods=["GET", "POST"])
bp.add_url_rule("/meetings/<int:meeting_id>", "meeting", admin_views.meeting)
bp.add_url_rule(
    "/meetings/<int:meeting_id>/edit", "meeting_edit", admin_views.meeting_edit,
    methods=["GET", "POST"],
)  # fmt: skip
bp.add_url_rule(
    "/meetings/<int:meeting_id>/files/<int:file_id>", "meeting_file", admin_views.meeting_file
)
