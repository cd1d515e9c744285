"""A live `flask run` server on a throw-away SQLite database, and Playwright with Debian's chromium.

Used by tests/e2e/test_questions_e2e.py, which takes the browser from tests/e2e/conftest.py
(one Playwright per session) and seeds its own small database.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "e2e-password-123"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(database_url: str, folder: Path) -> dict:
    """Categories, a verified firm with one user, a matching lawyer and a staff member."""
    import portal
    from portal.accounts.models import Enterprise, LawyerProfile, Role, User, Verification
    from portal.accounts.passwords import hash_password
    from portal.config import Config
    from portal.core.db import db
    from portal.core.models import LegalCategory
    from portal.core.reference import make_uscc
    from portal.demo import ensure_categories

    class SeedConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_DIR = str(folder / "uploads")
        SEARCH_INDEX_DIR = str(folder / "index")

    app = portal.create_app(SeedConfig)
    with app.app_context():
        ensure_categories()
        password_hash = hash_password(PASSWORD)
        firm = Enterprise(
            name="沈阳恒信机械制造有限公司",
            uscc=make_uscc(4754),
            industry="C",
            size_class="small",
            verification=Verification.verified,
        )
        people = {
            "enterprise": User(
                email="e2e-firm@example.com",
                name="王建华",
                role=Role.enterprise,
                enterprise=firm,
            ),
            "lawyer": User(email="e2e-lawyer@example.com", name="李律师", role=Role.lawyer),
            "staff": User(email="e2e-staff@example.com", name="刘晓梅", role=Role.staff),
        }
        contract = db.session.query(LegalCategory).filter_by(code="contract").one()
        people["lawyer"].lawyer_profile = LawyerProfile(
            law_firm="辽宁正和律师事务所",
            certificate_no="E2E0000000000001",
            industries="CF",
            weekly_capacity=5,
            specialities=[contract],
        )
        for user in people.values():
            user.password_hash = password_hash
            user.verification = Verification.verified
            db.session.add(user)
        db.session.commit()
        result = {role: user.email for role, user in people.items()}
        db.session.remove()
        db.engine.dispose()
    return result


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Yields (base_url, accounts) for a real server process with its own database."""
    folder = tmp_path_factory.mktemp("e2e-knowledge")
    database_url = f"sqlite:///{folder / 'e2e.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(folder / "uploads"),
        "SEARCH_INDEX_DIR": str(folder / "index"),
        "SEARCH_INDEX_INLINE": "0",
        "PORTAL_ENV": "development",
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    accounts = _seed(database_url, folder)
    port = _free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(
        [*flask, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base_url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError((folder / "server.log").read_text())
        yield base_url, accounts
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@contextmanager
def page_as(browser, base_url, email=None, screenshots: Path | None = None, name="page"):
    """A fresh browser context, logged in as `email` when given; screenshot on failure."""
    context = browser.new_context(locale="zh-CN", base_url=base_url)
    page = context.new_page()
    try:
        if email:
            page.goto("/account/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(lambda url: "/account/login" not in url)
        yield page
    except Exception:
        if screenshots is not None:
            page.screenshot(path=str(screenshots / f"{name}-failure.png"), full_page=True)
        raise
    finally:
        context.close()
