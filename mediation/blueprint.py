"""URL rules of mediation."""

from flask import Blueprint

from mediation import views

bp = Blueprint("mediation", __name__, url_prefix="/mediation", template_folder="templates")

GET_POST = ["GET", "POST"]
POST = ["POST"]

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/overdue", "overdue", views.overdue)
bp.add_url_rule("/dashboard", "dashboard", views.dashboard)
bp.add_url_rule("/apply", "apply", views.apply, methods=GET_POST)

bp.add_url_rule("/committees", "committees", views.committees)
bp.add_url_rule("/committees/new", "committee_new", views.committee_new, methods=GET_POST)
bp.add_url_rule("/committees/<int:committee_id>", "committee_detail", views.committee_detail)
bp.add_url_rule(
    "/committees/<int:committee_id>/edit", "committee_edit", views.committee_edit, methods=GET_POST
)
bp.add_url_rule(
    "/committees/<int:committee_id>/founding/<step>",
    "founding_step",
    views.founding_step,
    methods=GET_POST,
)
bp.add_url_rule(
    "/committees/<int:committee_id>/founding/<step>/file", "founding_file", views.founding_file
)
bp.add_url_rule(
    "/committees/<int:committee_id>/members/new", "member_new", views.member_new, methods=GET_POST
)
bp.add_url_rule("/members/<int:member_id>/edit", "member_edit", views.member_edit, methods=GET_POST)
bp.add_url_rule(
    "/members/<int:member_id>/remove", "member_remove", views.member_remove, methods=GET_POST
)
bp.add_url_rule("/rules/<kind>", "rules", views.rules)
bp.add_url_rule("/rules/<kind>/edit", "rules_edit", views.rules_edit, methods=GET_POST)
bp.add_url_rule("/committees/<int:committee_id>/rules/<kind>", "committee_rules", views.rules)
bp.add_url_rule(
    "/committees/<int:committee_id>/rules/<kind>/edit",
    "committee_rules_edit",
    views.rules_edit,
    methods=GET_POST,
)
bp.add_url_rule(
    "/committees/<int:committee_id>/cases/new", "case_enter", views.case_enter, methods=GET_POST
)

bp.add_url_rule("/cases/<int:case_id>", "case_detail", views.case_detail)
bp.add_url_rule("/cases/<int:case_id>/accept", "case_accept", views.case_accept, methods=POST)
bp.add_url_rule("/cases/<int:case_id>/start", "case_start", views.case_start, methods=POST)
bp.add_url_rule(
    "/cases/<int:case_id>/rights-notice",
    "case_rights_notice",
    views.case_rights_notice,
    methods=POST,
)
bp.add_url_rule(
    "/cases/<int:case_id>/decline", "case_decline", views.case_decline, methods=GET_POST
)
bp.add_url_rule("/cases/<int:case_id>/assign", "case_assign", views.case_assign, methods=GET_POST)
bp.add_url_rule("/cases/<int:case_id>/choose", "case_choose", views.case_choose, methods=GET_POST)
bp.add_url_rule(
    "/cases/<int:case_id>/mediators/<int:mediator_id>/recuse",
    "case_recuse",
    views.case_recuse,
    methods=GET_POST,
)
bp.add_url_rule(
    "/cases/<int:case_id>/parties/new", "case_party_new", views.case_party_new, methods=GET_POST
)
bp.add_url_rule(
    "/cases/<int:case_id>/sessions/new", "session_new", views.session_new, methods=GET_POST
)
bp.add_url_rule(
    "/cases/<int:case_id>/investigations/new",
    "investigation_new",
    views.investigation_new,
    methods=GET_POST,
)
bp.add_url_rule(
    "/cases/<int:case_id>/evidence/new", "evidence_new", views.evidence_new, methods=GET_POST
)
bp.add_url_rule(
    "/cases/<int:case_id>/evidence/<int:evidence_id>", "evidence_file", views.evidence_file
)
bp.add_url_rule("/cases/<int:case_id>/notes/new", "note_new", views.note_new, methods=GET_POST)
bp.add_url_rule(
    "/cases/<int:case_id>/agreement", "agreement_new", views.agreement_new, methods=GET_POST
)
bp.add_url_rule("/cases/<int:case_id>/fail", "case_fail", views.case_fail, methods=GET_POST)
bp.add_url_rule(
    "/cases/<int:case_id>/withdraw", "case_withdraw", views.case_withdraw, methods=GET_POST
)
bp.add_url_rule(
    "/cases/<int:case_id>/return-visit",
    "return_visit_new",
    views.return_visit_new,
    methods=GET_POST,
)
bp.add_url_rule(
    "/cases/<int:case_id>/confirmation",
    "confirmation_new",
    views.confirmation_new,
    methods=GET_POST,
)
bp.add_url_rule(
    "/cases/<int:case_id>/archive", "case_archive", views.case_archive, methods=GET_POST
)
