"""Browser: an enterprise asks, a lawyer claims and answers, the enterprise rates, staff publish,
and the public knowledge base shows the answer with the firm's identity removed."""

import re

import pytest

from tests.knowledge.e2e_helpers import live_server, page_as  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e

TITLE = "客户拖欠货款三十八万元怎么办"
BODY = "我们是沈阳恒信机械制造有限公司，联系人王建华，电话13912345678。客户拖欠货款38万元。"
ANSWER = "依据《民法典》第五百七十七条，对方应当承担继续履行等违约责任。"


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]


def test_question_from_asking_to_the_public_knowledge_base(live_server, browser, tmp_path):  # noqa: F811
    base_url, accounts = live_server

    with page_as(browser, base_url, accounts["enterprise"], tmp_path, "ask") as page:
        page.goto("/questions/ask")
        page.fill("input[name=title]", TITLE)
        page.fill("textarea[name=body]", BODY)
        page.select_option("select[name=category]", label="合同纠纷")
        page.check("input[name=consent_to_publish]")
        page.click("button[name=submit]")
        page.wait_for_url(re.compile(r"/questions/\d+$"))
        question_url = page.url

    with page_as(browser, base_url, accounts["lawyer"], tmp_path, "lawyer") as page:
        page.goto("/questions/queue")
        assert_accessible(page)
        page.click(f"text={TITLE}")
        page.click("form[action$='/claim'] button")
        page.fill("form[action$='/answer'] textarea[name=body]", ANSWER)
        page.click("form[action$='/answer'] button[type=submit] >> nth=0")
        page.wait_for_selector("text=第五百七十七条")

    with page_as(browser, base_url, accounts["enterprise"], tmp_path, "rate") as page:
        page.goto(question_url)
        assert "第五百七十七条" in page.content()
        assert_accessible(page)
        page.check("form[action$='/rate'] input[value='5']")
        page.click("form[action$='/rate'] button[type=submit]")
        page.wait_for_selector("text=5/5")

    with page_as(browser, base_url, accounts["staff"], tmp_path, "staff") as page:
        page.goto("/questions/staff/articles")
        page.click("form[action*='/staff/articles/from/'] button")
        page.wait_for_url(re.compile(r"/staff/articles/\d+$"))
        assert "13912345678" not in page.input_value("textarea[name=question_text]")
        page.click("button[name=publish]")
        page.wait_for_selector("a[href^='/kb/']")

    with page_as(browser, base_url, None, tmp_path, "public") as page:
        page.goto("/kb")
        page.click(f"text={TITLE}")
        assert_accessible(page)
        text = page.inner_text("main")
        assert "第五百七十七条" in text
        for secret in ("恒信", "王建华", "13912345678"):
            assert secret not in text
