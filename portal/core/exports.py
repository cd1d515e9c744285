"""XLSX exports, one helper for every package: sheets, headers, column widths, dates in Beijing
time, and text cleared of the characters XML cannot hold (a NUL or vertical tab in a note used to
make openpyxl raise, so the export answered 500 until the note was edited).

    book = XlsxBook()
    book.add_sheet(_("Services"), header=[_("Date"), _("Note")], rows=rows, widths=[12, 50])
    return book.to_bytes()

Values are written as they are for numbers and dates; Decimal becomes float; a datetime is a
stored time (naive UTC) and is written as Beijing wall-clock time; anything else becomes text.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from portal.core import clock

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADING_FONT = Font(bold=True, size=14)
MAX_CELL = 32767  # Excel's limit on the characters of one cell
MAX_WIDTH = 60

# XML 1.0 forbids C0 controls other than tab, newline and carriage return, lone surrogates and
# U+FFFE/U+FFFF; DEL and C1 controls are allowed but print as boxes, so they go too.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SHEET_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


def xml_safe(text) -> str:
    """`text` as a string without the characters XML (XLSX, DOCX) cannot hold."""
    return _ILLEGAL.sub("", str(text))


def cell_value(value):
    """What a cell holds for `value` (see the module docstring)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return clock.to_local_naive(clock.as_utc(value))
    if isinstance(value, date):
        return value
    text = xml_safe(value)
    if text[:1] in ("=", "+", "-", "@") and len(text) > 1 and not _is_number(text):
        # A cell starting with "=" is a formula to a spreadsheet: user text never is one.
        text = "'" + text
    return text[:MAX_CELL]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    longest = max(str(value).split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def unique_title(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, no []:*?/\\) that no other sheet has."""
    base = _SHEET_TITLE_CHARS.sub(" ", xml_safe(title)).strip()[:28] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base[:25]} ({n})", n + 1
    taken.add(candidate.lower())
    return candidate


def append_row(sheet: Worksheet, row: Iterable) -> None:
    """Append one row of values, cleaned, with dates formatted."""
    # The cells are made here, not found again after the append: finding the new row through
    # sheet.max_row walks every cell written so far, which made a sheet of n rows cost n².
    cells = []
    for value in row:
        cell = Cell(sheet, value=cell_value(value))
        if isinstance(cell.value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(cell.value, date):
            cell.number_format = DATE_FORMAT
        cells.append(cell)
    sheet.append(cells)


class XlsxBook:
    """A workbook built sheet by sheet; `to_bytes()` gives the file."""

    def __init__(self):
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        self._titles: set[str] = set()

    def add_sheet(
        self,
        title: str,
        *,
        header: Sequence = (),
        rows: Iterable[Iterable] = (),
        widths: Sequence[float] | None = None,
        heading: str | None = None,
        notes: Sequence[str] = (),
        freeze: bool = True,
        autofilter: bool = True,
    ) -> Worksheet:
        """A sheet: an optional heading line (merged over the columns) and note lines, then a
        banded header row (frozen, with filters) and the rows. Without `widths`, columns are
        as wide as their longest value (Chinese characters count double), up to 60."""
        sheet = self.workbook.create_sheet(unique_title(str(title), self._titles))
        columns = max(len(header), 1)
        if heading is not None:
            append_row(sheet, [heading])
            sheet.cell(row=1, column=1).font = HEADING_FONT
            if columns > 1:
                sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
        for note in notes:
            append_row(sheet, [note])
        header_row = None
        if header:
            append_row(sheet, [str(h) for h in header])
            header_row = sheet.max_row
            for cell in sheet[header_row]:
                cell.font = HEADER_FONT
                cell.fill = HEADER_FILL
                cell.alignment = Alignment(vertical="center", wrap_text=True)
        first_data = sheet.max_row + 1 if (heading is not None or notes or header) else 1
        for row in rows:
            append_row(sheet, row)
        if header_row:
            if freeze:
                sheet.freeze_panes = f"A{header_row + 1}"
            if autofilter and sheet.max_row > header_row:
                last = get_column_letter(len(header))
                sheet.auto_filter.ref = f"A{header_row}:{last}{sheet.max_row}"
        self._set_widths(sheet, widths, header, first_data)
        return sheet

    @staticmethod
    def _set_widths(sheet, widths, header, first_data):
        if widths is None:
            measured: dict[int, int] = {}
            for index, label in enumerate(header, start=1):
                measured[index] = _display_width(str(label))
            for row in sheet.iter_rows(min_row=first_data, values_only=True):
                for index, value in enumerate(row, start=1):
                    measured[index] = max(measured.get(index, 0), _display_width(value))
            widths = [min(MAX_WIDTH, max(8, w + 2)) for _i, w in sorted(measured.items())]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    def to_bytes(self) -> bytes:
        if not self.workbook.sheetnames:
            self.workbook.create_sheet("-")
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()
