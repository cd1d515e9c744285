"""Lawyers declare the firms they must not advise (routing reads LawyerProfile.conflicts)."""

from sqlalchemy import select

from portal.accounts.models import LawyerConflict
from portal.audit.models import AuditEntry
from portal.core.db import db


def test_lawyer_finds_a_firm_by_name_or_code_and_declares_a_conflict(
    client, login, dummy_lawyer, create_enterprise
):
    firm = create_enterprise(name="沈阳宏远建筑工程有限公司")
    create_enterprise(name="沈阳瑞丰食品有限公司")
    login(dummy_lawyer)
    by_name = client.get("/account/profile", query_string={"firm": "宏远建筑"}).get_data(
        as_text=True
    )
    assert firm.name in by_name and "瑞丰食品" not in by_name
    by_code = client.get("/account/profile", query_string={"firm": firm.uscc.lower()})
    assert firm.name in by_code.get_data(as_text=True)

    response = client.post(
        "/account/conflicts", data={"enterprise_id": firm.id, "reason": "代理对方当事人"}
    )
    assert response.status_code == 302
    assert dummy_lawyer.lawyer_profile.has_conflict_with(firm.id)
    [conflict] = dummy_lawyer.lawyer_profile.conflicts
    assert conflict.reason == "代理对方当事人"
    page = client.get("/account/profile").get_data(as_text=True)
    assert firm.name in page and "代理对方当事人" in page
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "lawyer.conflict_declare")
    )


def test_declaring_the_same_firm_twice_keeps_one_entry(
    client, login, dummy_lawyer, dummy_enterprise
):
    login(dummy_lawyer)
    for _ in range(2):
        client.post("/account/conflicts", data={"enterprise_id": dummy_enterprise.id})
    assert len(dummy_lawyer.lawyer_profile.conflicts) == 1


def test_lawyer_removes_a_conflict(client, login, dummy_lawyer, dummy_enterprise):
    login(dummy_lawyer)
    client.post("/account/conflicts", data={"enterprise_id": dummy_enterprise.id})
    [conflict] = dummy_lawyer.lawyer_profile.conflicts
    response = client.post(f"/account/conflicts/{conflict.id}/remove")
    assert response.status_code == 302
    assert not dummy_lawyer.lawyer_profile.has_conflict_with(dummy_enterprise.id)
    assert db.session.scalars(select(LawyerConflict)).all() == []


def test_another_lawyer_cannot_remove_my_conflict(
    client, login, dummy_lawyer, create_lawyer, dummy_enterprise
):
    login(dummy_lawyer)
    client.post("/account/conflicts", data={"enterprise_id": dummy_enterprise.id})
    [conflict] = dummy_lawyer.lawyer_profile.conflicts
    client.post("/account/logout")
    login(create_lawyer())
    assert client.post(f"/account/conflicts/{conflict.id}/remove").status_code == 403
    assert client.post("/account/conflicts/999999/remove").status_code == 404
    assert dummy_lawyer.lawyer_profile.has_conflict_with(dummy_enterprise.id)


def test_only_lawyers_declare_conflicts_and_unknown_firms_are_404(
    client, login, dummy_lawyer, dummy_enterprise_user, dummy_enterprise
):
    login(dummy_enterprise_user)
    assert "conflicts-heading" not in client.get("/account/profile").get_data(as_text=True)
    assert (
        client.post("/account/conflicts", data={"enterprise_id": dummy_enterprise.id}).status_code
        == 403
    )
    client.post("/account/logout")
    login(dummy_lawyer)
    assert client.post("/account/conflicts", data={"enterprise_id": 999999}).status_code == 404
    assert client.post("/account/conflicts", data={"enterprise_id": "x"}).status_code == 400


def test_search_with_no_match_says_so(client, login, dummy_lawyer):
    login(dummy_lawyer)
    page = client.get("/account/profile", query_string={"firm": "不存在的公司%_"}).get_data(
        as_text=True
    )
    assert "没有找到" in page


def test_the_conflict_factories_declare_a_conflict(dummy_conflict, dummy_lawyer, dummy_enterprise):
    assert dummy_lawyer.lawyer_profile.has_conflict_with(dummy_enterprise.id)
    assert dummy_conflict.enterprise is dummy_enterprise
