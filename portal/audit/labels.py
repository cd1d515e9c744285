"""Readable names for audit actions ("case.view" -> 调解案件 · 查看) and record types
("mediation_cases" -> 调解案件); an unknown code is shown as it is."""

import re

from flask_babel import lazy_gettext as _l

# Record types (table names) and the nouns that begin action codes.
NOUNS = {
    "appeal_meeting": _l("Appeal meeting"),
    "appeal_organisation": _l("Handling organisation"),
    "appeal_plan": _l("Solution plan"),
    "appeal_referral": _l("Appeal referral"),
    "appeal_referrals": _l("Appeal referral"),
    "calendar": _l("Working-day calendar"),
    "calendar_days": _l("Working-day calendar"),
    "case": _l("Mediation case"),
    "category": _l("Legal category"),
    "legal_categories": _l("Legal category"),
    "chambers": _l("Chamber of commerce"),
    "checkups": _l("Legal check-up"),
    "checkup_findings": _l("Check-up finding"),
    "checkup_checklist_areas": _l("Check-up checklist area"),
    "checkup_checklist_versions": _l("Check-up checklist"),
    "counsel_group": _l("5+1 counsel group"),
    "counsel_groups": _l("5+1 counsel group"),
    "counsel_request": _l("Counsel request"),
    "counsel_requests": _l("Counsel request"),
    "counsel_service": _l("Counsel service"),
    "counsel_services": _l("Counsel service"),
    "enterprise": _l("Enterprise"),
    "enterprises": _l("Enterprise"),
    "kb_article": _l("Knowledge base article"),
    "knowledge_articles": _l("Knowledge base article"),
    "laws": _l("Statute"),
    "lawyer": _l("Lawyer profile"),
    "lawyer_profiles": _l("Lawyer profile"),
    "lawyer_conflicts": _l("Conflict of interest declaration"),
    "lecture": _l("Lecture"),
    "lectures": _l("Lecture"),
    "lecture_series": _l("Lecture series"),
    "mail": _l("Outgoing e-mail"),
    "mediation_case": _l("Mediation case"),
    "mediation_cases": _l("Mediation case"),
    "mediation_committee": _l("Mediation committee"),
    "mediation_committees": _l("Mediation committee"),
    "mediation_member": _l("Mediator"),
    "mediation_members": _l("Mediator"),
    "mediation_rules": _l("Mediation rules"),
    "question": _l("Question"),
    "questions": _l("Question"),
    "question_messages": _l("Question message"),
    "routing_rule": _l("Routing rule"),
    "routing_rules": _l("Routing rule"),
    "stored_files": _l("File"),
    "user": _l("Account"),
    "users": _l("Account"),
}

VERBS = {
    "accepted": _l("accepted"),
    "acknowledged": _l("report acknowledged"),
    "add_lawyer": _l("lawyer added"),
    "add_member": _l("member added"),
    "agreement": _l("agreement recorded"),
    "agreement_reached": _l("agreement reached"),
    "answered": _l("answered"),
    "apply": _l("applied"),
    "applied": _l("applied"),
    "appoint": _l("appointed"),
    "archived": _l("archived"),
    "area_clear": _l("area marked clear"),
    "area_unclear": _l("area reopened"),
    "assign": _l("mediators assigned"),
    "assigned": _l("assigned"),
    "cancelled": _l("cancelled"),
    "capacity": _l("capacity changed"),
    "check_in": _l("checked in"),
    "checklist_version": _l("checklist version saved"),
    "choose_mediator": _l("mediator chosen"),
    "claimed": _l("claimed"),
    "closed": _l("closed"),
    "confirmation": _l("judicial confirmation recorded"),
    "confirmed": _l("confirmed"),
    "conflict_declare": _l("conflict declared"),
    "conflict_remove": _l("conflict removed"),
    "create": _l("created"),
    "deactivate": _l("deactivated"),
    "declined": _l("declined"),
    "delivered": _l("report delivered"),
    "director": _l("director set"),
    "draft": _l("draft"),
    "edit": _l("edited"),
    "end": _l("ended"),
    "escalate": _l("escalated"),
    "escalated": _l("escalated"),
    "evidence": _l("evidence added"),
    "failed": _l("mediation failed"),
    "finding_added": _l("finding added"),
    "finding_changed": _l("finding changed"),
    "finding_deleted": _l("finding deleted"),
    "follow_up": _l("followed up"),
    "founding_step": _l("founding step recorded"),
    "identity": _l("identity changed"),
    "import": _l("imported"),
    "import_attendance": _l("attendance imported"),
    "in_mediation": _l("mediation started"),
    "in_progress": _l("started"),
    "investigation": _l("investigation recorded"),
    "join_approve": _l("joining approved"),
    "join_request": _l("asked to join"),
    "log": _l("logged"),
    "login": _l("logged in"),
    "logout": _l("logged out"),
    "mediators_assigned": _l("mediators assigned"),
    "milestone": _l("milestone set"),
    "milestone_done": _l("milestone done"),
    "needs_info": _l("more information requested"),
    "note": _l("note added"),
    "overdue": _l("flagged overdue"),
    "party_add": _l("party added"),
    "password_change": _l("password changed"),
    "pool": _l("offered to the pool"),
    "prepare": _l("prepared"),
    "profile_update": _l("profile updated"),
    "progress": _l("progress reported"),
    "publish": _l("published"),
    "published": _l("published"),
    "reactivate": _l("reactivated"),
    "recusal": _l("recusal recorded"),
    "register": _l("registered"),
    "reject": _l("rejected"),
    "remove": _l("removed"),
    "remove_attendance": _l("attendance removed"),
    "remove_lawyer": _l("lawyer removed"),
    "remove_member": _l("member removed"),
    "renew": _l("renewed"),
    "report_draft": _l("report drafted"),
    "reschedule_requested": _l("new time requested"),
    "rescheduled": _l("rescheduled"),
    "retry": _l("retried"),
    "return_visit": _l("return visit recorded"),
    "return_visited": _l("return visit done"),
    "rights_notice": _l("rights notice given"),
    "route": _l("routed"),
    "save": _l("saved"),
    "scheduled": _l("scheduled"),
    "session": _l("session recorded"),
    "set": _l("set"),
    "signed": _l("signed"),
    "signed_off": _l("report signed off"),
    "submitted": _l("submitted"),
    "summary": _l("summary written"),
    "unpublish": _l("withdrawn from publication"),
    "unregister": _l("registration cancelled"),
    "update": _l("updated"),
    "verify": _l("verified"),
    "view": _l("viewed"),
    "withdrawn": _l("withdrawn"),
}


def record_type_label(table: str) -> str:
    label = NOUNS.get(table)
    return str(label) if label else table


def action_label(action: str) -> str:
    """'mediation_case.accepted' -> '调解案件 · 受理'; unknown parts are kept as they are."""
    noun, _dot, verb = action.partition(".")
    if not verb:
        return str(VERBS.get(noun, noun))
    return f"{record_type_label(noun)} · {VERBS.get(verb, verb)}"


TRANSITION = re.compile(r"^([a-z_]+) -> ([a-z_]+)(: .*)?$", re.S)


ROLE_AT_END = re.compile(r"^(.*) \(([a-z_]+)\)$", re.S)
CALENDAR_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2}) (work|holiday)$")


def summary_label(summary: str) -> str:
    """Status changes are logged as 'accepted -> in_mediation' (and maybe ': the title'):
    shown as 受理 → 开始调解; a finding's follow-up logs the target's code ('mediation'),
    shown as the target's name; a new account's role and a calendar day's kind, logged as
    codes, are shown by their names."""
    from portal.accounts.models import ROLE_LABELS, Role

    summary = summary or ""
    role = ROLE_AT_END.match(summary)
    if role and role.group(2) in Role.__members__:
        return f"{role.group(1)}（{ROLE_LABELS[Role(role.group(2))]}）"
    day = CALENDAR_DAY.match(summary)
    if day:
        kind = _l("Working day") if day.group(2) == "work" else _l("Holiday")
        return f"{day.group(1)} {kind}"
    match = TRANSITION.match(summary)
    if not match:
        return _follow_up_target(summary) or summary
    before, after, rest = match.groups()
    return f"{VERBS.get(before, before)} → {VERBS.get(after, after)}{rest or ''}"


def _follow_up_target(summary: str | None) -> str | None:
    from flask import current_app

    target = current_app.extensions.get("portal.escalation_targets", {}).get(summary or "")
    return str(target["label"]) if target else None
