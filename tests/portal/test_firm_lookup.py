"""Firms are typed, not picked from a drop-down of every firm: the check-up, appeal and counsel
group forms resolve a credit code, a name or a distinctive part of one, and say why not."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.lookup import find_enterprise, typed_name
from portal.accounts.models import Verification
from portal.appeals.models import AppealReferral
from portal.checkups.models import Checkup
from portal.core import clock
from portal.core.db import db
from portal.counsel.models import CounselGroup


def test_a_firm_is_found_by_id_code_name_or_a_part_only_it_has(create_enterprise):
    firm = create_enterprise(name="沈阳远航冷链物流有限公司")
    create_enterprise(name="沈阳远航建材有限公司")
    for typed in (
        str(firm.id),
        firm.uscc,
        firm.uscc.lower(),
        typed_name(firm),
        " 沈阳远航冷链物流有限公司 ",
        "冷链",
    ):
        assert find_enterprise(typed) == (firm, None), typed
    found, problem = find_enterprise("沈阳远航")
    assert found is None and "沈阳远航冷链物流有限公司" in str(problem)
    assert "沈阳远航建材有限公司" in str(problem)
    assert find_enterprise("没有这家企业")[0] is None


def test_an_unverified_firm_is_found_only_where_the_form_allows_it(create_enterprise):
    pending = create_enterprise(name="待认证贸易有限公司", verification=Verification.pending)
    assert find_enterprise("待认证贸易")[0] is None
    assert find_enterprise("待认证贸易", verified_only=False) == (pending, None)


def _checkup_form(enterprise_typed, lawyer):
    return {
        "enterprise": enterprise_typed,
        "lawyers": [lawyer.id],
        "mode": "onsite",
        "address": "沈阳市沈河区北京街9号",
        "meeting_url": "",
        "day": "2031-03-04",
        "start_time": "09:00",
        "end_time": "11:00",
    }


def test_check_up_form_lists_no_firms_and_takes_a_typed_name(
    client, login, dummy_staff, create_enterprise, create_lawyer
):
    firm = create_enterprise(name="沈阳北方重工配件有限公司")
    create_enterprise(name="沈阳北方食品有限公司")
    lawyer = create_lawyer()
    login(dummy_staff)
    page = client.get("/checkups/new").get_data(as_text=True)
    assert "沈阳北方重工配件有限公司" not in page  # no drop-down of every firm
    refused = client.post("/checkups/new", data=_checkup_form("沈阳北方", lawyer))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "有多家企业相符" in page and "沈阳北方食品有限公司" in page
    assert 'value="沈阳北方"' in page  # what was typed is kept
    assert db.session.scalar(select(Checkup).where(Checkup.enterprise_id == firm.id)) is None
    response = client.post("/checkups/new", data=_checkup_form("重工配件", lawyer))
    assert response.status_code == 302
    assert db.session.scalar(select(Checkup).where(Checkup.enterprise_id == firm.id)) is not None


def test_follow_up_check_up_form_names_the_firm_it_will_schedule(
    client, login, dummy_staff, dummy_checkup
):
    login(dummy_staff)
    page = client.get(f"/checkups/new?follow_up_of={dummy_checkup.id}").get_data(as_text=True)
    assert f'value="{typed_name(dummy_checkup.enterprise)}"' in page


def test_appeal_may_name_a_firm_not_yet_verified(client, login, dummy_staff, create_enterprise):
    pending = create_enterprise(name="待认证机械有限公司", verification=Verification.pending)
    login(dummy_staff)
    response = client.post(
        "/appeals/new",
        data={
            "enterprise": pending.uscc,
            "channel": "hotline_12345",
            "collected_by": "市场监管局",
            "meeting": "0",
            "summary": "项目审批材料多次被退回",
            "details": "",
            "category": "credit_repair",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    item = db.session.scalar(
        select(AppealReferral).where(AppealReferral.enterprise_id == pending.id)
    )
    assert item is not None and item.summary == "项目审批材料多次被退回"


def test_counsel_group_form_takes_firms_one_a_line_and_names_the_line_it_cannot_resolve(
    client, login, dummy_staff, create_enterprise, create_lawyer
):
    firms = [create_enterprise(size_class="micro", name=f"和平区第{n}号小微企业") for n in (1, 2)]
    lawyer = create_lawyer()
    login(dummy_staff)
    assert "和平区第1号小微企业" not in client.get("/counsel/groups/new").get_data(as_text=True)
    form = {
        "name": "和平区第一组",
        "chamber": "0",
        "start_date": clock.today().isoformat(),
        "end_date": (clock.today() + timedelta(days=365)).isoformat(),
        "lawyers": [str(lawyer.id)],
        "note": "",
    }
    typed = f"{firms[0].uscc}\n不存在的企业\n"
    refused = client.post("/counsel/groups/new", data={**form, "enterprises": typed})
    assert refused.status_code == 200
    assert "第2行" in refused.get_data(as_text=True)
    assert (
        db.session.scalar(select(CounselGroup).where(CounselGroup.name == "和平区第一组")) is None
    )
    typed = f"{firms[0].uscc}\n和平区第2号\n{firms[0].name}\n"  # the same firm twice counts once
    response = client.post("/counsel/groups/new", data={**form, "enterprises": typed})
    assert response.status_code == 302, response.get_data(as_text=True)
    group = db.session.scalar(select(CounselGroup).where(CounselGroup.name == "和平区第一组"))
    assert [e.id for e in group.enterprises] == [f.id for f in firms]
