"""Browser tests against a real server: fixtures every package's e2e tests can use.

- `e2e_server`: one gunicorn process per xdist worker for the whole session on 127.0.0.1 and
  a free port, with a fresh SQLite file migrated by `flask db upgrade` and filled by
  `flask demo load` (every package's demo loader, so the demo log-ins exist: staff@demo.example,
  admin@demo.example, enterprise1..100@demo.example (96..100 unverified),
  lawyer1..30@demo.example; password DEMO_PASSWORD); loaded once per run, each pytest-xdist
  worker's server has a copy.
  `e2e_server.url` is its address, `e2e_server.env` its environment.
  While developing, `E2E_SERVER_URL=http://127.0.0.1:PORT` uses a server already running with
  the demo loaded instead (export that server's DATABASE_URL, UPLOAD_DIR... too, for the tests
  that run `flask` against its database).
- `browser`: Debian's chromium launched once per session (Playwright never downloads one).
- `page`: a fresh browser context per test (own cookies), Chinese by default; its
  `base_url` is the server, so `page.goto("/account/login")` works. Another language:
  `@pytest.mark.parametrize("locale", ["en-US"])` overrides the `locale` fixture.
- `new_page()`: a second, independent visitor in the same test (staff and enterprise at once).
- Every browser context is a visitor from its own address (`X-Forwarded-For`, which the server
  trusts for one proxy hop), so the log-in limits, counted per address, start afresh for each
  visitor: the run's many log-ins, or a test that trips a limit on purpose, never refuse a later
  test's log-in, and the limits stay on. The server counts in its own memory, never in a Redis
  that another run or server shares. (With E2E_SERVER_URL, set PROXY_FIX_X_FOR=1 on that server.)
- `log_in_as(page, email, password=DEMO_PASSWORD)`: logs that page in through the form.
  Pages then appear in the account's language setting (else the browser's). Tests share the
  server, so a test that reads translated text chooses the language first:
  `as_visitor(page).use_language("en")` before logging in makes it the account's setting.

A failed test leaves a screenshot of each of its pages in test-results/<test name>-<n>.png.
Write steps as a user would (see tests/e2e/helpers.py: as_enterprise(page).register(...)).
Mark every test `@pytest.mark.e2e` (`-m "not e2e"` skips them).
"""

import fcntl
import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from portal.demo import DEMO_PASSWORD
from tests.e2e.helpers import Visitor

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Server:
    def __init__(self, url: str, env: dict, process: subprocess.Popen):
        self.url, self.env, self.process = url, env, process

    def flask(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run `flask --app wsgi ARGS` against the server's database (e.g. to seed a record)."""
        return _flask(self.env, *args, input=input)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env, *args, input=None, timeout=300):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(
        f"the e2e server did not answer on {url} within {timeout} s; its log:\n{log.read_text()}"
    )


def _environment(folder: Path) -> dict:
    """The server's environment: its database, uploads and search index in `folder`; rate
    limits on, counted in its own memory per client address (see `new_page`)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("PORTAL_", "TEST_DATABASE", "DATABASE_", "MAIL_", "REDIS_", "RATELIMIT_")
        )
    }
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'e2e.db'}",
        SECRET_KEY="e2e-" + os.urandom(8).hex(),
        UPLOAD_DIR=str(folder / "uploads"),
        SEARCH_INDEX_DIR=str(folder / "search-index"),
        PYTHONDONTWRITEBYTECODE="1",
        RATELIMIT_ENABLED="1",
        RATELIMIT_STORAGE_URI="memory://",
        PROXY_FIX_X_FOR="1",
    )
    return env


# RFC 2544's benchmarking block (198.18.0.0/15): addresses no real client has.
_visitor_numbers = itertools.count()


def visitor_address() -> str:
    """A client address no other browser context of this run has had."""
    n = next(_visitor_numbers)
    return f"198.{18 + n // 65024 % 2}.{n // 254 % 256}.{n % 254 + 1}"


def _demo_data(tmp_path_factory) -> Path:
    """A folder with the migrated demo database, its uploads and search index, made once per
    run: every pytest-xdist worker that runs browser tests copies it. (Each worker loading the
    demo itself, two loads at once on a busy machine took over five minutes, and every browser
    test failed on the load's time limit.)"""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    demo, done = shared / "e2e-demo", shared / "e2e-demo.done"
    with open(shared / "e2e-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here for the first one
        if not done.exists():
            shutil.rmtree(demo, ignore_errors=True)  # left half-made by a worker that failed
            demo.mkdir()
            env = _environment(demo)
            _flask(env, "db", "upgrade")
            # About 40 s of CPU: on a machine busy with other work (load 12 on two cores) one
            # load took over five minutes. The limit only stops a load that hangs.
            _flask(env, "demo", "load", timeout=1200)
            done.touch()
    return demo


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory):
    if os.environ.get("E2E_SERVER_URL"):  # a server already running with the demo (development)
        yield Server(os.environ["E2E_SERVER_URL"].rstrip("/"), dict(os.environ), None)
        return
    folder = tmp_path_factory.mktemp("e2e")
    shutil.copytree(_demo_data(tmp_path_factory), folder, dirs_exist_ok=True)
    env = _environment(folder)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--preload",
                "--access-logfile",
                "-",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield Server(url, env, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def locale():
    """The browser's language (Accept-Language); parametrize to change it."""
    return "zh-CN"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def new_page(request, browser, e2e_server, locale):
    """new_page(locale=None, **context_options) -> a page in its own browser context."""
    contexts = []

    def _new_page(locale=locale, **options):
        headers = {"X-Forwarded-For": visitor_address(), **options.pop("extra_http_headers", {})}
        context = browser.new_context(
            base_url=e2e_server.url, locale=locale, extra_http_headers=headers, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    failed = any(
        getattr(request.node, f"report_{when}", None) is not None
        and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    for n, context in enumerate(contexts, start=1):
        if failed:
            RESULTS.mkdir(exist_ok=True)
            for page in context.pages:
                try:
                    page.screenshot(path=str(RESULTS / f"{name}-{n}.png"), full_page=True)
                except Exception as exc:  # a crashed page must not hide the test's own failure
                    print(f"no screenshot of {name}-{n}: {exc}")
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in_as():
    """log_in_as(page, email, password=DEMO_PASSWORD) -> Visitor, logged in (any language)."""

    def _log_in_as(page, email, password=DEMO_PASSWORD):
        visitor = Visitor(page)
        visitor.log_in(email, password)
        return visitor

    return _log_in_as
