"""The DOCX report, the printable view, the SVG chart and the iCalendar invitation."""

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn

from portal.checkups import operations as ops
from portal.checkups.charts import risk_profile_svg
from portal.checkups.ics import invitation
from portal.checkups.models import Level, Status
from portal.checkups.report import build_docx, plain
from portal.core import clock
from portal.core.ical import escape_text, fold

pytestmark = pytest.mark.usefixtures("babel_request_ctx")


@pytest.fixture
def reported(started_checkup, create_enterprise):
    checkup, firm_user, lawyers = started_checkup()
    checkup.enterprise.name = "沈阳恒信机械制造有限公司"
    lawyers[0].name, lawyers[1].name = "王建华", "李春梅"
    areas = checkup.areas
    ops.save_finding(
        checkup,
        lawyers[0],
        area_id=areas[1].id,
        level="high",
        facts="主要采购合同未约定违约责任",
        legal_basis="依据 [[民法典 第五百七十七条]]",
        recommendation="修订合同范本，增加违约责任条款",
    )
    ops.save_finding(
        checkup,
        lawyers[1],
        area_id=areas[2].id,
        level="medium",
        facts="三名员工未签订书面劳动合同",
        legal_basis="[[劳动合同法 第八十二条]]",
        recommendation="一个月内补签",
    )
    for area in areas[3:] + areas[:1]:
        ops.mark_clear(checkup, area.id, lawyers[0])
    ops.save_summary(checkup, "总体风险**可控**。", lawyers[0])
    ops.transition(checkup, Status.report_draft, lawyers[0])
    ops.sign_off(checkup, lawyers[0])
    return checkup, firm_user, lawyers


def _all_text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_has_the_firm_the_findings_and_the_lawyers_where_they_belong(reported):
    checkup, _firm, lawyers = reported
    document = Document(io.BytesIO(build_docx(checkup)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # The firm in the facts table at the top.
    facts = document.tables[0]
    assert facts.rows[0].cells[1].text == "沈阳恒信机械制造有限公司"
    # Findings under their area's heading, with level, facts, legal basis and recommendation.
    paragraphs = [p.text for p in document.paragraphs]
    heading = next(i for i, t in enumerate(paragraphs) if t.endswith(checkup.areas[1].name))
    following = "\n".join(paragraphs[heading : heading + 6])
    assert "主要采购合同未约定违约责任" in following
    assert "《民法典》第五百七十七条" in following
    assert "修订合同范本" in following
    assert "高" in following
    # Every lawyer in the signature table, with the one who signed marked.
    signatures = document.tables[-1]
    names = [row.cells[0].text for row in signatures.rows[1:]]
    assert names == ["王建华", "李春梅"]
    assert "____" not in signatures.rows[1].cells[2].text
    assert "____" in signatures.rows[2].cells[2].text
    # Risk profile table counts.
    profile = document.tables[1]
    row = next(r for r in profile.rows if r.cells[0].text == checkup.areas[2].name)
    assert [c.text for c in row.cells[1:]] == ["0", "1", "0"]


def test_docx_uses_chinese_fonts_and_page_numbers(reported):
    checkup, *_ = reported
    data = build_docx(checkup)
    document = Document(io.BytesIO(data))
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    footer_xml = document.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    import zipfile

    font_table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert 'w:name="仿宋"' in font_table and "宋体" in font_table


def test_docx_download_is_a_word_file(client, login, reported):
    checkup, *_rest = reported
    login(checkup.lawyers[0])
    response = client.get(f"/checkups/{checkup.id}/report.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "沈阳恒信" in _all_text(Document(io.BytesIO(response.data)))


def test_printable_report_has_print_css_chart_and_rendered_markdown(client, login, reported):
    checkup, *_rest = reported
    login(checkup.lawyers[1])
    page = client.get(f"/checkups/{checkup.id}/report").get_data(as_text=True)
    assert "checkups.css" in page
    assert "<svg" in page and "risk-profile" in page
    assert "<strong>可控</strong>" in page
    assert "主要采购合同未约定违约责任" in page
    assert "李春梅" in page


def test_markdown_citations_become_plain_text_in_the_docx():
    assert (
        plain("见 [[民法典 第五百七十七条]] 与 **重点**") == "见 《民法典》第五百七十七条 与 重点"
    )


def test_chart_counts_by_area_and_level_and_escapes_labels():
    svg = str(
        risk_profile_svg(
            [("合同<管理>", {Level.high: 2, Level.medium: 1, Level.low: 0})], "风险 & 分布"
        )
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "合同&lt;管理&gt;" in svg and "风险 &amp; 分布" in svg
    assert svg.count("<rect") == 3 + 2  # the legend's three, two non-empty bars
    assert ">3</text>" in svg


def test_ics_lines_end_with_crlf_fold_at_75_octets_and_escape_text(dummy_checkup):
    dummy_checkup.address = "沈阳市和平区青年大街1号; 3楼, 会议室\\A"
    text = invitation(
        dummy_checkup,
        host="portal.example",
        url="https://portal.example/checkups/1",
        now=clock.utc(2030, 1, 1, 8, 0, 0),
    )
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    unfolded = text.replace("\r\n ", "")
    assert f"UID:checkup-{dummy_checkup.id}@portal.example\r\n" in unfolded
    assert "DTSTAMP:20300101T080000Z\r\n" in unfolded
    assert f"DTSTART:{dummy_checkup.start_dt:%Y%m%dT%H%M%S}Z\r\n" in unfolded
    assert f"DTEND:{dummy_checkup.end_dt:%Y%m%dT%H%M%S}Z\r\n" in unfolded
    assert "LOCATION:沈阳市和平区青年大街1号\\; 3楼\\, 会议室\\\\A\r\n" in unfolded
    assert re.search(r"BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n", text)
    assert "BEGIN:VEVENT" in text and "END:VEVENT" in text


def test_fold_never_splits_a_chinese_character():
    folded = fold("SUMMARY:" + "法治体检" * 30)
    pieces = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert "".join(pieces) == "SUMMARY:" + "法治体检" * 30


def test_escape_text_handles_newlines_and_backslashes():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_invitation_download(client, login, dummy_checkup):
    login(dummy_checkup.lawyers[0])
    response = client.get(f"/checkups/{dummy_checkup.id}/invite.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    assert b"\r\nEND:VCALENDAR\r\n" in response.data


def test_check_up_page_shows_the_chart_once_there_are_findings(client, login, reported):
    checkup, *_rest = reported
    login(checkup.lawyers[0])
    page = client.get(f"/checkups/{checkup.id}").get_data(as_text=True)
    assert "<svg" in page
    assert 'style="' not in page
    # "No findings" (with its take-back button) only on the eight areas marked so.
    assert page.count('name="clear" value="0"') == 8
    assert page.count('name="clear" value="1"') == 0
