"""Log-in throttling that cannot lock a firm out, timing of unknown accounts, proxies, registration."""

import re

import pytest
from sqlalchemy import select

import portal
from portal.accounts import auth, passwords
from portal.accounts.models import User
from portal.config import TestingConfig
from portal.core.db import db
from portal.notifications.models import Notification, OutgoingEmail
from tests.fixtures.accounts import PASSWORD


@pytest.fixture
def delays(monkeypatch):
    waited = []
    monkeypatch.setattr(auth, "slow_down", waited.append)
    return waited


def _attempt(client, email, password, address):
    return client.post(
        "/account/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_failures_from_one_address_never_lock_the_owner_out_elsewhere(client, dummy_staff, delays):
    for _ in range(5):
        assert _attempt(client, dummy_staff.email, "wrong", "203.0.113.1").status_code == 200
    assert _attempt(client, dummy_staff.email, PASSWORD, "203.0.113.1").status_code == 429
    assert _attempt(client, dummy_staff.email, PASSWORD, "198.51.100.2").status_code == 302


def test_failures_from_many_addresses_slow_the_account_down_but_never_lock_it(
    app, client, dummy_staff, delays
):
    for n in range(12):
        assert _attempt(client, dummy_staff.email, "wrong", f"203.0.113.{n}").status_code == 200
    # Waits grow with the failures, up to the cap, and none refuses the attempt.
    assert delays[:5] == [0.0] * 5
    assert delays[5:8] == [0.5, 1.0, 2.0]
    assert max(delays) == app.config["LOGIN_SLOWDOWN_MAX"]
    assert delays == sorted(delays)
    response = _attempt(client, dummy_staff.email, PASSWORD, "198.51.100.2")
    assert response.status_code == 302
    assert delays[-1] == app.config["LOGIN_SLOWDOWN_MAX"]


def test_wrong_password_for_unknown_account_checks_a_hash_too(client, dummy_staff, monkeypatch):
    checked = []
    real = passwords.check_password

    def spy(password_hash, password):
        checked.append(password_hash.split("$")[1])
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "check_password", spy)
    _attempt(client, "nobody@example.com", "wrong", "203.0.113.5")
    _attempt(client, dummy_staff.email, "wrong", "203.0.113.5")
    assert checked == ["argon2id", "argon2id"]  # the same work for both


def test_proxy_fix_takes_the_client_address_from_the_trusted_hop(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        UPLOAD_DIR = str(tmp_path / "uploads")
        PROXY_FIX_X_FOR = 1

    app = portal.create_app(Config)
    seen = {}

    @app.get("/_whoami")
    def whoami():
        from portal.audit.operations import client_address

        seen["address"] = client_address()
        return "ok"

    app.test_client().get(
        "/_whoami",
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.50"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    # One trusted hop: the address our proxy saw, not what the client claimed before it.
    assert seen["address"] == "203.0.113.50"


def test_without_proxy_fix_forwarded_headers_are_ignored(app, client):
    from portal.audit.operations import client_address

    with app.test_request_context(
        "/", headers={"X-Forwarded-For": "198.51.100.7"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    ):
        assert client_address() == "10.0.0.1"


def _enterprise_form(email):
    from portal.core.reference import make_uscc

    return {
        "name": "王伟",
        "email": email,
        "phone": "13800000000",
        "password": "a-long-password",
        "password_again": "a-long-password",
        "enterprise_name": "沈阳恒信机械制造有限公司",
        "uscc": make_uscc(5151),
        "industry": "C",
        "size_class": "small",
        "address": "",
    }


def test_registration_does_not_reveal_a_registered_address(client, dummy_enterprise_user):
    fresh = client.post("/account/register/enterprise", data=_enterprise_form("new@example.com"))
    taken = client.post(
        "/account/register/enterprise", data=_enterprise_form(dummy_enterprise_user.email)
    )
    assert fresh.status_code == taken.status_code == 302
    assert fresh.headers["Location"] == taken.headers["Location"]
    # The owner is told, by inbox and e-mail; no second account exists.
    assert db.session.scalar(
        select(OutgoingEmail).where(OutgoingEmail.recipient == dummy_enterprise_user.email)
    )
    assert db.session.scalar(
        select(Notification).where(Notification.user_id == dummy_enterprise_user.id)
    )
    owners = db.session.scalars(select(User).where(User.email == dummy_enterprise_user.email))
    assert len(owners.all()) == 1


def test_registration_answers_look_the_same(client, dummy_enterprise_user):
    pages = []
    for email in ("other@example.com", dummy_enterprise_user.email):
        c = client.application.test_client()
        c.post("/account/register/enterprise", data=_enterprise_form(email))
        page = c.get("/account/login").get_data(as_text=True)
        pages.append(re.sub(r'name="csrf_token"[^>]*>|data-csrf="[^"]*"', "", page))
    assert pages[0] == pages[1]


def _lawyer_form(email):
    from portal.core.models import LegalCategory

    contract = db.session.scalar(select(LegalCategory).where(LegalCategory.code == "contract"))
    return {
        "name": "李律师",
        "email": email,
        "phone": "13900000000",
        "password": "a-long-password",
        "password_again": "a-long-password",
        "law_firm": "辽宁某律师事务所",
        "certificate_no": "12101200911111111",
        "industries": ["C"],
        "specialities": [str(contract.id)],
        "weekly_capacity": "5",
    }


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/account/register/enterprise", _enterprise_form),
        ("/account/register/lawyer", _lawyer_form),
    ],
)
def test_registration_with_a_taken_address_does_the_same_work_and_tells_only_the_owner(
    app, dummy_lawyer, path, form, monkeypatch
):
    """Not timed: both answers hash the password once (a taken address used to skip the
    argon2 hash and answer ~80 ms sooner), answer with the same redirect, and only the owner
    hears of the attempt."""
    from portal.accounts import operations

    hashed = []
    real = operations.hash_password
    monkeypatch.setattr(operations, "hash_password", lambda p: hashed.append(p) or real(p))
    answers = []
    for email in ("fresh@example.com", dummy_lawyer.email.upper()):
        hashed.clear()
        response = app.test_client().post(path, data=form(email))
        answers.append((response.status_code, response.headers.get("Location"), len(hashed)))
    assert answers[0] == answers[1] == (302, answers[0][1], 1)
    mails = db.session.scalars(select(OutgoingEmail.recipient)).all()
    assert dummy_lawyer.email in mails
    assert db.session.scalar(select(Notification).where(Notification.user_id == dummy_lawyer.id))
    assert len(db.session.scalars(select(User).where(User.email == dummy_lawyer.email)).all()) == 1
