"""The anonymous front page: services, search, the packages' public lists, this year's figures."""

import logging
from datetime import date

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from portal.core import cache
from portal.core.nav import SERVICE_NAMES
from portal.dashboard.periods import Period, local_today

logger = logging.getLogger(__name__)

# (endpoint, the service's one name, what you get, how long it takes)
SERVICES = [
    (
        "knowledge.ask",
        SERVICE_NAMES["questions"],
        _l("Describe your legal question; a volunteer lawyer writes you an opinion."),
        _l("First answer within 3 working days"),
    ),
    (
        "mediation.apply",
        SERVICE_NAMES["mediation"],
        _l("Your chamber's people's mediation committee helps settle a dispute, free of charge."),
        _l("Usually concluded within one month"),
    ),
    (
        "checkups.index",
        SERVICE_NAMES["checkups"],
        _l("Lawyers examine your firm's legal risks and give you a written risk report."),
        _l("Half a day on site, report within two weeks"),
    ),
    (
        "courses.index",
        SERVICE_NAMES["courses"],
        _l("Live lectures on the law firms meet every day, kept for replay."),
        _l("About an hour each"),
    ),
    (
        "appeals.index",
        SERVICE_NAMES["appeals"],
        _l("Problems that need a government department are passed on and followed to the end."),
        _l("Progress reported every month"),
    ),
    (
        "laws.index",
        SERVICE_NAMES["laws"],
        _l("Read statutes article by article, with the answers that cite them."),
        _l("At any time"),
    ),
]


def services() -> list[dict]:
    """Only services whose page exists in this installation."""
    rules = {rule.endpoint for rule in current_app.url_map.iter_rules()}
    return [
        {"url": url_for(endpoint), "title": title, "summary": summary, "time": time}
        for endpoint, title, summary, time in SERVICES
        if endpoint in rules
    ]


def public_sections() -> list[dict]:
    sections = []
    for _order, provider in current_app.extensions.get("portal.public_sections", []):
        try:
            section = provider()
        except Exception:  # one package's failure must not take the front page down
            logger.exception("front page section %r failed", provider)
            continue
        if section:
            sections.append(section)
    return sections


# The year's public figures change slowly; counting them (over every question, case and
# check-up of the year) on each anonymous visit cost most of the front page's time.
FIGURES_TTL = 300


def year_figures(today: date | None = None) -> tuple[int, list[tuple[str, int]]]:
    today = today or local_today()
    period = Period(date(today.year, 1, 1), today)
    providers = current_app.extensions.get("portal.public_figures", [])

    def counts():
        values = []
        for _order, label, count in providers:
            try:
                values.append(count(period.start, period.end) or 0)
            except Exception:
                logger.exception("front page figure %r failed", label)
                values.append(None)
        return values

    values = cache.get_or_set(f"front:figures:{today.isoformat()}", FIGURES_TTL, counts)
    if len(values) != len(providers):  # providers changed since the value was cached
        values = counts()
    figures = [
        (str(label), value)
        for (_order, label, _count), value in zip(providers, values, strict=True)
        if value is not None
    ]
    return today.year, figures
