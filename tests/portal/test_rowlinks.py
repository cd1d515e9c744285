"""row_url: a row's address without a url_for per row, the same address url_for gives."""

from flask import url_for

from portal.core.rowlinks import row_url


def test_row_url_gives_url_fors_address_for_every_id(app):
    with app.test_request_context("/"):
        question = row_url("knowledge.question", "question_id")
        capacity = row_url("knowledge.staff_lawyer_capacity", "user_id")
        for row_id in (1, 7, 42, 10**9, 987654321):
            assert question(row_id) == url_for("knowledge.question", question_id=row_id)
            assert capacity(row_id) == url_for("knowledge.staff_lawyer_capacity", user_id=row_id)


def test_row_url_keeps_the_other_values_and_the_script_root(app):
    with app.test_request_context("/", base_url="http://portal.example/legal/"):
        user = row_url("accounts.staff_user", "user_id", tab="files")
        assert user(5) == url_for("accounts.staff_user", user_id=5, tab="files")
        assert user(5).startswith("/legal/")
