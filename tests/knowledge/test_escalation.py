"""Escalation from a question to a registered target; the link shows on the question."""

import pytest

from knowledge.models import QuestionStatus as S
from portal.audit.models import AuditEntry
from portal.core.db import db


@pytest.fixture
def fake_target(app, monkeypatch):
    made = []

    def escalate(question, by, **data):
        # Another package's record; an audit entry is a real row with an id and a table name.
        entry = AuditEntry(
            action="test.escalated", object_type="questions", object_id="", summary=data["note"]
        )
        db.session.add(entry)
        db.session.flush()
        made.append(entry)
        return entry

    targets = dict(app.extensions.get("portal.escalation_targets", {}))
    targets["test"] = {
        "label": "转入测试目标",
        "available": lambda u, q: True,
        "escalate": escalate,
    }
    monkeypatch.setitem(app.extensions, "portal.escalation_targets", targets)
    types = dict(app.extensions.get("portal.record_types", {}))
    types["audit_entries"] = lambda oid: (f"测试记录 {oid}", "")
    monkeypatch.setitem(app.extensions, "portal.record_types", types)
    return made


def test_escalation_creates_target_links_and_changes_status(
    client, login, answered_question, fake_target
):
    login(answered_question.asker)
    page = client.get(f"/questions/{answered_question.id}").get_data(as_text=True)
    assert "转入测试目标" in page
    response = client.post(
        f"/questions/{answered_question.id}/escalate/test", data={"note": "请调解"}
    )
    assert response.status_code == 302
    assert answered_question.status == S.escalated
    assert len(fake_target) == 1
    page = client.get(f"/questions/{answered_question.id}").get_data(as_text=True)
    assert f"测试记录 {fake_target[0].id}" in page


def test_unknown_escalation_target_is_refused(client, login, answered_question):
    login(answered_question.asker)
    client.post(f"/questions/{answered_question.id}/escalate/nowhere", follow_redirects=True)
    assert answered_question.status == S.answered
