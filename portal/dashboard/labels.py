"""Translated titles, labels and list links for the statistics packages return under codes.

Packages written before add_stats checked its results return {"asked": 78, ...}; this table is
what the dashboard shows for each code. A code missing here is refused (see portal.core.stats),
so a new raw key can never reach the page.
"""

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from portal.core.nav import SERVICE_NAMES
from portal.core.stats import Figure

SECTION_TITLES = {
    "questions": SERVICE_NAMES["questions"],
    "mediation": SERVICE_NAMES["mediation"],
    "courses": SERVICE_NAMES["courses"],
    "counsel": _l("5+1 counsel"),
    "checkups": SERVICE_NAMES["checkups"],
    "appeals": SERVICE_NAMES["appeals"],
}

# code -> (label, endpoint of the list behind the figure or None[, that list's own arguments]);
# a rate or an average links to the list it is computed over.
KEY_LABELS = {
    # ask a lawyer
    "asked": (_l("Questions asked"), "knowledge.staff_questions"),
    "answered": (_l("Questions answered"), "knowledge.staff_questions", {"by": "answered"}),
    "median_hours": (
        _l("Median hours to a first answer"),
        "knowledge.staff_questions",
        {"by": "answered"},
    ),
    "within_deadline": (
        _l("Answered within the deadline (%)"),
        "knowledge.staff_questions",
        {"by": "answered"},
    ),
    "enterprises_answered": (
        _l("Firms given answers"),
        "knowledge.staff_questions",
        {"by": "answered"},
    ),
    # mediation
    "cases": (_l("Mediation cases received"), "mediation.index"),
    "open": (_l("Cases in progress"), "mediation.index", {"status": "open"}),
    "overdue": (_l("Cases past the time limit"), "mediation.overdue"),
    "agreements": (_l("Agreements reached"), "mediation.index", {"status": "agreed"}),
    "success_rate": (_l("Success rate (%)"), "mediation.index"),
    "average_duration_days": (_l("Average days to conclude"), "mediation.index"),
    "amount_total": (_l("Amount in dispute (yuan)"), "mediation.index"),
    "committees": (_l("Chambers with a mediation committee"), "mediation.committees"),
    # lectures
    "lectures_held": (_l("Lectures held"), "courses.index"),
    "registrations": (_l("Registrations for lectures"), "courses.stats"),
    "attendance": (_l("Attendances"), "courses.stats"),
    "replays_viewed": (_l("Replays watched"), "courses.stats"),
    # 5+1 counsel
    "active_groups": (_l("Active counsel groups"), "counsel.index"),
    "covered_firms": (_l("Firms with a counsel"), "counsel.index"),
    "eligible_firms": (_l("Small and micro member firms"), "counsel.index"),
    "coverage_percent": (_l("Coverage (%)"), "counsel.index"),
    "services": (_l("Counsel services logged"), "counsel.report"),
    "confirmed_services": (_l("Services confirmed by firms"), "counsel.report"),
    "hours": (_l("Hours of counsel service"), "counsel.report"),
    "quiet_firms": (_l("Firms without a service for 90 days"), "counsel.report"),
    # check-ups
    "checkups_held": (_l("Check-ups held"), "checkups.index", {"status": "examined"}),
    "firms_examined": (_l("Firms examined"), "checkups.index", {"status": "examined"}),
    "findings": (_l("Risks found"), "checkups.stats"),
    "findings_high": (_l("High risks"), "checkups.stats"),
    "findings_medium": (_l("Medium risks"), "checkups.stats"),
    "findings_low": (_l("Low risks"), "checkups.stats"),
    "follow_ups": (_l("Findings followed up"), "checkups.stats"),
    # appeals
    "collected": (_l("Appeals collected"), "appeals.index"),
    "resolved": (_l("Appeals resolved"), "appeals.index", {"status": "closed"}),
    "resolved_percent": (_l("Resolved (%)"), "appeals.index", {"status": "closed"}),
    "law_related_resolved": (
        _l("Law-related appeals resolved"),
        "appeals.index",
        {"status": "closed"},
    ),
    "escalated": (_l("Appeals escalated"), "appeals.index", {"route": "escalated"}),
    "direct": (
        _l("Appeals resolved directly by the federation"),
        "appeals.index",
        {"route": "direct"},
    ),
    "forwarded": (_l("Appeals forwarded to departments"), "appeals.index", {"route": "forwarded"}),
    "forwarded_done": (
        _l("Forwarded appeals done"),
        "appeals.index",
        {"route": "forwarded", "status": "closed"},
    ),
    "escalated_done": (
        _l("Escalated appeals done"),
        "appeals.index",
        {"route": "escalated", "status": "closed"},
    ),
    # Open now, whenever collected: the open list, not narrowed to the period.
    "overdue_open": (_l("Open appeals past their deadline"), "appeals.index", {"status": "open"}),
}

# Codes that repeat what the section already says (its title, or the same figures as a list).
LEFT_OUT = {"label", "figures", "total"}

# Lists that narrow themselves to ?start=&end=&chamber= (portal.core.listfilter): a figure links
# to them filtered as the dashboard is. Other lists are linked whole.
FILTERED_LISTS = {
    "appeals.index",
    "counsel.index",
    "counsel.report",
    "courses.index",
    "mediation.index",
    "mediation.overdue",
    "knowledge.staff_questions",
    "checkups.index",
    "checkups.stats",
}


# Figures that count what stands now, not what happened in the period: their list is narrowed
# to the chamber only.
NOT_IN_PERIOD = {"overdue_open"}


def _link(endpoint, extra=None, filter_args=None, key=""):
    if not endpoint or endpoint not in current_app.view_functions:
        return None
    args = dict(extra or {})
    if endpoint in FILTERED_LISTS:
        args.update(filter_args or {})
        if key in NOT_IN_PERIOD:
            args.pop("start", None)
            args.pop("end", None)
    return url_for(endpoint, **args)


def translate_key(key, value, filter_args=None):
    """A Figure for a known code (its list linked with `filter_args`: start, end, chamber),
    False for a code left out on purpose, None for an unknown one."""
    if key in LEFT_OUT:
        return False
    known = KEY_LABELS.get(key)
    if known is None or isinstance(value, (dict, list)):
        return None
    label, endpoint, *extra = known
    return Figure(label, value, _link(endpoint, extra[0] if extra else None, filter_args, key), key)
