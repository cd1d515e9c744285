"""Collecting every package's figures for a period, and the XLSX export. Reads only."""

import inspect
import logging

from flask import current_app
from flask_babel import gettext as _

from portal.core.exports import XlsxBook
from portal.core.i18n import format_day
from portal.core.stats import check_figures
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
        try:
            if narrowed:
                result = function(period.start, period.end, chamber_id=chamber.id)
            else:
                result = function(period.start, period.end)
            figures = check_figures(result, translate)
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
