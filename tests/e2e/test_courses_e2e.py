"""Browser: search a phrase of a lecture transcript and land on that lecture at that moment."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
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
PHRASE = "违约金约定要合理"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    folder = tmp_path_factory.mktemp("courses-e2e")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'portal.db'}",
        "UPLOAD_DIR": str(folder / "uploads"),
        "SEARCH_INDEX_DIR": str(folder / "index"),
        "PORTAL_ENV": "development",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    _flask(env, "db", "upgrade", "heads")
    _flask(env, "demo", "load")
    has_search = _flask(env, "search", "--help", check=False).returncode == 0
    if has_search:
        _flask(env, "search", "rebuild")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield base, has_search
    finally:
        server.terminate()
        server.wait(timeout=10)


def _expected_moment():
    """The lecture and second where the demo transcript says PHRASE."""
    from courses.demo import LECTURES, _vtt_for
    from courses.transcripts import parse

    for title, *_rest, sentences in LECTURES:
        for cue in parse(_vtt_for(sentences)):
            if PHRASE in cue.text:
                return title, cue.start_ms // 1000
    raise AssertionError("phrase not in the demo transcripts")


def test_transcript_phrase_search_opens_the_player_at_that_moment(demo_server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, has_search = demo_server
    if not has_search:
        pytest.skip("the site search (knowledge.search) is not installed in this tree")
    title, seconds = _expected_moment()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(locale="zh-CN")
        try:
            page.goto(f"{base}/lectures")
            search = page.locator("#lecture-search")  # labelled; the id keeps this language-neutral
            search.fill(PHRASE)
            search.press("Enter")
            page.wait_for_load_state()
            page.locator(f'a[href*="/lectures/"][href*="t={seconds}"]').first.click()
            page.wait_for_load_state()
            assert f"t={seconds}" in page.url and page.url.endswith("#player")
            assert page.get_by_role("heading", level=1).inner_text() == title
            current = page.locator("li.transcript-current")
            assert PHRASE in current.inner_text()
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()


def test_lecture_pages_have_no_accessibility_violations(demo_server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    base, _has_search = demo_server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(locale="zh-CN")
        try:
            for path in (
                "/lectures",
                "/lectures/schedule",
                "/lectures/1?t=65",
                "/lectures/series/1",
            ):
                page.goto(f"{base}{path}")
                results = axe_module.Axe().run(page)
                assert results.violations_count == 0, (path, results.generate_report())
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()
