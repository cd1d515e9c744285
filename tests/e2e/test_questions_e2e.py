"""Browser: an enterprise asks, a lawyer claims and answers, the enterprise rates, staff publish,
and the public knowledge base shows the answer with the firm's identity removed."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.seed import PASSWORD

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

TITLE = "客户拖欠货款三十八万元怎么办"
BODY = "我们是沈阳恒信机械制造有限公司，联系人王建华，电话13912345678。客户拖欠货款38万元。"
ANSWER = "依据《民法典》第五百七十七条，对方应当承担继续履行等违约责任。"


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()  # after a click, the new page whole (see serious_violations)
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]


@pytest.fixture(scope="module")
def accounts(e2e_server):
    """A firm and a lawyer of their own on the shared server (see tests/e2e/seed.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.e2e.seed"],
        cwd=ROOT,
        env=e2e_server.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_question_from_asking_to_the_public_knowledge_base(new_page, log_in_as, accounts):
    page = new_page()
    log_in_as(page, accounts["enterprise"], PASSWORD)
    page.goto("/questions/ask")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=body]", BODY)
    page.select_option("select[name=category]", label="合同纠纷")
    page.check("input[name=consent_to_publish]")
    page.click("button[name=submit]")
    page.wait_for_url(re.compile(r"/questions/\d+$"))
    question_url = page.url

    page = new_page()
    log_in_as(page, accounts["lawyer"], PASSWORD)
    page.goto("/questions/queue")
    assert_accessible(page)
    page.click(f"text={TITLE}")
    page.click("form[action$='/claim'] button")
    page.fill("form[action$='/answer'] textarea[name=body]", ANSWER)
    # The claimed question's page loaded whole before the click: in one CI run the click, made
    # while the page was still loading, sent nothing (the server logged the claim, no answer).
    page.wait_for_load_state()
    # "Send answer", not one of the "Cite" buttons of the suggested articles in the same form.
    page.click("form[action$='/answer'] button[type=submit]:not([name=cite])")
    page.wait_for_selector("text=对方应当承担继续履行等违约责任")

    page = new_page()
    log_in_as(page, accounts["enterprise"], PASSWORD)
    page.goto(question_url)
    assert "第五百七十七条" in page.content()
    assert_accessible(page)
    page.check("form[action$='/rate'] input[value='5']")
    page.click("form[action$='/rate'] button[type=submit]")
    page.wait_for_selector("text=5/5")

    page = new_page()
    log_in_as(page, "staff@demo.example")
    page.goto("/questions/staff/articles")
    page.click(f"form[action*='/staff/articles/from/{question_url.rsplit('/', 1)[1]}'] button")
    page.wait_for_url(re.compile(r"/staff/articles/\d+$"))
    assert "13912345678" not in page.input_value("textarea[name=question_text]")
    page.click("button[name=publish]")
    page.wait_for_selector("a[href^='/kb/']")

    page = new_page()
    page.goto("/kb")
    page.click(f"text={TITLE}")
    assert_accessible(page)
    text = page.inner_text("main")
    assert "第五百七十七条" in text
    for secret in ("恒信", "王建华", "13912345678"):
        assert secret not in text
