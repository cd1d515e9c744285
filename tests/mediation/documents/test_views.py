"""Document pages and downloads, and who may see them."""

import zipfile
from io import BytesIO

import pytest
from docx import Document

from mediation.models import CaseStatus
from tests.mediation.documents.conftest import PDF, docx_paragraphs, docx_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def party_user(create_enterprise_user, dummy_case, db_session):
    user = create_enterprise_user()
    dummy_case.parties[0].enterprise_id = user.enterprise_id
    db_session.flush()
    return user


def _mediator(case):
    return case.mediators[0].member.user


def test_staff_downloads_a_document_as_docx_and_print_page(client, login, dummy_case, dummy_staff):
    login(dummy_staff)
    response = client.get(f"/mediation/documents/case/{dummy_case.id}/docx/agreement")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert dummy_case.agreement.terms in docx_paragraphs(response.data)
    page = client.get(f"/mediation/documents/case/{dummy_case.id}/doc/session-1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "人民调解记录" in html and dummy_case.sessions[0].record in html
    assert "print.css" in html


def test_dossier_docx_has_cover_contents_every_document_and_closing_note(
    client, login, dummy_case, dummy_staff
):
    login(dummy_staff)
    response = client.get(f"/mediation/documents/case/{dummy_case.id}/dossier.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    # gunicorn refuses a header that is not Latin-1: the Chinese name goes in filename*=UTF-8''.
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")
    assert "filename*=UTF-8''" in disposition
    paragraphs = docx_paragraphs(response.data)
    text = "\n".join(paragraphs)
    titles = [
        "人民调解卷宗",
        "卷内目录",
        "人民调解申请书",
        "人民调解受理登记表",
        "当事人权利义务告知书",
        "调查记录",
        "人民调解记录",
        "人民调解协议书",
        "人民调解回访记录",
        "司法确认申请书",
        "证据清单",
        "备考表",
    ]
    # each title's last occurrence is the document itself (the contents table lists it first)
    positions = [len(paragraphs) - 1 - paragraphs[::-1].index(t) for t in titles]
    assert positions == sorted(positions)
    for fact in (
        dummy_case.dossier_number,
        dummy_case.committee.name,
        "调解成功",
        "长期",
        "2026年3月2日",
        dummy_case.agreement.terms,
        "供货合同1.pdf",
    ):
        assert fact in text
    xml = Document(BytesIO(response.data)).element.body.xml
    assert xml.count('w:type="page"') == len(titles) - 1  # each document on a new page


def test_dossier_contents_page_numbers_are_increasing(dummy_case):
    from mediation.documents import dossier as dossiers

    documents = dossiers.assemble(dummy_case)
    contents = documents[1]
    rows = next(b for b in contents.blocks if b.kind == "table").rows[1:]
    firsts = [int(row[3].split("–")[0]) for row in rows]
    assert firsts[0] == 1 and firsts == sorted(firsts) and len(set(firsts)) == len(firsts)
    pages = [dossiers.estimate_pages(d.blocks) for d in documents]
    assert firsts[-1] == sum(pages[:-1]) + 1
    closing = "\n".join(b.text for b in documents[-1].blocks)
    assert f"共{sum(pages)}页" in closing


def test_dossier_zip_holds_the_docx_and_the_evidence_originals(
    client, login, dummy_case, dummy_staff
):
    login(dummy_staff)
    response = client.get(f"/mediation/documents/case/{dummy_case.id}/dossier.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(BytesIO(response.data))
    names = archive.namelist()
    assert f"{dummy_case.dossier_number}.docx" in names
    assert "证据原件/01-供货合同1.pdf" in names
    assert archive.read("证据原件/01-供货合同1.pdf") == PDF
    assert dummy_case.title in docx_text(archive.read(f"{dummy_case.dossier_number}.docx"))


def test_dossier_of_a_case_not_yet_archived_explains_why(client, login, create_case, dummy_staff):
    case = create_case(state="return_visited")
    assert case.status == CaseStatus.return_visited
    login(dummy_staff)
    response = client.get(f"/mediation/documents/case/{case.id}/dossier.docx")
    assert response.status_code == 422 and response.mimetype == "text/html"


def test_unusual_names_are_escaped_in_html(client, login, create_case, dummy_staff):
    name = '😀𠮷&<b>"x"</b>'
    case = create_case(party_names=[name, "乙方"])
    login(dummy_staff)
    html = client.get(f"/mediation/documents/case/{case.id}/doc/agreement").get_data(as_text=True)
    assert "<b>" not in html
    assert "😀𠮷&amp;&lt;b&gt;" in html


def test_party_sees_only_documents_meant_for_parties(client, login, dummy_case, party_user):
    login(party_user)
    base = f"/mediation/documents/case/{dummy_case.id}"
    page = client.get(base)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "人民调解协议书" in html and "调查记录" not in html and "回访记录" not in html
    assert client.get(f"{base}/doc/agreement").status_code == 200
    assert client.get(f"{base}/doc/investigation-1").status_code == 403
    assert client.get(f"{base}/docx/return_visit-1").status_code == 403
    assert client.get(f"{base}/dossier.docx").status_code == 403


def test_mediators_director_and_strangers(
    app, client, login, dummy_case, create_mediator, create_case
):
    base = f"/mediation/documents/case/{dummy_case.id}"
    login(_mediator(dummy_case))
    assert client.get(f"{base}/doc/investigation-1").status_code == 200
    director = dummy_case.committee.director
    director_client = login(director, test_client=app.test_client())
    assert director_client.get(f"{base}/dossier.docx").status_code == 200
    other = create_case()  # another committee: neither is involved there
    assert director_client.get(f"/mediation/documents/case/{other.id}").status_code == 403
    assert client.get(f"/mediation/documents/case/{other.id}").status_code == 403
    stranger = login(create_mediator(), test_client=app.test_client())
    assert stranger.get(base).status_code == 403


def test_unknown_case_and_document_are_404(client, login, dummy_case, dummy_staff):
    login(dummy_staff)
    assert client.get("/mediation/documents/case/999999").status_code == 404
    assert client.get(f"/mediation/documents/case/{dummy_case.id}/doc/nothing").status_code == 404
    assert client.get(f"/mediation/documents/case/{dummy_case.id}/doc/session-9").status_code == 404


def test_anonymous_is_sent_to_log_in(client, dummy_case):
    response = client.get(f"/mediation/documents/case/{dummy_case.id}")
    assert response.status_code in (302, 401)
