"""Collecting every package's figures for a period, and the XLSX export. Reads only."""

import inspect
import logging

from flask import current_app
from flask_babel import gettext as _

from portal.core.cache import get_or_set
from portal.core.exports import XlsxBook
from portal.core.i18n import current_language, format_day
from portal.core.stats import Figure, check_figures
from portal.dashboard.labels import SECTION_TITLES, translate_key
from portal.dashboard.periods import Period

logger = logging.getLogger(__name__)


def flatten(figures: dict) -> list[tuple[str, object]]:
    """{label: value} -> rows; a nested dict {label: {sub: value}} gives "label · sub" rows."""
    rows = []
    for label, value in figures.items():
        if isinstance(value, dict):
            rows.extend((f"{label} · {sub}", subvalue) for sub, subvalue in flatten(value))
        else:
            rows.append((str(label), value))
    return rows


def takes_chamber(function) -> bool:
    """Whether a statistics function can narrow its figures to one chamber (chamber_id=)."""
    try:
        return "chamber_id" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


# How long a section's figures are kept in the short shared cache (seconds). The statistics
# page, its XLSX export, the monthly report and the trends read the same figures; a write shows
# in them within this time (no write drops them: a figure's key holds its period and chamber).
FIGURES_TTL = 60


def _figures_key(name, period: Period, chamber_id) -> str:
    # The labels and links are translated: one entry per language.
    return (
        f"dashboard:figures:{name}:{period.first.isoformat()}:{period.last.isoformat()}:"
        f"{chamber_id or ''}:{current_language()}"
    )


class _NotPlain(Exception):
    """Figures whose values JSON would not keep as they are (computed, never cached)."""


def _cached_figures(key: str, compute) -> list[Figure]:
    """compute() -> [Figure], kept FIGURES_TTL seconds as plain [label, value, link, key]
    rows when every value is a JSON number, text or None (a section that fails is not kept)."""
    computed = []

    def plain():
        figures = compute()
        computed.append(figures)
        if not all(
            isinstance(f.value, int | float | str | None) and isinstance(f.link, str | None)
            for f in figures
        ):
            raise _NotPlain
        return [[str(f.label), f.value, f.link, f.key] for f in figures]

    try:
        rows = get_or_set(key, FIGURES_TTL, plain)
    except _NotPlain:
        return computed[0]
    return [Figure(label, value, link, code) for label, value, link, code in rows]


def collect(period: Period, chamber=None) -> list[dict]:
    """One entry per registered statistics function: title, figures (translated labels, links
    to the list behind each, narrowed the same way), rows (label, value), or error when it
    failed or was refused. With a chamber, functions that cannot narrow to it give the
    federation's figures and say so (`all_chambers`)."""
    sections = []
    filter_args = {"start": period.first.isoformat(), "end": period.last.isoformat()}
    period_args = dict(filter_args)
    if chamber is not None:
        filter_args["chamber"] = chamber.id

    for name, function in current_app.extensions.get("portal.stats", {}).items():
        title = SECTION_TITLES.get(name, name) if isinstance(name, str) else name
        narrowed = chamber is not None and takes_chamber(function)
        # A section's lists are narrowed as its figures are: to the chamber only when they are.
        args = filter_args if narrowed else period_args

        def translate(key, value, args=args):
            return translate_key(key, value, args)

        section = {
            "title": str(title),
            "rows": [],
            "figures": [],
            "error": False,
            "all_chambers": chamber is not None and not narrowed,
        }

        def compute(function=function, narrowed=narrowed, translate=translate):
            if narrowed:
                result = function(period.start, period.end, chamber_id=chamber.id)
            else:
                result = function(period.start, period.end)
            return check_figures(result, translate)

        key = _figures_key(name, period, chamber.id if narrowed else None)
        try:
            figures = _cached_figures(key, compute)
            section["figures"] = figures
            section["rows"] = [(str(f.label), f.value) for f in figures]
        except Exception:  # one package's bug must not hide everybody else's figures
            logger.exception("statistics %r failed for %s", name, period)
            section["error"] = True
        sections.append(section)
    return sections


def export_xlsx(
    sections: list[dict],
    period: Period,
    *,
    headers: tuple[str, str],
    chamber=None,
    book: XlsxBook | None = None,
) -> bytes:
    """A workbook with one sheet per section: the figure's label and its value (after the
    sheets already in `book`, when given)."""
    book = book or XlsxBook()
    for section in sections:
        notes = [f"{format_day(period.first)} – {format_day(period.last)}"]
        if chamber is not None:
            notes.append(
                _("All chambers: these figures are not broken down by chamber.")
                if section.get("all_chambers")
                else chamber.name
            )
        book.add_sheet(
            section["title"],
            heading=section["title"],
            notes=notes,
            header=headers,
            rows=[
                [label, value if isinstance(value, int | float) else str(value)]
                for label, value in section["rows"]
            ],
            widths=[48, 16],
        )
    return book.to_bytes()
