"""The log-in limits are on in the browser tests, and one visitor tripping them never locks out
the next: each browser context comes from its own address (tests/e2e/conftest.py)."""

import pytest

from portal.config import Config

pytestmark = pytest.mark.e2e


def test_an_address_locked_out_after_failed_log_ins_does_not_lock_out_other_visitors(
    new_page, log_in_as
):
    guesser = new_page()
    guesser.goto("/account/login")
    token = guesser.locator("main form input[name=csrf_token]").first.input_value()
    allowed = Config.LOGIN_MAX_FAILURES_PER_ADDRESS
    statuses = [
        guesser.request.post(
            "/account/login",
            form={"csrf_token": token, "email": f"guess{n}@e2e.example", "password": "wrong"},
        ).status
        for n in range(allowed + 1)
    ]
    # Each guess is told the password is wrong, until the address has used up its failures.
    assert statuses == [200] * allowed + [429]
    log_in_as(new_page(), "staff2@demo.example")
