"""`flask users create`: success, and every mistake exits non-zero with one line."""

import pytest
from sqlalchemy import select

from portal.accounts.models import User, Verification
from portal.accounts.passwords import check_password
from portal.core.db import db


def run(app, *args, password="a long enough password"):
    return app.test_cli_runner().invoke(args=["users", "create", *args], input=password + "\n")


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_users_create_makes_a_verified_account_with_the_password_from_stdin(app):
    result = run(app, "--role", "staff", "--email", "Clerk@Example.com", "--name", "李娜")
    assert result.exit_code == 0, result.output
    assert "created staff clerk@example.com" in result.output
    user = _user("clerk@example.com")
    assert user.name == "李娜" and user.verification == Verification.verified
    assert check_password(user.password_hash, "a long enough password")


@pytest.mark.parametrize(
    ("args", "password", "why"),
    [
        (["--role", "boss", "--email", "x@example.com"], "a long enough password", "boss"),
        (["--role", "staff", "--email", "x@example.com"], "eleven-char", "12 to 128 characters"),
        (["--role", "staff", "--email", "not-an-address"], "a long enough password", "e-mail"),
        (
            ["--role", "enterprise", "--email", "x@example.com"],
            "a long enough password",
            "register",
        ),
        (["--role", "staff"], "a long enough password", "--email"),
    ],
)
def test_users_create_mistakes_exit_non_zero_with_one_line(app, args, password, why):
    result = run(app, *args, password=password)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert why in lines[0]
    assert _user("x@example.com") is None


def test_users_create_refuses_a_duplicate_email_with_one_line(app, dummy_staff):
    result = run(app, "--role", "admin", "--email", dummy_staff.email.upper())
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert "already registered" in result.output
    assert db.session.scalar(select(db.func.count()).where(User.email == dummy_staff.email)) == 1
