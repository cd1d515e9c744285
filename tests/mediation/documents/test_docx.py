"""Every generated DOCX opens with python-docx and holds the case's facts where they belong."""

from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from mediation.documents import docx_builder
from mediation.documents import dossier as dossiers
from mediation.documents.context import SIDE_ZH
from mediation.documents.render import render_document
from tests.mediation.documents.conftest import docx_paragraphs, docx_text


def _docx(case, key):
    doc = dossiers.find(case, key)
    assert doc is not None, f"{key} not planned"
    rendered = dossiers.render_planned(case, doc)
    assert rendered.ok, rendered.problems
    return docx_builder.build([rendered])


def test_every_planned_document_of_an_agreement_case_opens(dummy_case):
    keys = [doc.key for doc in dossiers.plan(dummy_case)]
    assert keys == [
        "application",
        "acceptance",
        "rights_notice",
        "investigation-1",
        "session-1",
        "agreement",
        "return_visit-1",
        "judicial_confirmation",
        "evidence_list",
    ]
    for key in keys:
        text = docx_text(_docx(dummy_case, key))
        assert dummy_case.parties[0].name in text or key in ("investigation-1", "evidence_list")
        assert text.strip()


def test_agreement_holds_article_29_contents_signatures_and_copies(dummy_case):
    paragraphs = docx_paragraphs(_docx(dummy_case, "agreement"))
    agreement = dummy_case.agreement
    assert paragraphs[0] == "人民调解协议书"
    for party in dummy_case.parties:
        side = SIDE_ZH[str(party.side)]
        assert any(p.startswith(f"{side}：{party.name}，") for p in paragraphs)  # Art. 29 (1)
        assert any(p.startswith(f"{side}：{party.name}（签名、盖章或按指印）") for p in paragraphs)
    assert agreement.facts in paragraphs
    assert agreement.responsibilities in paragraphs
    assert agreement.terms in paragraphs
    assert "履行方式：银行转账" in paragraphs
    assert "履行期限：2026年4月1日前履行完毕。" in paragraphs
    assert "本协议书一式三份，当事人各执一份，人民调解委员会留存一份。" in paragraphs
    assert f"{dummy_case.committee.name}（盖章）" in paragraphs
    mediator = dummy_case.mediators[0].member.user.name
    assert f"人民调解员：{mediator}（签名）＿＿＿＿＿＿＿＿　　年　月　日" in paragraphs
    # the terms come after the facts (section order of Art. 29)
    assert paragraphs.index(agreement.facts) < paragraphs.index(agreement.terms)


def test_docx_is_a4_with_chinese_fonts_and_page_numbers(dummy_case):
    document = Document(BytesIO(_docx(dummy_case, "agreement")))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    fonts = {f.get(qn("w:eastAsia")) for f in document.element.body.iter(qn("w:rFonts"))}
    assert {"仿宋_GB2312", "黑体"} <= fonts
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    font_table = next(
        r.target_part.blob for r in document.part.rels.values() if r.reltype.endswith("/fontTable")
    ).decode()
    assert "altName" in font_table and "仿宋_GB2312" in font_table


def test_acceptance_registration_puts_facts_in_the_table(dummy_case):
    document = Document(BytesIO(_docx(dummy_case, "acceptance")))
    rows = {
        row.cells[0].text: row.cells[-1].text for table in document.tables for row in table.rows
    }
    assert rows["案件名称"] == dummy_case.title
    assert rows["纠纷类型"] == "合同纠纷"
    assert rows["涉及金额"] == "128,000.50元"
    assert rows["受理日期"] == "2026年3月2日"
    assert rows["纠纷简要情况"] == dummy_case.facts


def test_oral_agreement_case_gets_the_oral_record_instead_of_the_agreement(create_case):
    case = create_case(outcome="oral")
    keys = [doc.key for doc in dossiers.plan(case)]
    assert "oral_agreement" in keys and "agreement" not in keys
    text = docx_text(_docx(case, "oral_agreement"))
    assert "口头调解协议登记表" in text
    assert case.agreement.oral_record in text


def test_termination_notice_names_the_other_routes(create_case):
    case = create_case(outcome="failed")
    keys = [doc.key for doc in dossiers.plan(case)]
    assert "termination" in keys and "agreement" not in keys
    text = docx_text(_docx(case, "termination"))
    assert case.termination_notice in text
    for route in ("仲裁", "行政", "人民法院提起诉讼", "第二十六条"):
        assert route in text


def test_oral_application_is_recorded_as_such(create_case):
    case = create_case(source="oral")
    text = docx_text(_docx(case, "application"))
    assert "人民调解口头申请记录" in text
    assert "记录人（签名）" in text


def test_ten_parties_and_a_5000_character_agreement_lay_out(create_case):
    line = "被申请人应当按照本协议约定的期限和方式履行付款义务，逾期按日万分之五支付违约金。"
    terms_lines = [f"{i}. {line}" for i in range(1, 200)]
    terms = "\n".join(terms_lines)
    while len(terms) < 5000:
        terms += "\n补充条款：双方确认无其他争议。"
    assert len(terms) >= 5000
    case = create_case(parties=10, agreement_terms=terms)
    assert len(case.parties) == 10
    paragraphs = docx_paragraphs(_docx(case, "agreement"))
    for party in case.parties:
        assert sum(party.name in p for p in paragraphs) >= 2  # description and signature
    body = "\n".join(p for p in paragraphs)
    for term_line in terms.split("\n"):
        assert term_line.strip() in paragraphs
    assert "一式十一份" in body
    blocks = render_document("agreement", case).blocks
    assert dossiers.estimate_pages(blocks) >= 8


@pytest.mark.parametrize(
    "name", ["𠮷野家商贸有限公司", "😀表情&<>\"'公司", "O'Brien & Söhne <GmbH>"]
)
def test_unusual_characters_survive_in_docx(create_case, name):
    case = create_case(party_names=[name, "乙方"])
    text = docx_text(_docx(case, "agreement"))
    assert name in text


def test_markdown_records_become_plain_document_text(dummy_case, db_session):
    dummy_case.sessions[0].record = "## 调解经过\n- **申请人**陈述意见\n- 被申请人`同意`分期"
    db_session.flush()
    paragraphs = docx_paragraphs(_docx(dummy_case, "session-1"))
    assert "调解经过" in paragraphs
    assert "· 申请人陈述意见" in paragraphs and "· 被申请人同意分期" in paragraphs
    assert not any("**" in p or "##" in p for p in paragraphs)


def test_dispute_sentence_does_not_double_the_word(create_case):
    assert "你们之间的买卖合同纠纷，" in docx_text(
        _docx(create_case(title="买卖合同纠纷"), "rights_notice")
    )
    assert "你们之间的货款拖欠纠纷，" in docx_text(
        _docx(create_case(title="货款拖欠"), "rights_notice")
    )


def test_control_characters_do_not_break_docx_or_xlsx(create_case, dummy_committee):
    from io import BytesIO

    from openpyxl import load_workbook

    from mediation.documents import ledger as ledgers

    case = create_case(committee=dummy_committee, party_names=["甲\x0b公司\x07", "乙\x1b方"])
    assert "甲公司" in docx_text(_docx(case, "agreement"))
    data = ledgers.build_ledger(dummy_committee, case.accepted_dt.date(), case.accepted_dt.date())
    sheet = load_workbook(BytesIO(ledgers.ledger_xlsx(data))).active
    assert "甲公司" in sheet["D3"].value and "乙方" in sheet["D3"].value
