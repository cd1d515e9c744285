"""Only an active, verified account acts for a firm (issue 11, section 2): the reproductions."""

import pytest
from sqlalchemy import select

from mediation.models import CaseStatus, Evidence
from portal.accounts import operations
from portal.accounts.models import User, Verification
from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.core.uploads import store_bytes
from portal.notifications.models import Notification
from tests.fixtures.accounts import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _register_with_code(client, enterprise, email="intruder@example.com"):
    """Anonymously POST the enterprise registration form with another firm's credit code."""
    response = client.post(
        "/account/register/enterprise",
        data={
            "name": "冒名者",
            "email": email,
            "phone": "13800000001",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "enterprise_name": "随便填的名称",
            "uscc": enterprise.uscc,
            "industry": "C",
            "size_class": "small",
            "address": "",
        },
    )
    assert response.status_code == 302
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def firm_case(create_case, dummy_committee, dummy_mediator, dummy_applicant, dummy_staff):
    """A case in mediation of dummy_applicant's firm, with an evidence file."""
    case = create_case(
        dummy_committee,
        status=CaseStatus.in_mediation,
        applicant_user=dummy_applicant,
        mediator_member=dummy_mediator,
        facts="拖欠货款机密事实",
    )
    stored = store_bytes(PDF, "合同.pdf", allowed_kinds={"pdf"}, by=dummy_staff)
    db.session.flush()
    evidence = Evidence(case=case, title="合同", file_id=stored.id)
    db.session.add(evidence)
    db.session.flush()
    return case, evidence


def test_registering_with_a_firms_code_makes_a_stranger_who_cannot_touch_its_cases(
    client, login, firm_case, dummy_applicant
):
    from portal.core.permissions import acts_for_firm, firm_of

    case, evidence = firm_case
    intruder = _register_with_code(client, dummy_applicant.enterprise)
    assert intruder.enterprise_id == dummy_applicant.enterprise_id
    assert intruder.verification == Verification.pending
    assert operations.is_join_request(intruder)
    assert firm_of(intruder) is None and not acts_for_firm(intruder, case.parties[0].enterprise_id)

    login(intruder)
    page = client.get(f"/mediation/cases/{case.id}")
    assert page.status_code == 403
    assert "拖欠货款机密事实" not in page.get_data(as_text=True)
    assert client.get(f"/mediation/cases/{case.id}/evidence/{evidence.id}").status_code == 403
    assert client.get(f"/mediation/documents/case/{case.id}").status_code == 403
    response = client.post(f"/mediation/cases/{case.id}/withdraw", data={"reason": "不调了"})
    assert response.status_code == 403
    db.session.expire_all()
    assert case.status == CaseStatus.in_mediation
    listing = client.get("/mediation").get_data(as_text=True)
    assert case.title not in listing
    # Own profile and status stay open.
    profile = client.get("/account/profile")
    assert profile.status_code == 200
    assert 'id="account-status"' in profile.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_the_firms_verified_account_is_told_and_approves_the_colleague(
    client, login, firm_case, dummy_applicant
):
    from portal.core.permissions import acts_for_firm

    case, _evidence = firm_case
    intruder = _register_with_code(client, dummy_applicant.enterprise, email="colleague@x.cn")
    note = db.session.scalar(select(Notification).where(Notification.user_id == dummy_applicant.id))
    assert note is not None and note.url == "/account/firm/requests"

    login(dummy_applicant)
    page = client.get("/account/firm/requests").get_data(as_text=True)
    assert "colleague@x.cn" in page
    client.post(f"/account/firm/requests/{intruder.id}", data={"decision": "approve"})
    db.session.expire_all()
    assert intruder.verification == Verification.verified
    assert acts_for_firm(intruder, dummy_applicant.enterprise_id)
    client.post("/account/logout")
    login(intruder)
    assert client.get(f"/mediation/cases/{case.id}").status_code == 200


def test_a_pending_colleague_cannot_approve_others_or_edit_the_firm(
    client, login, create_enterprise_user, dummy_enterprise
):
    first = create_enterprise_user(enterprise=dummy_enterprise, verification=Verification.pending)
    second = create_enterprise_user(enterprise=dummy_enterprise, verification=Verification.pending)
    login(first)
    assert client.get("/account/firm/requests").status_code == 403
    response = client.post(f"/account/firm/requests/{second.id}", data={"decision": "approve"})
    assert response.status_code == 403
    old_address = dummy_enterprise.address
    client.post("/account/profile", data={"name": "x", "firm-address": "被改了的地址"})
    db.session.expire_all()
    assert second.verification == Verification.pending
    assert dummy_enterprise.address == old_address


def test_another_firms_verified_account_cannot_decide_a_join_request(
    client, login, create_enterprise_user, dummy_enterprise
):
    waiting = create_enterprise_user(enterprise=dummy_enterprise, verification=Verification.pending)
    login(create_enterprise_user())
    response = client.post(f"/account/firm/requests/{waiting.id}", data={"decision": "approve"})
    assert response.status_code == 403
    db.session.expire_all()
    assert waiting.verification == Verification.pending


def test_a_rejected_account_cannot_log_in_and_its_old_session_stops(
    client, login, app, firm_case, dummy_applicant, dummy_staff
):
    case, _evidence = firm_case
    intruder = _register_with_code(client, dummy_applicant.enterprise)
    login(intruder)
    operations.verify_user(intruder, by=dummy_staff, approve=False, note="冒用")
    db.session.flush()
    # The session it already had no longer opens anything.
    assert client.get(f"/mediation/cases/{case.id}").status_code in (302, 401, 403)
    assert client.get("/account/profile").status_code == 302
    fresh = app.test_client()
    response = fresh.post("/account/login", data={"email": intruder.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "未获批准" in response.get_data(as_text=True)
    assert fresh.get(f"/mediation/cases/{case.id}").status_code == 302


def test_a_deactivated_account_cannot_log_in(app, create_enterprise_user):
    user = create_enterprise_user(is_deactivated=True)
    response = app.test_client().post(
        "/account/login", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "停用" in response.get_data(as_text=True)


def test_pending_accounts_are_not_told_about_their_claimed_firms_cases(
    create_case, dummy_committee, dummy_mediator, dummy_applicant, create_enterprise_user
):
    from mediation.operations import party_users

    pending = create_enterprise_user(
        enterprise=dummy_applicant.enterprise, verification=Verification.pending
    )
    case = create_case(dummy_committee, applicant_user=dummy_applicant)
    told = {u.id for u in party_users(case)}
    assert dummy_applicant.id in told
    assert pending.id not in told


def test_join_decisions_are_audited(client, login, dummy_applicant):
    intruder = _register_with_code(client, dummy_applicant.enterprise)
    login(dummy_applicant)
    client.post(f"/account/firm/requests/{intruder.id}", data={"decision": "reject"})
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.object_id == str(intruder.id),
                AuditEntry.action.like("enterprise.join%"),
            )
        )
    )
    assert actions == {"enterprise.join_request", "enterprise.join_reject"}
    db.session.expire_all()
    assert intruder.verification == Verification.rejected
