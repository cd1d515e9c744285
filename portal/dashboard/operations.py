"""Collecting every package's figures for a period, and the XLSX export. Reads only."""

import logging

from flask import current_app

from portal.core.exports import XlsxBook
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


def collect(period: Period) -> list[dict]:
    """One entry per registered statistics function: title, figures (translated labels, links
    to the list behind each), rows (label, value), or error when it failed or was refused."""
    sections = []
    for name, function in current_app.extensions.get("portal.stats", {}).items():
        title = SECTION_TITLES.get(name, name) if isinstance(name, str) else name
        section = {"title": str(title), "rows": [], "figures": [], "error": False}
        try:
            figures = check_figures(function(period.start, period.end), translate_key)
            section["figures"] = figures
            section["rows"] = [(str(f.label), f.value) for f in figures]
        except Exception:  # one package's bug must not hide everybody else's figures
            logger.exception("statistics %r failed for %s", name, period)
            section["error"] = True
        sections.append(section)
    return sections


def export_xlsx(sections: list[dict], period: Period, *, headers: tuple[str, str]) -> bytes:
    """A workbook with one sheet per section: the figure's label and its value."""
    book = XlsxBook()
    for section in sections:
        book.add_sheet(
            section["title"],
            heading=section["title"],
            notes=[f"{period.first.isoformat()} – {period.last.isoformat()}"],
            header=headers,
            rows=[
                [label, value if isinstance(value, int | float) else str(value)]
                for label, value in section["rows"]
            ],
            widths=[48, 16],
        )
    return book.to_bytes()
