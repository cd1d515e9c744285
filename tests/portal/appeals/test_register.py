"""The external city register: outbox to a fake register on localhost, the signed webhook,
and schemathesis against the OpenAPI document."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import select

from portal.appeals import register
from portal.appeals.models import AppealStatus, RegisterOutbox, RegisterReceipt
from portal.core.db import db, utcnow

SECRET = "test-register-secret"


class FakeRegister:
    """A city register on 127.0.0.1: stores each message once per idempotency key."""

    def __init__(self):
        self.fail_next = 0
        self.received = {}  # key -> payload
        self.deliveries = 0
        self.bad_signatures = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.deliveries += 1
                if fake.fail_next:
                    fake.fail_next -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                stamp = self.headers["X-Register-Timestamp"]
                if register.sign(SECRET, stamp, body) != self.headers["X-Register-Signature"]:
                    fake.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                fake.received.setdefault(self.headers["Idempotency-Key"], json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/items"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_register(app, monkeypatch):
    with FakeRegister() as fake:
        monkeypatch.setitem(app.config, "APPEALS_REGISTER", "http")
        monkeypatch.setitem(app.config, "APPEALS_REGISTER_URL", fake.url)
        monkeypatch.setitem(app.config, "APPEALS_REGISTER_SECRET", SECRET)
        yield fake


def _deliver(app):
    return register.deliver_outbox()


def test_changes_go_out_through_the_outbox_retried_and_idempotent(
    app, fake_register, walk, dummy_appeal_referral
):
    item = dummy_appeal_referral
    walk(item, AppealStatus.distributed)  # triaged + distributed: two messages
    messages = db.session.scalars(select(RegisterOutbox).order_by(RegisterOutbox.id)).all()
    assert [json.loads(m.payload)["status"] for m in messages] == ["triaged", "distributed"]
    fake_register.fail_next = 5  # the register is down
    assert _deliver(app) == (0, 2)
    assert all(m.attempts == 1 and m.sent_dt is None and m.next_attempt_dt > utcnow()
               for m in messages)  # fmt: skip
    assert _deliver(app) == (0, 0)  # backing off: nothing due yet
    for m in messages:
        m.next_attempt_dt = utcnow() - timedelta(seconds=1)
    fake_register.fail_next = 1
    assert _deliver(app) == (1, 1)
    failed = next(m for m in messages if m.sent_dt is None)
    assert failed.attempts == 2 and failed.next_attempt_dt - utcnow() > timedelta(minutes=1)
    failed.next_attempt_dt = utcnow() - timedelta(seconds=1)
    assert _deliver(app) == (1, 0)
    assert set(fake_register.received) == {m.key for m in messages}
    assert fake_register.received[messages[1].key]["department"] == item.department
    # A worker that dies after sending but before committing sends again: same key, stored once.
    messages[0].sent_dt = None
    messages[0].next_attempt_dt = utcnow() - timedelta(seconds=1)
    assert _deliver(app) == (1, 0)
    assert len(fake_register.received) == 2 and fake_register.bad_signatures == 0


def test_builtin_register_queues_nothing(app, walk, dummy_appeal_referral):
    walk(dummy_appeal_referral, AppealStatus.distributed)
    assert db.session.scalar(select(RegisterOutbox)) is None
    assert _deliver(app) == (0, 0)


def test_giving_up_after_the_maximum_attempts(app, fake_register, monkeypatch,
                                              dummy_appeal_referral, walk):  # fmt: skip
    monkeypatch.setitem(app.config, "APPEALS_REGISTER_MAX_ATTEMPTS", 2)
    walk(dummy_appeal_referral, AppealStatus.triaged)
    message = db.session.scalar(select(RegisterOutbox))
    fake_register.fail_next = 10
    for _ in range(3):
        message.next_attempt_dt = utcnow() - timedelta(seconds=1)
        _deliver(app)
    assert message.attempts == 2 and message.given_up and "503" in message.last_error


# --- the webhook ----------------------------------------------------------------------------


def _post(client, body: dict | bytes, *, stamp=None, secret=SECRET, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time()) if stamp is None else stamp)
    return client.post(
        "/api/appeals/register/webhook",
        data=raw,
        content_type="application/json",
        headers={
            "X-Register-Timestamp": stamp,
            "X-Register-Signature": signature or register.sign(secret, stamp, raw),
        },
    )


@pytest.fixture
def handed_over(app, monkeypatch, walk, dummy_appeal_referral):
    monkeypatch.setitem(app.config, "APPEALS_REGISTER_SECRET", SECRET)
    item = dummy_appeal_referral
    walk(item, AppealStatus.distributed)
    item.register_ref = "CITY-2026-001"
    db.session.flush()
    return item


def _state(item):
    db.session.refresh(item)
    receipts = db.session.scalars(select(RegisterReceipt.delivery_id)).all()
    return item.status, len(item.events), item.result, receipts


def test_a_signed_status_report_is_applied_once(client, handed_over):
    body = {"delivery_id": "d-1", "reference": "CITY-2026-001", "status": "accepted",
            "note": "已受理"}  # fmt: skip
    response = _post(client, body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json == {"reference": "CITY-2026-001", "status": "accepted"}
    assert handed_over.status == AppealStatus.accepted
    assert handed_over.events[-1].note == "已受理" and handed_over.events[-1].by_id is None
    before = _state(handed_over)
    assert _post(client, body).status_code == 409  # replay
    assert _state(handed_over) == before


@pytest.mark.parametrize(
    "abuse",
    ["bad_signature", "other_secret", "old_timestamp", "future_timestamp", "unknown_reference",
     "malformed", "not_json", "forbidden_status", "impossible_step", "no_timestamp"],
)  # fmt: skip
def test_webhook_abuse_changes_nothing(client, handed_over, abuse):
    body = {"delivery_id": f"d-{abuse}", "reference": "CITY-2026-001", "status": "handled",
            "result": "已办结"}  # fmt: skip
    kwargs = {}
    if abuse == "bad_signature":
        kwargs["signature"] = "0" * 64
    elif abuse == "other_secret":
        kwargs["secret"] = "guessed"
    elif abuse == "old_timestamp":
        kwargs["stamp"] = int(time.time()) - 3600
    elif abuse == "future_timestamp":
        kwargs["stamp"] = int(time.time()) + 3600
    elif abuse == "unknown_reference":
        body["reference"] = "CITY-9999"
    elif abuse == "malformed":
        del body["status"]
    elif abuse == "not_json":
        body = b"\xff\xfe not json"
    elif abuse == "forbidden_status":
        body["status"] = "closed"
    elif abuse == "impossible_step":
        body["status"] = "reported_back"
    elif abuse == "no_timestamp":
        kwargs["stamp"] = ""
    before = _state(handed_over)
    response = _post(client, body, **kwargs)
    assert 400 <= response.status_code < 500, response.status_code
    assert "error" in response.json
    assert _state(handed_over) == before


def test_webhook_is_refused_when_no_register_is_configured(client, handed_over, app, monkeypatch):
    monkeypatch.setitem(app.config, "APPEALS_REGISTER_SECRET", "")
    before = _state(handed_over)
    response = _post(client, {"delivery_id": "x", "reference": "CITY-2026-001",
                              "status": "accepted"}, secret="")  # fmt: skip
    assert response.status_code == 404 and _state(handed_over) == before


# --- the OpenAPI document and schemathesis --------------------------------------------------


def test_openapi_document_describes_the_webhook(client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/api/appeals/register/webhook" in document["paths"]


def test_api_conforms_to_its_openapi_document(app, monkeypatch, handed_over):
    """Schemathesis generates requests from the document (valid and invalid); the API never
    answers 5xx, answers only documented codes and bodies, and never changes the item."""
    from hypothesis import given
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]  # fmt: skip
    before = _state(handed_over)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(checks=checks)

        run()
    assert _state(handed_over) == before
