"""Registration, verification, log-in throttling and session revocation."""

from sqlalchemy import select

from portal.accounts.models import Enterprise, Role, User, Verification
from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.core.reference import make_uscc
from tests.fixtures.accounts import PASSWORD


def _enterprise_form(**overrides):
    data = {
        "name": "王伟",
        "email": "wang@example.com",
        "phone": "13800000000",
        "password": "a-long-password",
        "password_again": "a-long-password",
        "enterprise_name": "沈阳恒信机械制造有限公司",
        "uscc": make_uscc(4242),
        "industry": "C",
        "size_class": "small",
        "address": "",
    }
    return {**data, **overrides}


def test_enterprise_registers_and_waits_for_verification(client):
    response = client.post("/account/register/enterprise", data=_enterprise_form())
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "wang@example.com"))
    assert user.role == Role.enterprise
    assert user.enterprise.verification == Verification.pending
    assert not user.is_verified


def test_wrong_uscc_checksum_is_refused_and_input_kept(client):
    code = make_uscc(4242)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = client.post("/account/register/enterprise", data=_enterprise_form(uscc=wrong))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "check character" in page or "校验" in page
    assert "沈阳恒信机械制造有限公司" in page
    assert db.session.scalar(select(Enterprise).where(Enterprise.uscc == wrong)) is None


def test_staff_verification_verifies_the_firm(client, login, dummy_staff):
    client.post("/account/register/enterprise", data=_enterprise_form())
    user = db.session.scalar(select(User).where(User.email == "wang@example.com"))
    login(dummy_staff)
    response = client.post(f"/account/staff/users/{user.id}/verify", data={"decision": "approve"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/account/staff/users"
    assert user.is_verified
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise.verify"))


def test_enterprise_user_cannot_open_staff_pages(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    assert client.get("/account/staff/users").status_code == 403
    assert client.get("/staff/audit").status_code == 403


def test_unknown_user_is_404_for_staff(client, login, dummy_staff):
    login(dummy_staff)
    assert client.get("/account/staff/users/999999").status_code == 404


def test_login_is_throttled_after_repeated_failures(client, dummy_staff):
    for _ in range(5):
        response = client.post(
            "/account/login", data={"email": dummy_staff.email, "password": "wrong"}
        )
        assert response.status_code == 200
    response = client.post(
        "/account/login", data={"email": dummy_staff.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "15" in response.get_data(as_text=True)


def test_logout_invalidates_a_copied_session_cookie(app, client, dummy_staff):
    client.post("/account/login", data={"email": dummy_staff.email, "password": PASSWORD})
    assert client.get("/account/profile").status_code == 200
    with client.session_transaction() as session:
        stolen = dict(session)
    client.post("/account/logout")
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(stolen)
    assert thief.get("/account/profile").status_code == 302


def test_password_change_logs_out_other_devices(app, client, dummy_staff):
    other = app.test_client()
    for c in (client, other):
        c.post("/account/login", data={"email": dummy_staff.email, "password": PASSWORD})
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "another-long-one",
            "password_again": "another-long-one",
        },
    )
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 200
    assert other.get("/account/profile").status_code == 302


def test_deactivated_account_cannot_log_in(client, login, dummy_staff, create_user):
    target = create_user(Role.lawyer)
    login(dummy_staff)
    client.post(f"/account/staff/users/{target.id}/deactivate")
    assert target.is_deactivated
    client.post("/account/logout")
    response = client.post("/account/login", data={"email": target.email, "password": PASSWORD})
    assert response.status_code == 403


# ASVS 2.1.1: a new password has at least 12 characters, wherever it is set.
ELEVEN, TWELVE = "eleven-char", "twelve-chars"


def test_registration_refuses_a_password_under_12_characters_in_both_languages(app):
    assert (len(ELEVEN), len(TWELVE)) == (11, 12)
    for language, message in (
        ("zh-CN", "请使用 12 至 128 个字符。"),
        ("en", "Use 12 to 128 characters."),
    ):
        response = app.test_client().post(
            "/account/register/enterprise",
            data=_enterprise_form(password=ELEVEN, password_again=ELEVEN),
            headers={"Accept-Language": language},
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "wang@example.com")) is None
    response = app.test_client().post(
        "/account/register/enterprise",
        data=_enterprise_form(password=TWELVE, password_again=TWELVE),
    )
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "wang@example.com"))


def test_password_change_refuses_a_new_password_under_12_characters(client, login, dummy_staff):
    login(dummy_staff)
    old_hash = dummy_staff.password_hash
    data = {"current_password": PASSWORD, "password": ELEVEN, "password_again": ELEVEN}
    response = client.post("/account/password", data=data, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200
    assert "请使用 12 至 128 个字符。" in response.get_data(as_text=True)
    db.session.refresh(dummy_staff)
    assert dummy_staff.password_hash == old_hash
    data = {"current_password": PASSWORD, "password": TWELVE, "password_again": TWELVE}
    assert client.post("/account/password", data=data).status_code == 302
    db.session.refresh(dummy_staff)
    assert dummy_staff.password_hash != old_hash
