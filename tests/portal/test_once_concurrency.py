"""Ten concurrent posts of one rendered question form make one question and one routing decision.

The app every thread shares is tests.fixtures.concurrency's shared_app. Each thread has its own
test client (and so its own app context and session), like ten browser tabs.
"""

import re

import pytest
from sqlalchemy import func, select

from knowledge.models import Question, RoutingDecision
from portal.accounts.models import LawyerProfile, Role, User, Verification
from portal.accounts.passwords import hash_password
from portal.core.db import db
from portal.core.models import FormSubmission, LegalCategory
from tests.fixtures.accounts import PASSWORD
from tests.fixtures.concurrency import start_together

pytestmark = pytest.mark.concurrency

THREADS = 10
TOKEN = re.compile(r'name="submission_token"[^>]*value="([0-9a-f]{32})"')


def _people(app):
    from portal.accounts.models import Enterprise
    from portal.core.reference import make_uscc

    with app.app_context():
        contract = db.session.scalar(select(LegalCategory).where(LegalCategory.code == "contract"))
        firm = Enterprise(
            name="沈阳并发测试有限公司",
            uscc=make_uscc(777001),
            industry="C",
            size_class="small",
            verification=Verification.verified,
        )
        asker = User(
            email="race-asker@example.com",
            name="提问人",
            role=Role.enterprise,
            password_hash=hash_password(PASSWORD),
            verification=Verification.verified,
            enterprise=firm,
        )
        lawyer = User(
            email="race-counsel@example.com",
            name="律师",
            role=Role.lawyer,
            password_hash=hash_password(PASSWORD),
            verification=Verification.verified,
        )
        lawyer.lawyer_profile = LawyerProfile(
            law_firm="并发律师事务所",
            certificate_no="77700100000000001",
            industries="C",
            weekly_capacity=50,
            specialities=[contract],
        )
        db.session.add_all([firm, asker, lawyer])
        db.session.commit()
        result = asker.email, contract.id
        db.session.remove()
        return result


def _counts(app):
    with app.app_context():
        try:
            return tuple(
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Question, RoutingDecision, FormSubmission)
            )
        finally:
            db.session.remove()


def test_ten_concurrent_posts_of_one_rendered_question_form_ask_once(shared_app):
    app = shared_app
    email, category_id = _people(app)
    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        login = client.post("/account/login", data={"email": email, "password": PASSWORD})
        assert login.status_code == 302
        clients.append(client)
    page = clients[0].get("/questions/ask").get_data(as_text=True)
    form = {
        "title": "十个标签页同时提交的问题",
        "body": "同一份表单被连续点击了十次。",
        "category": str(category_id),
        "urgency": "normal",
        "submit": "1",
        "submission_token": TOKEN.search(page).group(1),
    }

    def post(test_client):
        response = test_client.post("/questions/ask", data=form)
        return response.status_code, response.headers.get("Location")

    outcomes = start_together(post, [(c,) for c in clients], timeout=120)
    assert [o.error for o in outcomes if not o.ok] == []
    answers = [o.value for o in outcomes]
    assert _counts(app) == (1, 1, 1)
    assert {status for status, _location in answers} == {302}
    assert len({location for _status, location in answers}) == 1
