"""Browser tests: a real `flask run` server on a free port with a temporary SQLite database
(migrated with `flask db upgrade`, loaded with `flask demo load`), driven by Playwright with
Debian's chromium (see RECIPES.md). Every test here is marked e2e."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """{'url': base URL, 'database_url': the server's database} of a running demo server."""
    folder = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'e2e.db'}",
        "UPLOAD_DIR": str(folder / "uploads"),
        "SEARCH_INDEX_DIR": str(folder / "search"),
        "SEARCH_INDEX_INLINE": "0",
        "PORTAL_ENV": "development",
    }
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(FLASK + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(
        FLASK + ["run", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError((folder / "server.log").read_text())
        yield {"url": url, "database_url": env["DATABASE_URL"]}
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(email) -> a page in a fresh browser context, logged in as that demo user."""
    contexts = []

    def _open(email=None, password="demo-password"):
        context = browser.new_context(locale="zh-CN", base_url=live_server["url"])
        contexts.append(context)
        page = context.new_page()
        if email:
            page.goto("/account/login")
            page.fill("#email", email)
            page.fill("#password", password)
            page.click("main form button[type=submit]")
            page.wait_for_load_state()
        return page

    yield _open
    for context in contexts:
        context.close()
