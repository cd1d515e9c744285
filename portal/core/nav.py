"""The top navigation grouped by task: each registered item falls in one group."""

from flask_babel import lazy_gettext as _l

# (code, label): the order the groups appear in.
GROUPS = [
    ("services", _l("Legal services")),
    ("mediation", _l("Mediation")),
    ("appeals", _l("Appeals")),
    ("lectures", _l("Lecture hall")),
    ("statistics", _l("Statistics")),
    ("settings", _l("Settings")),
]

# One name per service, in both languages: the front page's entries, the menu's items, the
# services' page titles and the dashboard's sections all say these.
SERVICE_NAMES = {
    "questions": _l("Ask a lawyer"),
    "mediation": _l("Chamber mediation"),
    "checkups": _l("Legal check-ups"),
    "courses": _l("Law lectures"),
    "appeals": _l("Business appeals"),
    "laws": _l("Statute library"),
}

# Blueprint (or full endpoint) -> group, for items registered without an explicit group.
DEFAULT_GROUPS = {
    "knowledge": "services",
    "kb": "services",
    "laws": "services",
    "search": "services",
    "counsel": "services",
    "checkups": "services",
    "mediation": "mediation",
    "mediation_documents": "mediation",
    "appeals": "appeals",
    "courses": "lectures",
    "dashboard": "statistics",
    "accounts": "settings",
    "staff": "settings",
    "audit": "settings",
}


def group_of(endpoint: str, group: str | None = None) -> str:
    return (
        group
        or DEFAULT_GROUPS.get(endpoint)
        or DEFAULT_GROUPS.get(endpoint.split(".")[0], "services")
    )


def grouped(items, current_endpoint: str | None) -> list[dict]:
    """[(endpoint, label, group)] -> groups with their items; the current section marked.

    An item is current when the request's blueprint is the item's blueprint.
    """
    blueprint = (current_endpoint or "").split(".")[0]
    groups = {
        code: {"code": code, "label": label, "items": [], "current": False}
        for code, label in GROUPS
    }
    for endpoint, label, group in items:
        entry = groups.setdefault(
            group, {"code": group, "label": label, "items": [], "current": False}
        )
        current = bool(blueprint) and endpoint.split(".")[0] == blueprint
        entry["items"].append({"endpoint": endpoint, "label": label, "current": current})
        entry["current"] = entry["current"] or current
    return [g for g in groups.values() if g["items"]]
