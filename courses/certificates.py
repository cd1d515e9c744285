"""Attendance certificates for firms: the data for the printable page and the DOCX file."""

from io import BytesIO

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from flask_babel import format_date
from flask_babel import gettext as _

from courses.forms import utc_to_local
from portal.core import word


def certificate_number(lecture, enterprise, attendance) -> str:
    return f"JZ{lecture.starts_dt:%Y}-{lecture.id:04d}-{attendance.id:06d}"


def certificate_text(lecture, enterprise) -> str:
    return _(
        "%(firm)s (unified social credit code %(uscc)s) attended the law lecture "
        "“%(title)s” given by %(speaker)s on %(date)s.",
        firm=enterprise.name,
        uscc=enterprise.uscc,
        title=lecture.title,
        speaker=lecture.speaker_name,
        date=format_date(utc_to_local(lecture.starts_dt).date(), "long"),
    )


def certificate_docx(lecture, enterprise, attendance, issuer: str) -> bytes:
    document = word.new_document("宋体", headings="黑体")
    heading = document.add_heading(_("Certificate of attendance"), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = document.add_paragraph(
        _("No. %(number)s", number=certificate_number(lecture, enterprise, attendance))
    )
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    body = document.add_paragraph(word.text(certificate_text(lecture, enterprise)))
    body.paragraph_format.first_line_indent = Pt(24)
    for run in body.runs:
        run.font.size = Pt(14)
    if lecture.series:
        document.add_paragraph(_("Series: %(series)s", series=lecture.series.title))
    if lecture.category:
        document.add_paragraph(_("Legal category: %(category)s", category=lecture.category.name))
    document.add_paragraph("")
    signature = document.add_paragraph(issuer)
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    issued = document.add_paragraph(format_date(utc_to_local(attendance.created_dt).date(), "long"))
    issued.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = BytesIO()
    document.save(out)
    return out.getvalue()
