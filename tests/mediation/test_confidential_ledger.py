"""Confidentiality all the way (issue 11, section 4): the committee's ledger, monthly report and
their exports show an ordinary member only the cases assigned to them; every download of a case
document, dossier or ZIP is in the audit log like a page view."""

import html
import io
import zipfile

import pytest

from mediation.models import CaseStatus
from portal.core import clock


def _xlsx_text(response) -> str:
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        # openpyxl writes non-ASCII text as character references.
        return html.unescape(
            "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        )


@pytest.fixture
def two_cases(create_case, create_mediator, dummy_committee, dummy_director, dummy_mediator):
    """One case assigned to dummy_mediator, one assigned to a colleague on the same committee."""
    colleague = create_mediator(dummy_committee)
    mine = create_case(
        dummy_committee,
        status=CaseStatus.in_mediation,
        mediator_member=dummy_mediator,
        title="分给我的案件",
    )
    theirs = create_case(
        dummy_committee,
        status=CaseStatus.in_mediation,
        mediator_member=colleague,
        title="同事的保密案件",
    )
    return mine, theirs


def test_an_ordinary_member_sees_only_assigned_cases_in_the_ledger_and_its_export(
    client, login, two_cases, dummy_mediator, dummy_committee
):
    mine, theirs = two_cases
    login(dummy_mediator.user)
    page = client.get("/mediation/documents/ledger", query_string={"committee": dummy_committee.id})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert mine.parties[0].name in text
    assert theirs.parties[0].name not in text
    export = client.get(
        "/mediation/documents/ledger.xlsx", query_string={"committee": dummy_committee.id}
    )
    assert export.status_code == 200
    content = _xlsx_text(export)
    assert mine.parties[0].name in content
    assert theirs.parties[0].name not in content


def test_the_director_and_staff_see_every_case_of_the_committee(
    client, login, two_cases, dummy_director, dummy_staff, dummy_committee
):
    mine, theirs = two_cases
    for user in (dummy_director.user, dummy_staff):
        login(user)
        export = client.get(
            "/mediation/documents/ledger.xlsx", query_string={"committee": dummy_committee.id}
        )
        content = _xlsx_text(export)
        assert mine.parties[0].name in content and theirs.parties[0].name in content
        client.post("/account/logout")


def test_the_monthly_report_counts_only_an_ordinary_members_cases(
    two_cases, dummy_mediator, dummy_director, dummy_committee
):
    from mediation.documents import ledger

    # The Beijing month: accepted_dt is UTC, a month behind from 16:00 UTC on a month's last day.
    month = clock.local_date(two_cases[0].accepted_dt).strftime("%Y-%m")
    member_view = ledger.monthly_report([dummy_committee], month, reader=dummy_mediator.user)
    director_view = ledger.monthly_report([dummy_committee], month, reader=dummy_director.user)
    assert member_view["total"].accepted == 1
    assert director_view["total"].accepted == 2


def test_every_download_of_a_case_document_is_audited(
    client, login, two_cases, dummy_mediator, case_views
):
    mine, _theirs = two_cases
    login(dummy_mediator.user)
    before = len(case_views(mine, dummy_mediator.user))
    assert client.get(f"/mediation/documents/case/{mine.id}/docx/application").status_code == 200
    assert client.get(f"/mediation/documents/case/{mine.id}/doc/application").status_code == 200
    after = case_views(mine, dummy_mediator.user)
    assert len(after) == before + 2
    assert {"download": "application.docx"} in after
