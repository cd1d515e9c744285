"""Pages: confidentiality, audit of every view, forms that refuse bad input without losing it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation.models import Case, CaseNote, CaseStatus, Committee, FoundingStep
from portal.accounts.models import Role
from portal.core import clock
from portal.core.db import db
from tests.fixtures.queries import counted_statements


def test_party_sees_the_case_without_private_notes(
    client, login, create_case, dummy_committee, dummy_mediator, dummy_applicant
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, applicant_user=dummy_applicant
    )
    db.session.add(
        CaseNote(case=case, author_id=dummy_mediator.user_id, body="内部评估：对方有还款能力")
    )
    db.session.flush()
    login(dummy_applicant)
    page = client.get(f"/mediation/cases/{case.id}")
    assert page.status_code == 200
    assert case.title in page.text
    assert "内部评估" not in page.text


def test_assigned_mediator_sees_private_notes(
    client, login, create_case, dummy_committee, dummy_mediator
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    db.session.add(
        CaseNote(case=case, author_id=dummy_mediator.user_id, body="内部评估：对方有还款能力")
    )
    db.session.flush()
    login(dummy_mediator.user)
    page = client.get(f"/mediation/cases/{case.id}")
    assert page.status_code == 200
    assert "内部评估" in page.text


def test_every_view_of_a_case_is_audited(client, login, dummy_case, dummy_applicant, case_views):
    login(dummy_applicant)
    before, before_mine = len(case_views(dummy_case)), len(case_views(dummy_case, dummy_applicant))
    client.get(f"/mediation/cases/{dummy_case.id}")
    client.get(f"/mediation/cases/{dummy_case.id}")
    assert len(case_views(dummy_case)) == before + 2
    assert len(case_views(dummy_case, dummy_applicant)) == before_mine + 2


def test_another_party_cannot_open_the_case(
    client, login, dummy_case, create_enterprise_user, case_views
):
    login(create_enterprise_user())
    assert client.get(f"/mediation/cases/{dummy_case.id}").status_code == 403
    assert case_views(dummy_case) == []


def test_unknown_case_is_404(client, login, dummy_applicant):
    login(dummy_applicant)
    assert client.get("/mediation/cases/999999").status_code == 404


def test_mediator_of_another_committee_gets_403(
    client, login, create_committee, create_mediator, create_case, dummy_committee, dummy_mediator
):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    other = create_committee()
    outsider = create_mediator(other, role="director")
    login(outsider.user)
    assert client.get(f"/mediation/cases/{case.id}").status_code == 403
    response = client.post(f"/mediation/cases/{case.id}/fail", data={"note": "x"})
    assert response.status_code == 403
    assert db.session.get(Case, case.id).status == CaseStatus.in_mediation
    assert client.get(f"/mediation/committees/{dummy_committee.id}").status_code == 403


def test_unassigned_mediator_of_the_same_committee_gets_403(
    client, login, create_mediator, create_case, dummy_committee, dummy_mediator
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    colleague = create_mediator(dummy_committee)
    login(colleague.user)
    assert client.get(f"/mediation/cases/{case.id}").status_code == 403


def test_staff_and_director_can_see_the_case(
    app, client, login, dummy_case, dummy_staff, dummy_director
):
    login(dummy_staff)
    assert client.get(f"/mediation/cases/{dummy_case.id}").status_code == 200
    director = login(dummy_director.user, app.test_client())
    assert director.get(f"/mediation/cases/{dummy_case.id}").status_code == 200


def test_case_list_shows_only_visible_cases(
    client, login, create_case, dummy_committee, dummy_mediator, dummy_applicant
):
    mine = create_case(dummy_committee, applicant_user=dummy_applicant, title="我方货款纠纷")
    create_case(dummy_committee, title="他人租赁合同纠纷")
    login(dummy_applicant)
    page = client.get("/mediation")
    assert mine.title in page.text
    assert "他人租赁合同纠纷" not in page.text


def test_online_application_creates_a_case_with_both_parties(
    client, login, dummy_committee, dummy_director, dummy_applicant
):
    dummy_applicant.enterprise.chambers = [dummy_committee.chamber]
    login(dummy_applicant)
    assert client.get("/mediation/apply").status_code == 200
    response = client.post(
        "/mediation/apply",
        data={
            "committee_id": dummy_committee.id,
            "title": "装修工程款纠纷",
            "category_id": "",
            "amount": "86000",
            "facts": "我司为对方装修门店，验收后尾款 8.6 万元未付。",
            "claims": "支付尾款",
            "respondent_kind": "enterprise",
            "respondent_name": "沈阳某餐饮管理有限公司",
            "respondent_phone": "024-22223333",
        },
    )
    assert response.status_code == 302
    case = db.session.scalars(select(Case).where(Case.title == "装修工程款纠纷")).one()
    assert case.status == CaseStatus.applied
    assert [p.side for p in case.parties] == ["applicant", "respondent"]
    assert case.parties[0].enterprise_id == dummy_applicant.enterprise_id


def test_unverified_enterprise_cannot_apply(client, login, create_enterprise_user):
    from portal.accounts.models import Verification

    user = create_enterprise_user(verification=Verification.pending)
    login(user)
    assert client.get("/mediation/apply").status_code == 403


def test_agreement_form_with_missing_contents_keeps_what_was_typed(
    client, login, create_case, dummy_committee, dummy_mediator
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    login(dummy_mediator.user)
    response = client.post(
        f"/mediation/cases/{case.id}/agreement",
        data={"kind": "written", "terms": "被申请人分三期支付货款", "effective_on": clock.today()},
    )
    assert response.status_code == 200
    assert "被申请人分三期支付货款" in response.text
    assert 'id="responsibilities-error"' in response.text
    assert db.session.get(Case, case.id).status == CaseStatus.in_mediation


def test_transition_not_allowed_now_gets_a_message(
    client, login, create_case, dummy_committee, dummy_mediator, dummy_director
):
    case = create_case(dummy_committee, status=CaseStatus.archived)
    login(dummy_director.user)
    response = client.post(f"/mediation/cases/{case.id}/accept", data={}, follow_redirects=True)
    assert response.status_code == 200
    assert "alert-danger" in response.text
    assert db.session.get(Case, case.id).status == CaseStatus.archived


def test_session_dates_in_wrong_order_are_refused_in_the_form(
    client, login, create_case, dummy_committee, dummy_mediator
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    login(dummy_mediator.user)
    response = client.post(
        f"/mediation/cases/{case.id}/sessions/new",
        data={
            "held_dt": "2026-11-20T14:00",
            "ended_dt": "2026-11-20T10:00",
            "place": "商会调解室",
            "attendees": "双方代表",
            "record": "第一次调解记录",
        },
    )
    assert response.status_code == 200
    assert "第一次调解记录" in response.text
    assert db.session.get(Case, case.id).sessions == []


def test_founding_steps_out_of_order_are_refused(client, login, dummy_committee, dummy_staff):
    login(dummy_staff)
    url = f"/mediation/committees/{dummy_committee.id}/founding"
    ok = client.post(f"{url}/{FoundingStep.federation_approval}", data={"done_on": "2026-03-01"})
    assert ok.status_code == 302
    early = client.post(
        f"{url}/{FoundingStep.justice_registration}", data={"done_on": "2026-02-01"}
    )
    assert early.status_code == 200
    assert 'id="done_on-error"' in early.text
    steps = {s.step for s in db.session.get(Committee, dummy_committee.id).founding_steps}
    assert FoundingStep.justice_registration not in steps


def test_staff_create_a_committee_and_appoint_a_director(
    client, login, dummy_staff, create_chamber, create_user
):
    chamber = create_chamber()
    login(dummy_staff)
    response = client.post(
        "/mediation/committees/new",
        data={
            "chamber_id": chamber.id,
            "name": "测试商会人民调解委员会",
            "dossier_prefix": "沈测调",
            "dossier_pattern": "{prefix}〔{year}〕{seq}号",
            "duration_limit_days": "30",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    committee = db.session.scalars(
        select(Committee).where(Committee.chamber_id == chamber.id)
    ).one()
    mediator = create_user(Role.mediator)
    response = client.post(
        f"/mediation/committees/{committee.id}/members/new",
        data={
            "user_id": mediator.id,
            "role": "director",
            "qualification": "退休法官",
            "training_hours": "40",
            "appointed_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert committee.director.id == mediator.id
    page = client.get(f"/mediation/committees/{committee.id}")
    assert "退休法官" in page.text


def test_rules_pages_fall_back_to_the_federation_default(
    app, login, dummy_staff, dummy_committee, dummy_director
):
    staff = login(dummy_staff, app.test_client())
    staff.post("/mediation/rules/management/edit", data={"body": "# 调解员管理办法\n\n第一条"})
    client = login(dummy_director.user, app.test_client())
    assert client.post("/mediation/rules/management/edit", data={"body": "x"}).status_code == 403
    page = client.get(f"/mediation/committees/{dummy_committee.id}/rules/management")
    assert "第一条" in page.text
    client.post(
        f"/mediation/committees/{dummy_committee.id}/rules/management/edit",
        data={"body": "本会自定办法"},
    )
    page = client.get(f"/mediation/committees/{dummy_committee.id}/rules/management")
    assert "本会自定办法" in page.text


@pytest.mark.parametrize("status", list(CaseStatus))
def test_case_page_renders_in_every_status_for_staff(
    status, client, login, create_case, dummy_committee, dummy_mediator, dummy_staff
):
    case = create_case(dummy_committee, status=status)
    login(dummy_staff)
    assert client.get(f"/mediation/cases/{case.id}").status_code == 200


def test_overview_pages_render(
    app, client, login, dummy_staff, create_case, dummy_committee, dummy_mediator, dummy_director
):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    case.due_dt = case.accepted_dt - timedelta(days=1)
    db.session.flush()
    login(dummy_staff)
    for url in (
        "/mediation",
        "/mediation/committees",
        "/mediation/overdue",
        "/mediation/dashboard",
        f"/mediation/dashboard?committee={dummy_committee.id}",
        f"/mediation/committees/{dummy_committee.id}",
        f"/mediation/committees/{dummy_committee.id}/cases/new",
        "/mediation/rules/work",
        "/",
    ):
        assert client.get(url).status_code == 200, url
    overdue = client.get("/mediation/overdue")
    assert case.title in overdue.text
    director = login(dummy_director.user, app.test_client())
    assert director.get("/mediation/overdue").status_code == 200
    assert director.get(f"/mediation/dashboard?committee={dummy_committee.id}").status_code == 200
    assert director.get("/mediation/dashboard").status_code == 403


def test_respondent_named_by_credit_code_sees_the_case(
    app, login, dummy_committee, dummy_director, dummy_applicant, create_enterprise_user
):
    respondent_user = create_enterprise_user()
    client = login(dummy_applicant, app.test_client())
    client.post(
        "/mediation/apply",
        data={
            "committee_id": dummy_committee.id,
            "title": "租赁合同纠纷",
            "facts": "对方拖欠租金。",
            "claims": "支付租金",
            "respondent_kind": "enterprise",
            "respondent_name": respondent_user.enterprise.name,
            "respondent_id_number": respondent_user.enterprise.uscc,
            "respondent_phone": "024-1",
        },
    )
    case = db.session.scalars(select(Case).where(Case.title == "租赁合同纠纷")).one()
    assert case.parties[1].enterprise_id == respondent_user.enterprise_id
    other = login(respondent_user, app.test_client())
    assert other.get(f"/mediation/cases/{case.id}").status_code == 200


def test_home_shows_cases_to_mediators_and_enterprises(
    app, login, create_case, dummy_committee, dummy_mediator, dummy_director, dummy_applicant
):
    case = create_case(
        dummy_committee,
        status=CaseStatus.in_mediation,
        applicant_user=dummy_applicant,
        mediator_member=dummy_mediator,
        title="劳动报酬纠纷（首页）",
    )
    for user in (dummy_mediator.user, dummy_applicant):
        page = login(user, app.test_client()).get("/")
        assert case.title in page.text
    page = login(dummy_director.user, app.test_client()).get("/")
    assert "/mediation/overdue" in page.text


def test_parties_of_a_failed_case_see_the_other_routes(
    app, login, create_case, dummy_committee, dummy_mediator, dummy_applicant
):
    from mediation.operations import OTHER_ROUTES

    case = create_case(dummy_committee, status=CaseStatus.failed, applicant_user=dummy_applicant)
    page = login(dummy_applicant, app.test_client()).get(f"/mediation/cases/{case.id}")
    with app.test_request_context():
        routes = str(OTHER_ROUTES)
    assert routes[:30] in page.text


def test_case_page_lists_its_documents_ready_or_missing_with_links(
    client, login, create_case, dummy_committee, dummy_mediator, dummy_staff
):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    login(dummy_staff)
    page = client.get(f"/mediation/cases/{case.id}").get_data(as_text=True)
    section = page[
        page.index('id="h-documents"') : page.index("</section>", page.index('id="h-documents"'))
    ]
    assert "案件文书" in section
    assert f"/mediation/documents/case/{case.id}/doc/" in section  # a ready document's print view
    assert f"/mediation/documents/case/{case.id}/docx/" in section
    assert "已生成" in section
    assert f'href="/mediation/documents/case/{case.id}"' in section  # all documents, archive check


def test_recording_a_session_reads_the_case_once(
    app, client, login, create_case, dummy_committee, dummy_mediator, monkeypatch
):
    # (The inline indexer would read the case to index it when the request ends.)
    monkeypatch.setitem(app.config, "SEARCH_INDEX_INLINE", False)
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    login(dummy_mediator.user)
    case_id = case.id
    held = clock.now_local() - timedelta(hours=3)
    db.session.expunge_all()  # the request reads from the database, as in a server's worker
    with counted_statements() as statements:
        response = client.post(
            f"/mediation/cases/{case_id}/sessions/new",
            data={
                "held_dt": held.strftime("%Y-%m-%dT%H:%M"),
                "ended_dt": (held + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "place": "商会调解室",
                "attendees": "双方代表",
                "record": "第一次调解记录",
            },
        )
    assert response.status_code == 302
    assert response.location.endswith(f"/mediation/cases/{case_id}")
    # Not read again for the redirect after the commit (which expired it).
    assert len([s for s in statements if s.startswith("SELECT mediation_cases.")]) == 1


def test_a_case_view_is_audited_by_one_insert_and_reads_the_roster_with_the_case(
    client, login, create_case, dummy_committee, dummy_mediator, dummy_staff, case_views
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    login(dummy_mediator.user)
    case_id, before = case.id, len(case_views(case, dummy_mediator.user))
    db.session.expunge_all()  # the request reads from the database, as in a server's worker
    with counted_statements() as statements:
        page = client.get(f"/mediation/cases/{case_id}")
    assert page.status_code == 200
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT INTO audit_entries")
    # The committee's roster (permissions, the director) comes with the case, not by its own read.
    assert not [s for s in statements if s.startswith("SELECT mediation_members.")]
    case = db.session.get(Case, case_id)
    assert case_views(case, dummy_mediator.user)[before:] == [{}]


@pytest.mark.parametrize(
    ("locale", "printed"),
    [("zh_CN", "<td>{zh0}、{zh1}</td>"), ("en", "<td>{en0}、{en1}</td>")],
)
def test_the_roster_prints_each_members_specialities_in_the_readers_language(
    client, login, create_user, create_mediator, dummy_committee, dummy_director, locale, printed
):
    from portal.core.models import LegalCategory

    categories = list(db.session.scalars(select(LegalCategory).order_by(LegalCategory.id).limit(2)))
    member = create_mediator(dummy_committee)
    member.specialities = categories
    create_mediator(dummy_committee)  # none: an empty cell
    db.session.flush()
    names = {f"zh{i}": c.name_zh for i, c in enumerate(categories)}
    names |= {f"en{i}": c.name_en for i, c in enumerate(categories)}
    login(create_user(Role.staff, locale=locale))
    committee_id = dummy_committee.id
    db.session.expunge_all()  # the request reads from the database, as in a server's worker
    with counted_statements() as statements:
        page = client.get(f"/mediation/committees/{committee_id}")
    assert page.status_code == 200
    assert printed.format(**names) in page.text
    assert "<td></td>" in page.text
    # The user, the committee with its chamber and founding steps, its roster, the roster's
    # specialities, the cases each member handled, the caseload (two) and the inbox's count:
    # no read per member.
    assert len([s for s in statements if s.startswith("SELECT")]) <= 8
    assert not [s for s in statements if "FROM legal_categories" in s and "IN" not in s]
