"""Fault tests (marker `slow`, run in CI): a worker killed mid-request, the database out of
reach, the SMTP server down, the city's appeal register down (the disk-full upload is in
test_storage.py). Each is short and bounded."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text

import portal
from portal.config import TestingConfig
from portal.core.db import db, utcnow
from tests.fixtures.app import ON_POSTGRES
from tests.fixtures.concurrency import sqlite_file_app

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


# --- a worker killed mid-request --------------------------------------------------------------

SEED = """
import portal
from portal.accounts.models import Enterprise, Role, User, Verification
from portal.accounts.passwords import hash_password
from portal.core.db import db
from portal.core.reference import make_uscc
from portal.demo import ensure_categories
app = portal.create_app()
with app.app_context():
    db.create_all()
    ensure_categories()
    firm = Enterprise(name="故障测试有限公司", uscc=make_uscc(880001), industry="C",
                      size_class="small", verification=Verification.verified)
    db.session.add(User(email="firm@fault.example", name="企业", role=Role.enterprise,
                        password_hash=hash_password("fault-password"), enterprise=firm,
                        verification=Verification.verified))
    db.session.commit()
"""


def _fault_database(tmp_path):
    """A database of the fault test's own: on the PostgreSQL pass a fresh `<test db>_fault`
    (production's database; committed rows must not reach the test's own), else SQLite."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'fault.db'}"
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{server.database}_fault"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _titles(url):
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [r[0] for r in connection.execute(text("SELECT title FROM questions"))]
    finally:
        engine.dispose()


def test_a_worker_killed_mid_request_loses_nothing_acknowledged(tmp_path):
    database_url = _fault_database(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "PORTAL_WTF_CSRF_ENABLED": "false",
        "RATELIMIT_ENABLED": "0",
        "PORTAL_ENV": "development",
    }
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "--preload",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _answers(f"{base}/healthz"), timeout=120, what="gunicorn")
        acknowledged, failed, stop = [], [], threading.Event()

        def log_in(session):
            # A worker may be killed while this request is in flight: try again until it lands.
            while not stop.is_set():
                try:
                    response = session.post(
                        f"{base}/account/login",
                        data={"email": "firm@fault.example", "password": "fault-password"},
                        allow_redirects=False,
                        timeout=10,
                    )
                except requests.RequestException:
                    continue
                if response.status_code == 302:
                    return

        def client(n):
            session = requests.Session()
            log_in(session)
            i = 0
            while not stop.is_set():
                title = f"故障测试 {n}-{i} 合同纠纷"
                i += 1
                try:
                    response = session.post(
                        f"{base}/questions/ask",
                        data={
                            "title": title,
                            "body": "供应商不交货怎么办？" * 5,
                            "category": "1",
                            "urgency": "normal",
                            "submit": "1",
                        },
                        allow_redirects=False,
                        timeout=10,
                    )
                except requests.RequestException:
                    failed.append(title)
                    continue
                if response.status_code == 302 and "/account/login" in response.headers["Location"]:
                    failed.append(title)  # the session was lost with a killed worker
                    log_in(session)
                    continue
                (acknowledged if response.status_code == 302 else failed).append(title)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        _wait_for(lambda: len(acknowledged) >= 5, timeout=120, what="first writes")
        workers = _children(server.pid)
        assert len(workers) == 2
        for victim in workers:  # kill both, one after the other, while requests are in flight
            os.kill(victim, signal.SIGKILL)
            time.sleep(0.5)
        _wait_for(lambda: len(_children(server.pid)) == 2, timeout=120, what="workers restarted")
        count = len(acknowledged)
        _wait_for(
            lambda: len(acknowledged) >= count + 5, timeout=120, what="writes after the restart"
        )
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
    finally:
        _stop(server)
    titles = _titles(database_url)
    assert len(titles) == len(set(titles)), "a write was doubled"
    assert set(acknowledged) <= set(titles), "an acknowledged write was lost"
    # Refused or cut-off requests: either nothing, or the whole question (never half of one).
    assert set(titles) <= set(acknowledged) | set(failed)


def _stop(process):
    process.send_signal(signal.SIGINT)  # gunicorn: quick shutdown
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _answers(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


# --- the database out of reach ------------------------------------------------------------------


class CuttableProxy:
    """A TCP proxy on localhost in front of PostgreSQL; cut() drops every connection and
    refuses new ones (as a database that went away), restore() lets them through again."""

    def __init__(self, upstream_port=5432):
        self.upstream = ("127.0.0.1", upstream_port)
        self.port = _free_port()
        self.sockets, self.lock, self.listener = [], threading.Lock(), None
        self.restore()

    def restore(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not (Linux).
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.sockets = []


@pytest.mark.skipif(not ON_POSTGRES, reason="the outage is of PostgreSQL")
def test_database_out_of_reach_gives_a_clear_503_then_recovers(app, committing_db, tmp_path):
    # committing_db: the real db.session (the rolled-back test session is bound elsewhere)
    url = os.environ["TEST_DATABASE_URL"]
    proxy = CuttableProxy(int(url.rsplit(":", 1)[1].split("/")[0]))
    server_and_db = url.rsplit(":", 1)[0]

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"{server_and_db}:{proxy.port}/{url.rsplit('/', 1)[1]}"
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}
        UPLOAD_DIR = str(tmp_path / "uploads")

    through_proxy = portal.create_app(Config)
    client = through_proxy.test_client()
    # Load while the database goes away and comes back: four clients reading pages throughout;
    # every answer is a page or a clear 503, never a 500.
    seen, stop = [], threading.Event()

    def reader():
        own = through_proxy.test_client()
        while not stop.is_set():
            for path in ("/kb", "/healthz", "/search?q=合同"):
                seen.append(own.get(path).status_code)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    try:
        assert client.get("/kb").status_code == 200
        for thread in readers:
            thread.start()
        _wait_for(lambda: len(seen) >= 8, what="readers under way")
        proxy.cut()
        outage = len(seen)
        _wait_for(lambda: 503 in seen[outage:], what="503s during the outage")
        for path in ("/kb", "/questions/mine", "/lectures"):
            response = client.get(path, headers={"Accept-Language": "zh-CN"})
            if response.status_code == 302:  # log-in wall before any database use
                continue
            assert response.status_code == 503, path
            assert response.headers["Retry-After"]
            assert "无法连接数据库" in response.get_data(as_text=True)
        assert client.get("/healthz").status_code == 503
        proxy.restore()
        # Recovers by itself: pool_pre_ping replaces the dead connections.
        assert client.get("/kb").status_code == 200
        assert client.get("/healthz").status_code == 200
        back = len(seen)
        _wait_for(lambda: seen[back:].count(200) >= 12, what="the readers served again")
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
        assert set(seen) <= {200, 503}, sorted(set(seen))
        assert seen[-6:] == [200] * 6  # the readers recovered too
    finally:
        stop.set()
        proxy.cut()
        with through_proxy.app_context():
            db.engine.dispose()


def test_a_connection_lost_after_the_page_was_made_keeps_the_page(
    committing_db, tmp_path, monkeypatch
):
    """The database goes away between the answer and the end of the request: the closing
    rollback fails. The finished page is still sent (before: the server's bare 500)."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    own = sqlite_file_app(tmp_path, "closing.db")  # each request pushes its own context
    real_close, failures = Session.close, []

    def close_on_a_dead_connection(self):
        real_close(self)
        if not failures:
            failures.append(1)
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "close", close_on_a_dead_connection)
    client = own.test_client()
    try:
        response = client.get("/kb")
        assert failures == [1]
        assert response.status_code == 200
        assert client.get("/kb").status_code == 200  # the next request has a session of its own
    finally:
        monkeypatch.undo()
        with own.app_context():
            db.engine.dispose()


# --- SMTP down ---------------------------------------------------------------------------------


@pytest.mark.real_clock
def test_mail_queued_while_smtp_is_down_is_sent_by_the_worker_later(committing_db, tmp_path):
    from aiosmtpd.controller import Controller

    database = tmp_path / "mail.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "PORTAL_ENV": "development",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(_free_port()),
    }
    env.pop("TEST_DATABASE_URL", None)

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
        UPLOAD_DIR = env["UPLOAD_DIR"]

    app = portal.create_app(Config)
    from portal.notifications.models import OutgoingEmail
    from portal.notifications.operations import _email_body

    with app.app_context(), app.test_request_context():
        db.create_all()
        db.session.add(
            OutgoingEmail(
                recipient="firm@fault.example",
                subject="答复已送达",
                body=_email_body("答复已送达", ""),
            )
        )
        db.session.commit()

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "mail",
            "send",
            "--loop",
            "--interval",
            "0.3",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def mail():
        # A read, as in a GET request: on SQLite it does not queue for the write lock the worker
        # takes every 0.3 s (outside a request every transaction begins IMMEDIATE, and on the
        # busy machine a poll waited past the 5 s busy timeout: "database is locked").
        with app.test_request_context():
            db.session.remove()
            return db.session.scalar(select(OutgoingEmail))

    received = []

    class Mailbox:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.rcpt_tos)
            return "250 OK"

    controller = None
    try:
        _wait_for(
            lambda: mail().attempts >= 1, timeout=120, what="a failed attempt while SMTP is down"
        )
        assert mail().status == "queued" and mail().last_error
        controller = Controller(Mailbox(), hostname="127.0.0.1", port=int(env["MAIL_PORT"]))
        controller.start()
        # The back-off has passed (we move the clock on instead of waiting minutes).
        with app.app_context():
            db.session.execute(
                text("UPDATE outgoing_emails SET next_attempt_dt = :t"),
                {"t": utcnow() - timedelta(seconds=1)},
            )
            db.session.commit()
        _wait_for(lambda: mail().status == "sent", what="the mail to be sent")
        assert received == [["firm@fault.example"]]
    finally:
        _stop(worker)
        if controller is not None:
            controller.stop()
        with app.app_context():
            db.engine.dispose()


# --- the appeal register down ------------------------------------------------------------------

REGISTER_SECRET = "fault-register-secret"


class CityRegister:
    """The city's register on a fixed loopback port, up only between start() and stop(); it
    keeps each message once per idempotency key and counts bad signatures."""

    def __init__(self, port):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from portal.appeals.register import sign

        self.received, self.bad_signatures = {}, 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers["X-Register-Timestamp"]
                if sign(REGISTER_SECRET, stamp, body) != self.headers["X-Register-Signature"]:
                    outer.bad_signatures += 1
                    self.send_response(401)
                else:
                    outer.received.setdefault(self.headers["Idempotency-Key"], body)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.real_clock
def test_appeal_register_down_queues_messages_and_the_worker_sends_them_later(
    committing_db, tmp_path
):
    import json

    from portal.accounts.models import Enterprise, Role, User, Verification
    from portal.appeals import operations as appeal_ops
    from portal.appeals.models import AppealStatus, RegisterOutbox
    from portal.core.reference import make_uscc

    database, port = tmp_path / "register.db", _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "PORTAL_ENV": "development",
        "PORTAL_APPEALS_REGISTER": "http",
        "PORTAL_APPEALS_REGISTER_URL": f"http://127.0.0.1:{port}/items",
        "PORTAL_APPEALS_REGISTER_SECRET": REGISTER_SECRET,
    }
    env.pop("TEST_DATABASE_URL", None)

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
        UPLOAD_DIR = env["UPLOAD_DIR"]
        SEARCH_INDEX_DIR = env["SEARCH_INDEX_DIR"]
        APPEALS_REGISTER = "http"
        APPEALS_REGISTER_URL = env["PORTAL_APPEALS_REGISTER_URL"]
        APPEALS_REGISTER_SECRET = REGISTER_SECRET

    app = portal.create_app(Config)
    with app.app_context(), app.test_request_context():
        db.create_all()
        staff = User(email="staff@fault.example", name="工作人员", role=Role.staff,
                     password_hash="-", verification=Verification.verified)  # fmt: skip
        firm = Enterprise(name="故障测试有限公司", uscc=make_uscc(880002), industry="C",
                          size_class="small", verification=Verification.verified)  # fmt: skip
        db.session.add_all([staff, firm])
        db.session.flush()
        item = appeal_ops.create_referral(enterprise=firm, summary="胜诉判决执行不到位", by=staff)
        # The register is down already: the change is made and its message waits in the outbox.
        appeal_ops.triage(item, by=staff, category="enforcement", tier=1,
                          tier_reason="核实属实", route="forwarded")  # fmt: skip
        assert item.status == AppealStatus.triaged
        db.session.commit()

    def messages():
        with app.test_request_context():  # a read: no write lock on SQLite (see mail() above)
            db.session.remove()
            return db.session.scalars(select(RegisterOutbox).order_by(RegisterOutbox.id)).all()

    def due_now():  # the back-off has passed (we move the clock on instead of waiting minutes)
        with app.app_context():
            db.session.execute(
                text("UPDATE appeal_register_outbox SET next_attempt_dt = :t"),
                {"t": utcnow() - timedelta(seconds=1)},
            )
            db.session.commit()

    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "appeals", "deliver", "--loop",
         "--interval", "0.3"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    register = None
    try:
        _wait_for(
            lambda: messages()[0].attempts >= 1, timeout=120, what="a failed attempt while down"
        )
        (message,) = messages()
        assert message.sent_dt is None and not message.given_up and message.last_error
        assert message.next_attempt_dt > utcnow()  # backing off, still queued
        register = CityRegister(port)  # the register is back
        due_now()
        _wait_for(lambda: messages()[0].sent_dt is not None, what="the message to be sent")
        (message,) = messages()
        assert message.last_error == ""
        assert list(register.received) == [message.key]
        payload = json.loads(register.received[message.key])
        assert payload["status"] == "triaged" and payload["summary"] == "胜诉判决执行不到位"
        assert register.bad_signatures == 0
        time.sleep(1)  # a few more polls of the worker: sent once, never again
        assert len(register.received) == 1
    finally:
        _stop(worker)
        if register is not None:
            register.stop()
        with app.app_context():
            db.engine.dispose()
