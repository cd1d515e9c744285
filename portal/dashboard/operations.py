"""Collecting every package's figures for a period, and the XLSX export. Reads only."""

import logging
import re
from io import BytesIO

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font

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


def _sheet_title(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base[:25]} ({n})", n + 1
    taken.add(candidate.lower())
    return candidate


def export_xlsx(sections: list[dict], period: Period, *, headers: tuple[str, str]) -> bytes:
    """A workbook with one sheet per section: the figure's label and its value."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for section in sections:
        sheet = workbook.create_sheet(_sheet_title(section["title"], taken))
        sheet.append([section["title"]])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([f"{period.first.isoformat()} – {period.last.isoformat()}"])
        sheet.append(list(headers))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for label, value in section["rows"]:
            sheet.append([label, value if isinstance(value, int | float) else str(value)])
        sheet.column_dimensions["A"].width = 48
        sheet.column_dimensions["B"].width = 16
    if not workbook.sheetnames:
        workbook.create_sheet("-")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
