"""Exports are one helper: sheets, headers, widths, Beijing dates, text XML can hold; DOCX fonts."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from portal.core import clock, exports, word
from tests.fixtures.app import ON_POSTGRES

# PostgreSQL refuses NUL in text columns (that refusal is the forms' business); the vertical
# tab goes through on both databases and used to break openpyxl all the same.
ODD = "\x0b" if ON_POSTGRES else "\x00\x0b"


def _book(data: bytes):
    return load_workbook(BytesIO(data))


def test_cells_hold_no_character_xml_refuses():
    book = exports.XlsxBook()
    book.add_sheet("Notes", header=["Note"], rows=[["a\x00b\x0bc\x1fd\ufffee\tf\ng"]])
    sheet = _book(book.to_bytes())["Notes"]
    assert sheet["A2"].value == "abcde\tf\ng"


def test_stored_times_are_written_in_beijing_time_and_dates_as_dates():
    book = exports.XlsxBook()
    book.add_sheet(
        "Times",
        header=["When", "Day", "Amount"],
        rows=[[clock.utc(2026, 3, 31, 17, 30), date(2026, 4, 1), Decimal("1000.50")]],
    )
    sheet = _book(book.to_bytes())["Times"]
    assert sheet["A2"].value.strftime("%Y-%m-%d %H:%M") == "2026-04-01 01:30"
    assert sheet["A2"].number_format == exports.DATETIME_FORMAT
    assert sheet["B2"].value.date() == date(2026, 4, 1)
    assert sheet["B2"].number_format == exports.DATE_FORMAT
    assert sheet["C2"].value == 1000.5


def test_header_is_frozen_filtered_and_columns_fit_their_text():
    book = exports.XlsxBook()
    book.add_sheet(
        "Firms",
        heading="Title over the table",
        notes=["2026-04-01 – 2026-04-30"],
        header=["Name", "N"],
        rows=[["沈阳市某某机械制造有限公司", 3]],
    )
    sheet = _book(book.to_bytes())["Firms"]
    assert [c.value for c in sheet[3]] == ["Name", "N"]
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:B4"
    assert sheet["A3"].font.bold
    # 13 Chinese characters count double: wider than the 24-character heading would suggest.
    assert sheet.column_dimensions["A"].width == 28
    assert sheet.column_dimensions["B"].width == 8


def test_sheet_titles_are_unique_and_legal_and_text_is_never_a_formula():
    book = exports.XlsxBook()
    for _ in range(3):
        book.add_sheet("Figures: 2026/04 [all]", rows=[['=HYPERLINK("x")', "-5", "-"]])
    workbook = _book(book.to_bytes())
    assert workbook.sheetnames == [
        "Figures  2026 04  all",
        "Figures  2026 04  all (2)",
        "Figures  2026 04  all (3)",
    ]
    row = [c.value for c in workbook.worksheets[0][1]]
    assert row == ['\'=HYPERLINK("x")', "-5", "-"]


def test_an_empty_book_still_opens():
    assert _book(exports.XlsxBook().to_bytes()).sheetnames == ["-"]


def test_counsel_note_with_control_characters_exports(
    app, client, login, dummy_staff, create_counsel_group, create_counsel_service
):
    group = create_counsel_group()
    create_counsel_service(group, note=f"电话咨询{ODD}劳动合同解除")
    login(dummy_staff)
    response = client.get("/counsel/reports.xlsx")
    assert response.status_code == 200
    workbook = _book(response.data)
    cells = [c.value for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert "电话咨询劳动合同解除" in cells


def test_appeal_summary_with_control_characters_exports(
    app, client, login, dummy_staff, create_appeal_referral
):
    with clock.frozen(clock.local(2026, 4, 1, 1, 30)):
        create_appeal_referral(summary=f"胜诉判决{ODD}执行不到位")
    login(dummy_staff)
    response = client.get("/appeals/ledger.xlsx?month=2026-04")
    assert response.status_code == 200
    rows = [[c.value for c in row] for sheet in _book(response.data) for row in sheet.iter_rows()]
    row = next(r for r in rows if "胜诉判决执行不到位" in r)  # the ledger's line of the item
    assert row[1].date() == date(2026, 4, 1)  # the Beijing date, not 31 March


def test_word_helper_names_the_chinese_font_and_declares_fallbacks():
    document = word.new_document("仿宋", 14, headings="黑体")
    run = document.add_paragraph().add_run(word.text("报告\x00正文\x0b"))
    word.set_font(run, "黑体", 16, bold=True)
    buffer = BytesIO()
    document.save(buffer)
    reopened = Document(BytesIO(buffer.getvalue()))
    fonts = reopened.paragraphs[-1].runs[0]._element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    assert reopened.paragraphs[-1].text == "报告正文"
    normal = reopened.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    font_table = next(
        rel.target_part.blob
        for rel in reopened.part.rels.values()
        if rel.reltype.endswith("/fontTable")
    ).decode()
    assert "altName" in font_table and "仿宋_GB2312" in font_table


def test_only_the_helpers_write_xlsx_and_docx_fonts():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("portal", "knowledge", "mediation", "courses"):
        for path in (root / package).rglob("*.py"):
            if path.name in ("exports.py", "word.py") and path.parent.name == "core":
                continue
            text = path.read_text(encoding="utf-8")
            for needle in ("Workbook(", "from openpyxl import", 'qn("w:eastAsia")', "w:altName"):
                if needle in text:
                    offenders.append(f"{path.relative_to(root)}: {needle}")
    assert offenders == []
