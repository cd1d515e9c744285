"""Lay out rendered documents as DOCX (python-docx): A4, official-document fonts, page numbers.

Fonts follow GB/T 9704: titles 方正小标宋/黑体 二号, headings 黑体 三号, body 仿宋_GB2312 三号
(16 pt) on a fixed 28 pt line — 22 lines of 28 characters a page. Each run names its East Asian
font and the font table lists fall-backs (仿宋_GB2312 -> 仿宋 -> 宋体), both through
portal.core.word, so a computer without the GB2312 fonts still shows Chinese.
"""

from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from portal.core import word

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "黑体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {"仿宋_GB2312": "仿宋", "仿宋": "宋体", "黑体": "SimHei", "宋体": "SimSun"}

BODY_PT = 16
TITLE_PT = 22
HEADING_PT = 16
TABLE_PT = 14
NOTE_PT = 12
LINE_PT = 28


def _set_font(run, east_asia: str, size: float, bold: bool = False):
    word.set_font(run, east_asia, size, bold=bold, latin=LATIN_FONT)


def _line(paragraph, exact=True):
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)


def _add_page_number(section):
    """Footer: — PAGE — centred (a PAGE field, so Word numbers every page)."""
    footer = section.footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(paragraph.add_run("— "), TABLE_FONT, TABLE_PT)
    run = paragraph.add_run()
    _set_font(run, TABLE_FONT, TABLE_PT)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _set_font(paragraph.add_run(" —"), TABLE_FONT, TABLE_PT)


def new_document():
    document = Document()
    section = document.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.footer_distance = Mm(20)
    word.set_font(document.styles["Normal"], BODY_FONT, BODY_PT, latin=LATIN_FONT)
    _add_page_number(section)
    word.declare_fallbacks(document, FALLBACKS)
    # python-docx's default template starts with one empty paragraph; keep the body clean.
    for paragraph in list(document.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    return document


def _paragraph(document, text, *, font=BODY_FONT, size=BODY_PT, bold=False, align=None, indent=0):
    paragraph = document.add_paragraph()
    _line(paragraph)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * indent)
    if text:
        _set_font(paragraph.add_run(text), font, size, bold)
    return paragraph


TEXT_WIDTH_MM = 156
# column widths (mm) by number of columns: label/value, contents, evidence list
COLUMN_WIDTHS = {2: [35, 121], 4: [15, 85, 36, 20], 5: [12, 40, 34, 40, 30]}


def column_widths(count: int) -> list[float]:
    return COLUMN_WIDTHS.get(count, [TEXT_WIDTH_MM / count] * count)


def _table(document, rows):
    width = max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cells in rows:
        row = table.add_row()
        cells = list(cells)
        if len(cells) < width:  # a short row: the last cell spans the rest
            first = row.cells[len(cells) - 1]
            first.merge(row.cells[width - 1])
        for i, text in enumerate(cells):
            cell = row.cells[i]
            lines = str(text).split("\n")
            paragraph = cell.paragraphs[0]
            for j, line in enumerate(lines):
                if j:
                    paragraph = cell.add_paragraph()
                _set_font(paragraph.add_run(line), TABLE_FONT, TABLE_PT, bold=False)
    table.autofit = False
    widths = column_widths(width)
    for i, column in enumerate(table.columns):
        column.width = Mm(widths[i])
    for row in table.rows:
        for i, cell in enumerate(row.cells[:width]):
            cell.width = Mm(widths[i])
    return table


def add_blocks(document, blocks):
    for block in blocks:
        kind = block.kind
        if kind == "title":
            _paragraph(
                document,
                block.text,
                font=TITLE_FONT,
                size=TITLE_PT,
                align=WD_ALIGN_PARAGRAPH.CENTER,
            ).paragraph_format.space_after = Pt(12)
        elif kind == "subtitle":
            _paragraph(document, block.text, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif kind == "heading":
            _paragraph(document, block.text, font=TITLE_FONT, size=HEADING_PT)
        elif kind == "para":
            _paragraph(document, block.text, indent=2)
        elif kind == "right":
            _paragraph(document, block.text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif kind == "center":
            _paragraph(document, block.text, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif kind == "note":
            _paragraph(document, block.text, size=NOTE_PT, indent=2)
        elif kind == "sign":
            # a signature line: label, room to sign, and the date
            _paragraph(document, "")
            _paragraph(document, sign_line(block.text), indent=0)
        elif kind == "seal":
            _paragraph(document, "")
            _paragraph(document, f"{block.text}（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif kind == "blank":
            _paragraph(document, "")
        elif kind == "pagebreak":
            page_break(document)
        elif kind == "table":
            _table(document, block.rows)
            _paragraph(document, "")


def sign_line(label: str) -> str:
    """'申请人：甲公司（签名）' -> '申请人：甲公司（签名）＿＿＿＿＿＿＿＿　　年　月　日'."""
    sep = "" if label.endswith(("）", "：", ":")) else "："
    return f"{label}{sep}＿＿＿＿＿＿＿＿　　年　月　日"


def page_break(document):
    paragraph = document.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)


def build(rendered_documents) -> bytes:
    """One DOCX of one or more rendered documents, each starting on a new page."""
    document = new_document()
    for i, rendered in enumerate(rendered_documents):
        if i:
            page_break(document)
        add_blocks(document, rendered.blocks)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
