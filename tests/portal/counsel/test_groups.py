"""Forming 5+1 groups: size class, five-firm limit, one active group per firm, lawyer cap."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.core import clock
from portal.core.db import db
from portal.counsel import operations
from portal.counsel.models import CounselGroup, CounselMembership, GroupStatus
from portal.counsel.workflow import CounselError


def _form(enterprises, lawyers, **overrides):
    data = {
        "name": "浙江商会第一组",
        "chamber": "0",
        "start_date": clock.today().isoformat(),
        "end_date": (clock.today() + timedelta(days=365)).isoformat(),
        "enterprises": [str(e.id) for e in enterprises],
        "lawyers": [str(u.id) for u in lawyers],
        "note": "",
    }
    return {**data, **overrides}


def _count_groups():
    return len(db.session.scalars(select(CounselGroup)).all())


def test_staff_forms_a_group_of_five_with_two_lawyers(
    client, login, dummy_staff, create_enterprise, create_lawyer
):
    firms = [create_enterprise(size_class="micro") for _ in range(5)]
    lawyers = [create_lawyer(), create_lawyer()]
    login(dummy_staff)
    response = client.post("/counsel/groups/new", data=_form(firms, lawyers))
    assert response.status_code == 302, response.get_data(as_text=True)
    group = db.session.scalar(select(CounselGroup).where(CounselGroup.name == "浙江商会第一组"))
    assert {e.id for e in group.enterprises} == {f.id for f in firms}
    assert group.kind_label == "5+2"
    assert len(group.terms) == 1


def test_sixth_firm_is_refused_with_message_and_input_kept(
    client, login, dummy_staff, create_enterprise, create_lawyer
):
    firms = [create_enterprise() for _ in range(6)]
    login(dummy_staff)
    before = _count_groups()
    response = client.post("/counsel/groups/new", data=_form(firms, [create_lawyer()]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "at most 5" in page or "最多" in page
    assert "浙江商会第一组" in page  # what the user typed is still there
    assert _count_groups() == before


def test_sixth_firm_added_to_a_full_group_is_refused(
    client, login, dummy_staff, create_counsel_group, create_enterprise
):
    group = create_counsel_group(firms=5)
    extra = create_enterprise()
    login(dummy_staff)
    response = client.post(
        f"/counsel/groups/{group.id}/members", data={"enterprise": extra.id}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "already has 5" in page or "已有" in page
    assert len(group.current_members) == 5
    assert operations.active_group_of(extra.id) is None


def test_medium_firm_is_refused(client, login, dummy_staff, create_enterprise, create_lawyer):
    medium = create_enterprise(size_class="medium")
    login(dummy_staff)
    response = client.post(
        "/counsel/groups/new", data=_form([create_enterprise(), medium], [create_lawyer()])
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "small and micro" in page or "小型和微型" in page
    assert operations.active_group_of(medium.id) is None


def test_firm_already_in_an_active_group_is_refused(
    client, login, dummy_staff, create_counsel_group, create_lawyer
):
    group = create_counsel_group(firms=2)
    taken = group.enterprises[0]
    login(dummy_staff)
    before = _count_groups()
    response = client.post("/counsel/groups/new", data=_form([taken], [create_lawyer()]))
    page = response.get_data(as_text=True)
    assert group.name in page
    assert _count_groups() == before
    assert operations.active_group_of(taken.id) is group


def test_database_refuses_a_second_current_seat_for_a_firm(
    dummy_counsel_group, create_counsel_group
):
    firm = dummy_counsel_group.enterprises[0]
    other = create_counsel_group(firms=1)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            CounselMembership(group=other, enterprise=firm, slot=2, joined_on=clock.today())
        )
        db.session.flush()


def test_database_refuses_a_sixth_current_slot(create_counsel_group, create_enterprise):
    group = create_counsel_group(firms=5)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            CounselMembership(
                group=group, enterprise=create_enterprise(), slot=6, joined_on=clock.today()
            )
        )
        db.session.flush()


def test_lawyer_cap_is_a_setting(app, create_counsel_group, create_lawyer, create_enterprise):
    lawyer = create_lawyer()
    for _ in range(3):
        create_counsel_group(firms=1, counsel=[lawyer])
    with app.test_request_context(), pytest.raises(CounselError, match="3"):
        create_counsel_group(firms=1, counsel=[lawyer])
    app.config["COUNSEL_MAX_GROUPS_PER_LAWYER"] = 4
    try:
        assert create_counsel_group(firms=1, counsel=[lawyer]).is_active
    finally:
        app.config["COUNSEL_MAX_GROUPS_PER_LAWYER"] = 3


def test_ended_group_frees_its_firms_and_keeps_history(
    client, login, dummy_staff, dummy_counsel_group, create_counsel_service, create_lawyer
):
    group = dummy_counsel_group
    service = create_counsel_service(group)
    firm = group.enterprises[0]
    login(dummy_staff)
    assert client.post(f"/counsel/groups/{group.id}/end").status_code == 302
    assert group.status == GroupStatus.ended
    assert operations.active_group_of(firm.id) is None
    assert service.group_id == group.id and len(group.memberships) == 3
    response = client.post("/counsel/groups/new", data=_form([firm], [create_lawyer()]))
    assert response.status_code == 302


def test_renewal_adds_a_term_and_keeps_members(client, login, dummy_staff, dummy_counsel_group):
    group = dummy_counsel_group
    members = {e.id for e in group.enterprises}
    new_start = group.end_date + timedelta(days=1)
    login(dummy_staff)
    response = client.post(
        f"/counsel/groups/{group.id}/renew",
        data={
            "start_date": new_start.isoformat(),
            "end_date": (new_start + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert [t.number for t in group.terms] == [1, 2]
    assert group.start_date == new_start
    assert {e.id for e in group.enterprises} == members


def test_change_of_lawyer_keeps_old_seat_in_history(
    client, login, dummy_staff, dummy_counsel_group, create_lawyer
):
    group = dummy_counsel_group
    old_seat = group.current_lawyer_seats[0]
    new = create_lawyer()
    login(dummy_staff)
    client.post(f"/counsel/groups/{group.id}/lawyers", data={"lawyer": new.id})
    client.post(f"/counsel/groups/{group.id}/lawyers/{old_seat.id}/remove")
    assert group.lawyers == [new]
    assert old_seat.left_on is not None and old_seat in group.lawyer_seats


def test_suggestions_group_free_small_firms_and_can_be_accepted(
    client, login, dummy_staff, create_enterprise, create_chamber, create_lawyer
):
    chamber = create_chamber()
    firms = [create_enterprise(chambers=[chamber], industry="H") for _ in range(7)]
    create_enterprise(chambers=[chamber], industry="H", size_class="medium")
    create_lawyer(industries="H", specialities=("contract", "employment"))
    suggestions = operations.suggest_groups(chamber_id=chamber.id)
    assert [len(s["enterprises"]) for s in suggestions] == [5, 2]
    assert all(e.is_small_or_micro for s in suggestions for e in s["enterprises"])
    login(dummy_staff)
    page = client.get(f"/counsel/groups/suggest?chamber={chamber.id}").get_data(as_text=True)
    assert firms[0].name in page
    first = suggestions[0]
    response = client.post(
        "/counsel/groups/suggest/accept",
        data=_form(first["enterprises"], first["lawyers"], name=first["name"]),
    )
    assert response.status_code == 302
    assert operations.active_group_of(firms[0].id) is not None


def test_leftover_firms_are_pooled_by_chamber_then_industry(
    create_enterprise, create_chamber, create_lawyer
):
    chamber, other = create_chamber(), create_chamber()
    same_chamber = [create_enterprise(chambers=[chamber], industry=i) for i in "CF"]
    same_industry = [create_enterprise(chambers=[c], industry="Q") for c in (chamber, other)]
    create_lawyer(industries="CFQ")
    suggestions = operations.suggest_groups()
    firm_sets = [{e.id for e in s["enterprises"]} for s in suggestions]
    assert {e.id for e in same_chamber} | {same_industry[0].id} in firm_sets
    assert all(s["chamber"] is None or s["chamber"].id == chamber.id for s in suggestions)


def test_only_staff_manage_groups(client, login, dummy_lawyer, dummy_counsel_group):
    login(dummy_lawyer)
    assert client.get("/counsel/groups/new").status_code == 403
    assert client.post(f"/counsel/groups/{dummy_counsel_group.id}/end").status_code == 403
    assert client.get("/counsel/groups/999999").status_code == 404


def test_outsider_cannot_see_a_group(client, login, dummy_enterprise_user, dummy_counsel_group):
    login(dummy_enterprise_user)
    assert client.get(f"/counsel/groups/{dummy_counsel_group.id}").status_code == 403


def test_change_of_members_keeps_the_old_seat_and_frees_the_firm(
    client, login, dummy_staff, dummy_counsel_group, create_enterprise
):
    group = dummy_counsel_group
    leaving = group.current_members[0]
    newcomer = create_enterprise(size_class="micro")
    login(dummy_staff)
    client.post(f"/counsel/groups/{group.id}/members/{leaving.id}/remove")
    client.post(f"/counsel/groups/{group.id}/members", data={"enterprise": newcomer.id})
    assert leaving.left_on is not None and leaving in group.memberships
    assert operations.active_group_of(leaving.enterprise_id) is None
    assert operations.active_group_of(newcomer.id) is group


def test_renewal_must_start_after_the_current_term(client, login, dummy_staff, dummy_counsel_group):
    group = dummy_counsel_group
    login(dummy_staff)
    response = client.post(
        f"/counsel/groups/{group.id}/renew",
        data={
            "start_date": (group.start_date - timedelta(days=1)).isoformat(),
            "end_date": group.end_date.isoformat(),
        },
        follow_redirects=True,
    )
    assert len(group.terms) == 1
    assert "A new term" in response.get_data(as_text=True) or "新服务期" in response.get_data(
        as_text=True
    )


def test_ended_group_takes_no_more_services_or_members(
    app, dummy_counsel_group, dummy_staff, create_enterprise
):
    group = dummy_counsel_group
    with app.test_request_context():
        operations.end_group(group, by=dummy_staff)
        with pytest.raises(CounselError):
            operations.add_member(group, create_enterprise(), by=dummy_staff)
        with pytest.raises(CounselError):
            operations.log_service(
                group,
                enterprise=group.memberships[0].enterprise,
                lawyer=group.lawyer_seats[0].lawyer,
                kind="advice",
                service_date=clock.today(),
                minutes=30,
                note="",
                by=group.lawyer_seats[0].lawyer,
            )


def test_staff_add_a_firm_by_its_credit_code_or_a_distinctive_part_of_its_name(
    client, login, dummy_staff, create_counsel_group, create_enterprise
):
    group = create_counsel_group(firms=3)
    by_code = create_enterprise(name="沈阳北方重工配件有限公司")
    by_part = create_enterprise(name="辽宁远航冷链物流有限公司")
    login(dummy_staff)
    client.post(f"/counsel/groups/{group.id}/members", data={"enterprise": by_code.uscc.lower()})
    client.post(f"/counsel/groups/{group.id}/members", data={"enterprise": " 远航冷链 "})
    assert {by_code.id, by_part.id} <= {e.id for e in group.enterprises}


def test_an_ambiguous_or_unknown_firm_is_refused_with_the_matches_named(
    client, login, dummy_staff, create_counsel_group, create_enterprise
):
    group = create_counsel_group(firms=2)
    create_enterprise(name="沈阳东兴建材甲有限公司")
    create_enterprise(name="沈阳东兴建材乙有限公司")
    login(dummy_staff)
    page = client.post(
        f"/counsel/groups/{group.id}/members",
        data={"enterprise": "东兴建材"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "沈阳东兴建材甲有限公司" in page and "沈阳东兴建材乙有限公司" in page
    page = client.post(
        f"/counsel/groups/{group.id}/members",
        data={"enterprise": "不存在的企业"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "不存在的企业" in page
    assert len(group.current_members) == 2


def test_two_lawyers_of_one_name_are_told_apart_in_the_counsel_choices(create_lawyer):
    from portal.counsel.forms import lawyer_choices

    first, second = create_lawyer(name="张伟"), create_lawyer(name="张伟")
    second.lawyer_profile.law_firm = "辽宁某某律师事务所"
    labels = dict(lawyer_choices())
    assert labels[first.id] == "张伟 (测试律师事务所)"
    assert labels[second.id] == "张伟 (辽宁某某律师事务所)"
