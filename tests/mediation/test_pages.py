"""Every action page opens for the person who may use it, and uploads stay behind permissions."""

import io

import pytest
from sqlalchemy import select

from mediation.models import CaseStatus, Evidence
from portal.core.db import db

PAGES = [
    ("decline", CaseStatus.applied, "director"),
    ("assign", CaseStatus.accepted, "director"),
    ("choose", CaseStatus.applied, "applicant"),
    ("parties/new", CaseStatus.applied, "director"),
    ("sessions/new", CaseStatus.in_mediation, "mediator"),
    ("investigations/new", CaseStatus.in_mediation, "mediator"),
    ("evidence/new", CaseStatus.in_mediation, "applicant"),
    ("notes/new", CaseStatus.in_mediation, "mediator"),
    ("agreement", CaseStatus.in_mediation, "mediator"),
    ("fail", CaseStatus.in_mediation, "mediator"),
    ("withdraw", CaseStatus.in_mediation, "applicant"),
    ("return-visit", CaseStatus.agreement_reached, "mediator"),
    ("confirmation", CaseStatus.agreement_reached, "mediator"),
    ("archive", CaseStatus.failed, "director"),
]


@pytest.mark.parametrize(("page", "status", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_action_page_opens_for_the_right_person_only(
    page,
    status,
    who,
    app,
    login,
    create_case,
    create_enterprise_user,
    dummy_committee,
    dummy_mediator,
    dummy_director,
    dummy_applicant,
):
    case = create_case(
        dummy_committee,
        status=status,
        applicant_user=dummy_applicant,
        mediator_member=dummy_mediator,
    )
    person = {
        "director": dummy_director.user,
        "mediator": dummy_mediator.user,
        "applicant": dummy_applicant,
    }[who]
    client = login(person, app.test_client())
    assert client.get(f"/mediation/cases/{case.id}/{page}").status_code == 200
    stranger = login(create_enterprise_user(), app.test_client())
    assert stranger.get(f"/mediation/cases/{case.id}/{page}").status_code == 403


def test_recusal_page_records_the_step_aside(
    app, login, create_case, dummy_committee, dummy_mediator, dummy_director
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    cm = case.mediators[0]
    client = login(dummy_mediator.user, app.test_client())
    url = f"/mediation/cases/{case.id}/mediators/{cm.id}/recuse"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"reason": "系申请人股东的亲属"}).status_code == 302
    assert cm.recused_dt is not None
    # having stepped aside, the mediator no longer sees the case
    assert client.get(f"/mediation/cases/{case.id}").status_code == 403


def test_evidence_upload_is_served_only_to_those_who_see_the_case(
    app,
    login,
    create_case,
    create_enterprise_user,
    dummy_committee,
    dummy_mediator,
    dummy_applicant,
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, applicant_user=dummy_applicant
    )
    client = login(dummy_applicant, app.test_client())
    response = client.post(
        f"/mediation/cases/{case.id}/evidence/new",
        data={
            "title": "对账单",
            "submitted_by": "申请人",
            "file": (io.BytesIO(b"%PDF-1.4 demo"), "duizhangdan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    evidence = db.session.scalars(select(Evidence).where(Evidence.case_id == case.id)).one()
    url = f"/mediation/cases/{case.id}/evidence/{evidence.id}"
    assert client.get(url).data.startswith(b"%PDF")
    stranger = login(create_enterprise_user(), app.test_client())
    assert stranger.get(url).status_code == 403


def test_evidence_of_the_wrong_type_is_refused(
    app, login, create_case, dummy_committee, dummy_mediator, dummy_applicant
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, applicant_user=dummy_applicant
    )
    client = login(dummy_applicant, app.test_client())
    response = client.post(
        f"/mediation/cases/{case.id}/evidence/new",
        data={"title": "脚本", "file": (io.BytesIO(b"\x00\x01binary"), "x.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert 'id="file-error"' in response.text
    assert case.evidence == []


def test_remind_command_is_idempotent(app, create_case, dummy_committee, dummy_mediator):
    from datetime import timedelta

    from portal.core.db import utcnow

    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    case.due_dt = utcnow() - timedelta(days=2)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["mediation", "remind"])
    second = runner.invoke(args=["mediation", "remind"])
    assert "overdue: 1" in first.output
    assert "overdue: 0" in second.output
