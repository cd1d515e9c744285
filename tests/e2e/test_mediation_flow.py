"""From an enterprise's online application to an archived case with a dossier number."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from portal.core import clock
from tests.e2e.helpers import as_visitor

pytestmark = pytest.mark.e2e


def _query(database_url, sql, **params):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        value = connection.execute(text(sql), params).scalar()
    engine.dispose()
    return value


DIRECTOR = (
    "SELECT u.email FROM mediation_cases c "
    "JOIN mediation_members m ON m.committee_id = c.committee_id AND m.role = 'director' "
    "JOIN users u ON u.id = m.user_id WHERE c.id = :case_id"
)
ASSIGNED = (
    "SELECT u.email FROM mediation_case_mediators cm "
    "JOIN mediation_members m ON m.id = cm.member_id "
    "JOIN users u ON u.id = m.user_id WHERE cm.case_id = :case_id AND cm.recused_dt IS NULL"
)


def _submit(page, action):
    page.click(f"main form[action$='/{action}'] button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def open_as(new_page, log_in_as):
    """open_as(email) -> a page of its own, logged in as that demo user."""

    def _open(email):
        page = new_page()
        # Chinese made the account's setting: the category is chosen by its Chinese name, and
        # other tests (the page walk) leave demo accounts in English.
        as_visitor(page).use_language("zh-CN")
        log_in_as(page, email)
        return page

    return _open


def test_online_application_to_archived_case(open_as, e2e_server):
    today = clock.today()
    applicant = open_as("enterprise1@demo.example")
    applicant.goto("/mediation/apply")
    applicant.fill("#title", "装修工程款纠纷（端到端测试）")
    applicant.fill("#amount", "86000")
    applicant.fill("#facts", "我司为对方门店装修，验收后尾款 8.6 万元未付。")
    applicant.fill("#claims", "支付工程尾款 8.6 万元")
    applicant.select_option("#category_id", label="建设工程")
    applicant.fill("#respondent_name", "沈阳某餐饮管理有限公司")
    applicant.fill("#respondent_phone", "024-22223333")
    applicant.click("main form button[type=submit]")
    applicant.wait_for_url(re.compile(r"/mediation/cases/\d+$"))
    case_url = applicant.url
    case_id = int(case_url.rsplit("/", 1)[1])
    assert "装修工程款纠纷（端到端测试）" in applicant.content()

    database = e2e_server.env["DATABASE_URL"]
    director = open_as(_query(database, DIRECTOR, case_id=case_id))
    director.goto(case_url)
    _submit(director, "accept")
    director.goto(f"{case_url}/assign")
    director.select_option("#members", index=0)
    director.click("main form button[type=submit]")
    director.wait_for_url(case_url)

    mediator = open_as(_query(database, ASSIGNED, case_id=case_id))
    mediator.goto(case_url)
    _submit(mediator, "rights-notice")
    _submit(mediator, "start")
    mediator.goto(f"{case_url}/sessions/new")
    mediator.fill("#held_dt", f"{today}T00:10")
    mediator.fill("#ended_dt", f"{today}T00:50")
    mediator.fill("#place", "商会调解室")
    mediator.fill("#attendees", "双方代表、调解员")
    mediator.fill("#record", "双方就尾款金额达成一致意见。")
    mediator.click("main form button[type=submit]")
    mediator.wait_for_url(case_url)

    mediator.goto(f"{case_url}/agreement")
    mediator.fill("#terms", "被申请人支付尾款 8 万元")
    mediator.click("main form button[type=submit]")
    # The form comes back with the error (is_visible() would not wait for that page to load).
    expect(mediator.locator("#responsibilities-error")).to_be_visible()
    expect(mediator.locator("#terms")).to_have_value("被申请人支付尾款 8 万元")
    mediator.fill("#parties_text", "申请人、被申请人基本情况")
    mediator.fill("#facts", "装修工程验收后尾款未付；争议在于质量扣款。")
    mediator.fill("#responsibilities", "被申请人承担付款责任，申请人负责维修。")
    mediator.fill("#performance_manner", "银行转账")
    mediator.fill("#performance_deadline", str(today + timedelta(days=30)))
    mediator.fill("#signed_on", str(today))
    mediator.fill("#effective_on", str(today))
    mediator.click("main form button[type=submit]")
    mediator.wait_for_url(case_url)
    # the judicial-confirmation window is shown, with a way to record the application
    assert mediator.locator(f"main a[href$='/cases/{case_id}/confirmation']").count() == 1

    mediator.goto(f"{case_url}/return-visit")
    mediator.fill("#visited_on", str(today))
    mediator.fill("#method", "电话回访")
    mediator.fill("#record", "被申请人已按约付款。")
    mediator.click("main form button[type=submit]")
    mediator.wait_for_url(case_url)

    director.goto(f"{case_url}/archive")
    director.click("main form button[type=submit]")
    director.wait_for_url(case_url)
    content = director.content()
    assert re.search(r"〔20\d\d〕\d+号", content)

    applicant.goto(case_url)
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    assert axe.run(applicant).violations_count == 0
    number = re.search(r"[^\s>]+〔20\d\d〕\d+号", content).group(0)
    assert number in applicant.content()

    # The director downloads the whole dossier as one DOCX through the browser.
    director.goto(case_url.replace("/mediation/cases/", "/mediation/documents/case/"))
    with director.expect_download() as download_info:
        director.click("a[href$='/dossier.docx']")
    path = download_info.value.path()
    from docx import Document

    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert number in text and "装修工程款纠纷" in text
