"""The risk report as DOCX (python-docx): A4, Chinese fonts, page numbers, a signature per lawyer."""

import io
import re

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from flask_babel import gettext as _

from portal.checkups.models import LEVEL_CHINESE, Checkup, Level, Mode
from portal.checkups.operations import area_states, to_local
from portal.core import word
from portal.core.i18n import format_day, format_moment_range

BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋", "黑体", "Times New Roman"


def plain(markdown_text: str) -> str:
    """Markdown to the plain text a report paragraph holds: [[民法典 第五百七十七条]] -> 《民法典》第五百七十七条."""

    def citation(match):
        inner = match.group(1).strip()
        law, _sep, article = inner.partition(" ")
        return f"《{law}》{article}" if article else f"《{law}》"

    text = re.sub(r"\[\[([^\]]+)\]\]", citation, markdown_text or "")
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"[*_`#>]+", "", text)
    return word.text(text).strip()


def _field(paragraph, instruction: str):
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    number = OxmlElement("w:t")
    number.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, number, end):
        run._r.append(element)


def _heading(document, text, level):
    paragraph = document.add_heading(text, level=level)
    for run in paragraph.runs:
        word.set_font(run, HEADING_FONT)
    return paragraph


def build_docx(checkup: Checkup) -> bytes:
    document = word.new_document(BODY_FONT, 14, headings=HEADING_FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(28)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(_("Page") + " ")
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")

    firm = checkup.enterprise
    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.set_font(title.add_run(_("Legal check-up risk report")), HEADING_FONT)

    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    facts.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = [
        (_("Enterprise"), firm.name),
        (_("Unified social credit code"), firm.uscc),
        (_("Date"), format_moment_range(checkup.start_dt, checkup.end_dt)),
        (
            _("Where"),
            checkup.address if checkup.mode == Mode.onsite else _("Online meeting"),
        ),
        (_("Lawyers"), "、".join(lawyer.name for lawyer in checkup.lawyers)),
        (_("Checklist version"), str(checkup.checklist_version.number)),
    ]
    for label, value in rows:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, word.text(value)

    _heading(document, _("Overall opinion"), 1)
    document.add_paragraph(plain(checkup.summary) or _("See the findings below."))

    _heading(document, _("Risk profile"), 1)
    states = area_states(checkup)
    profile = document.add_table(rows=1, cols=4)
    profile.style = "Table Grid"
    header = profile.rows[0].cells
    header[0].text = _("Risk area")
    for i, level in enumerate(Level, start=1):
        header[i].text = LEVEL_CHINESE[level]
    for row in states:
        cells = profile.add_row().cells
        cells[0].text = row["area"].name
        for i, level in enumerate(Level, start=1):
            cells[i].text = str(sum(1 for f in row["findings"] if f.level == level))

    _heading(document, _("Findings and recommendations"), 1)
    for number, row in enumerate(states, start=1):
        _heading(document, f"{number}. {row['area'].name}", 2)
        if not row["findings"]:
            document.add_paragraph(_("No findings in this area."))
            continue
        for i, finding in enumerate(row["findings"], start=1):
            lead = document.add_paragraph()
            lead.add_run(f"（{i}）{_('Risk level')}：{LEVEL_CHINESE[finding.level]}").bold = True
            for label, text in (
                (_("Facts"), finding.facts),
                (_("Legal basis"), finding.legal_basis),
                (_("Recommendation"), finding.recommendation),
            ):
                if text:
                    paragraph = document.add_paragraph()
                    paragraph.add_run(f"{label}：").bold = True
                    paragraph.add_run(plain(text))

    _heading(document, _("Signatures"), 1)
    signatures = document.add_table(rows=1, cols=3)
    signatures.style = "Table Grid"
    head = signatures.rows[0].cells
    head[0].text, head[1].text, head[2].text = _("Lawyer"), _("Law firm"), _("Signature and date")
    for assignment in checkup.assignments:
        cells = signatures.add_row().cells
        lawyer = assignment.lawyer
        cells[0].text = lawyer.name
        cells[1].text = lawyer.lawyer_profile.law_firm if lawyer.lawyer_profile else ""
        cells[2].text = (
            f"{_('Signed')} {format_day(to_local(assignment.signed_dt).date())}"
            if assignment.signed_dt
            else "________________"
        )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
