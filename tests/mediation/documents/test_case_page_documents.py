"""The mediation case page lists the case's documents (ready or missing) with links, and the
dossier once archived, each as far as the reader may see it."""

import re

import pytest


def _documents_section(page: str) -> str:
    start = page.index('id="h-documents"')
    return page[start : page.index("</section>", start)]


def test_staff_see_ready_and_missing_documents_with_links(client, login, create_case, dummy_staff):
    case = create_case(state="agreement_reached")  # no return visit yet
    login(dummy_staff)
    page = client.get(f"/mediation/cases/{case.id}").get_data(as_text=True)
    section = _documents_section(page)
    assert "案件文书" in page
    # A ready document links to its print view and its DOCX, and both open.
    ready = re.findall(r'href="(/mediation/documents/case/\d+/(?:doc|docx)/[^"]+)"', section)
    assert f"/mediation/documents/case/{case.id}/docx/agreement" in ready
    for url in ready[:4]:
        assert client.get(url).status_code == 200, url
    assert "已生成" in section and "人民调解协议书" in section
    # A missing one says so, with what is missing, and has no link.
    assert "待补齐" in section and "尚无回访记录" in section
    assert "/docx/return-visit" not in section
    # The full list and the archive check are one click away; no dossier before archiving.
    assert f'href="/mediation/documents/case/{case.id}"' in section
    assert "dossier.docx" not in section


def test_an_archived_case_links_its_dossier_and_the_dossier_downloads(
    client, login, dummy_case, dummy_staff
):
    login(dummy_staff)
    section = _documents_section(
        client.get(f"/mediation/cases/{dummy_case.id}").get_data(as_text=True)
    )
    url = f"/mediation/documents/case/{dummy_case.id}/dossier.docx"
    assert f'href="{url}"' in section and "卷宗" in section
    assert client.get(url).status_code == 200


@pytest.fixture
def party_user(create_enterprise_user, dummy_case, db_session):
    user = create_enterprise_user()
    dummy_case.parties[0].enterprise_id = user.enterprise_id
    db_session.flush()
    return user


def test_a_party_sees_only_the_documents_meant_for_parties(client, login, dummy_case, party_user):
    login(party_user)
    section = _documents_section(
        client.get(f"/mediation/cases/{dummy_case.id}").get_data(as_text=True)
    )
    assert "人民调解协议书" in section
    assert "调查记录" not in section and "卷宗封面" not in section
    assert "dossier.docx" not in section
    for url in re.findall(r'href="(/mediation/documents/case/\d+/docx/[^"]+)"', section):
        assert client.get(url).status_code == 200, url


def test_a_document_with_a_missing_field_shows_what_is_missing_and_no_link(
    client, login, dummy_case, dummy_staff
):
    dummy_case.agreement.performance_deadline = None
    login(dummy_staff)
    section = _documents_section(
        client.get(f"/mediation/cases/{dummy_case.id}").get_data(as_text=True)
    )
    assert "人民调解协议书：缺少履行期限" in section
    assert f"/mediation/documents/case/{dummy_case.id}/docx/agreement" not in section


@pytest.mark.parametrize("index", [None, 0, 11])
def test_the_case_pages_document_links_are_the_addresses_url_for_writes(app, index):
    """The page writes each document's two links from one address per kind (the key in place
    of a mark): the same as url_for's for every kind of document."""
    from flask import url_for

    from mediation.documents.doctypes import BY_CODE
    from mediation.documents.dossier import PlannedDocument
    from mediation.documents.summary import _document_href

    with app.test_request_context("/"):
        for endpoint in ("document_html", "document_docx"):
            href = _document_href(f"mediation_documents.{endpoint}", 1234)
            for code in BY_CODE:
                key = PlannedDocument(code, index, None, "").key
                expected = url_for(f"mediation_documents.{endpoint}", case_id=1234, key=key)
                assert href(key) == expected


def _application_line(client, case) -> str:
    section = _documents_section(client.get(f"/mediation/cases/{case.id}").get_data(as_text=True))
    return next(line for line in section.split("<li") if "人民调解申请书" in line)


def test_the_list_follows_a_template_saved_after_the_page_was_shown(
    client, login, create_case, dummy_staff
):
    from mediation.documents.doctypes import DEFAULTS
    from mediation.documents.operations import save_template

    case = create_case(state="accepted")  # not closed: no date of closing
    login(dummy_staff)
    assert "已生成" in _application_line(client, case)
    # A new wording that prints the date of closing: the same case now lacks it.
    save_template(
        "application", DEFAULTS["application"] + "@@right {{ case.closed_date }}\n", by=None
    )
    line = _application_line(client, case)
    assert "人民调解申请书：缺少结案日期" in line and "已生成" not in line
    # And the wording restored: ready again.
    save_template("application", DEFAULTS["application"], by=None)
    assert "已生成" in _application_line(client, case)


def test_the_list_follows_a_change_of_the_case_after_the_page_was_shown(
    client, login, create_case, dummy_staff, db_session
):
    case = create_case(state="accepted")
    login(dummy_staff)
    assert "已生成" in _application_line(client, case)
    case.facts = "  "
    db_session.flush()
    assert "人民调解申请书：缺少纠纷事实" in _application_line(client, case)
    case.facts = "被申请人未付货款。"
    db_session.flush()
    assert "已生成" in _application_line(client, case)


def test_the_page_reads_the_templates_once_a_process_until_one_is_saved(
    client, login, create_case, dummy_staff
):
    from mediation.documents.doctypes import DEFAULTS
    from mediation.documents.operations import save_template
    from tests.fixtures.queries import counted_statements

    def template_reads():
        with counted_statements() as statements:
            assert client.get(f"/mediation/cases/{case.id}").status_code == 200
        return [s for s in statements if "mediation_document_template_versions.body" in s]

    case = create_case(state="accepted")
    login(dummy_staff)
    template_reads()
    assert template_reads() == []  # the texts of the templates' state seen before
    save_template("application", DEFAULTS["application"] + "@@note 新版\n", by=None)
    assert len(template_reads()) == 1  # a new state: read once
    assert template_reads() == []


def test_each_reader_sees_the_documents_the_rule_allows(
    app, dummy_case, party_user, create_user, create_enterprise_user, dummy_staff
):
    from flask_login import login_user

    from mediation.documents.doctypes import BY_CODE
    from mediation.documents.permissions import can_view_document
    from mediation.documents.summary import case_documents_summary
    from portal.accounts.models import Role

    director, mediator = (m.user for m in dummy_case.committee.members[:2])
    expected = {
        dummy_staff: {"application", "investigation", "return_visit", "agreement"},
        director: {"application", "investigation", "return_visit", "agreement"},
        mediator: {"application", "investigation", "return_visit", "agreement"},
        party_user: {"application", "agreement"},
        create_enterprise_user(): set(),
        create_user(Role.mediator): set(),
    }
    for reader, allowed in expected.items():
        for code in ("application", "investigation", "return_visit", "agreement"):
            assert can_view_document(reader, dummy_case, BY_CODE[code]) == (code in allowed)
        with app.test_request_context("/"):
            login_user(reader)
            titles = " ".join(d["title"] for d in case_documents_summary(dummy_case)["documents"])
        for code in ("application", "investigation", "return_visit", "agreement"):
            assert (BY_CODE[code].title in titles) == (code in allowed), (reader, code)
