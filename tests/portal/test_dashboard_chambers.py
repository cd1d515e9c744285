"""The statistics page for a period and a chamber: figures, monthly charts and the lists behind
each figure narrowed the same way; the monthly and annual reports as DOCX and XLSX."""

import html
import re
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from mediation.models import CaseStatus
from portal.core import clock

# A Wednesday in the middle of a month, 10:00 in Beijing: "yesterday" and "in two days" are in
# the same month as today.
MID_MONTH = clock.utc(2026, 10, 14, 2)


@pytest.fixture
def two_chambers(
    create_chamber, create_committee, create_case, create_enterprise_user, create_mediator
):
    """Chamber A: three cases in October 2026 (one agreed), one in November; chamber B: one
    case in October. Each firm asking belongs to its chamber."""
    a = create_chamber(name="沈阳市浙江商会")
    b = create_chamber(name="沈阳市福建商会")
    committees = {}
    for chamber in (a, b):
        committees[chamber.id] = create_committee(
            chamber=chamber, created_dt=clock.utc(2026, 1, 5, 2)
        )
        create_mediator(committees[chamber.id])

    def case(chamber, day, month=10, **kw):
        user = create_enterprise_user()
        user.enterprise.chambers = [chamber]
        return create_case(
            committees[chamber.id],
            applicant_user=user,
            applied_dt=clock.utc(2026, month, day, 2),
            title=f"{chamber.name}的纠纷{month}-{day}",
            **kw,
        )

    cases = [
        case(a, 3),
        case(a, 9),
        case(a, 20, status=CaseStatus.agreement_reached),
        case(a, 4, month=11),
        case(b, 12),
    ]
    return a, b, cases


def _figure(page: str, label: str) -> tuple[str, str | None]:
    """(value, link) of the figure labelled `label` on the statistics page."""
    row = re.search(
        r'<th scope="row" class="fw-normal">' + re.escape(label) + r"</th><td[^>]*>(.*?)</td>",
        page,
    )
    assert row, label
    cell = row.group(1)
    link = re.search(r'href="([^"]+)"', cell)
    value = re.sub(r"<span.*?</span>|<[^>]+>", "", cell).strip()
    return value, html.unescape(link.group(1)) if link else None


def test_figures_for_a_chamber_and_the_list_behind_them_narrowed_the_same_way(
    client, login, dummy_staff, two_chambers
):
    a, b, cases = two_chambers
    login(dummy_staff)
    page = client.get(f"/dashboard?month=2026-10&chamber={a.id}").get_data(as_text=True)
    assert "沈阳市浙江商会" in page
    assert f'<option selected value="{a.id}">' in page or f'value="{a.id}" selected' in page
    value, link = _figure(page, "调解案件数")
    assert value == "3"
    assert link == f"/mediation?start=2026-10-01&end=2026-10-31&chamber={a.id}"
    listed = client.get(link).get_data(as_text=True)
    for case in cases[:3]:
        assert case.title in listed
    assert cases[3].title not in listed and cases[4].title not in listed  # November; chamber B
    assert "筛选条件" in listed and "2026年10月1日至2026年10月31日" in listed
    # "Agreements reached" links to the agreed cases only.
    value, link = _figure(page, "达成调解协议数")
    assert value == "1"
    agreed = client.get(link).get_data(as_text=True)
    assert cases[2].title in agreed and cases[0].title not in agreed
    # The chamber's committee is the one chamber with a committee.
    assert _figure(page, "成立人民调解委员会的商会数")[0] == "1"

    # All chambers: the federation's figures.
    whole = client.get("/dashboard?month=2026-10").get_data(as_text=True)
    assert _figure(whole, "调解案件数")[0] == "4"
    assert _figure(whole, "成立人民调解委员会的商会数")[0] == "2"


def test_programmes_that_cannot_narrow_to_a_chamber_say_so(
    client, login, dummy_staff, two_chambers
):
    a, _b, _cases = two_chambers
    login(dummy_staff)
    page = client.get(f"/dashboard?month=2026-10&chamber={a.id}").get_data(as_text=True)
    sections = re.findall(
        r"<section class=\"mb-4\" aria-labelledby=\"stats-\d+\">(.*?)</section>", page, re.S
    )
    note = "全部商会：该项数据不按商会区分。"
    by_title = {re.search(r"<h2[^>]*>(.*?)</h2>", s).group(1): s for s in sections}
    assert note not in by_title["商会调解"] and note not in by_title["法治体检"]
    assert note in by_title["普法讲座"]


def test_the_real_registry_for_a_chamber_has_no_raw_key_or_english(
    client, login, dummy_staff, two_chambers
):
    a, _b, _cases = two_chambers
    login(dummy_staff)
    page = client.get(f"/dashboard?month=2026-10&chamber={a.id}").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    assert "无法计算" not in text
    english = set(re.findall(r"[A-Za-z_]{3,}", text)) - {"Excel", "XLSX", "DOCX"}
    assert not english, english


def test_monthly_charts_for_a_chamber_are_server_drawn_svg(
    client, login, dummy_staff, two_chambers
):
    a, _b, _cases = two_chambers
    login(dummy_staff)
    page = client.get(f"/dashboard?month=2026-11&chamber={a.id}").get_data(as_text=True)
    charts = re.findall(r'<svg class="trend-chart".*?</svg>', page, re.S)
    assert charts and "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    cases_chart = next(c for c in charts if "调解案件数 · 沈阳市浙江商会" in c)
    assert "<title>2026-10: 3</title>" in cases_chart
    assert "<title>2026-11: 1</title>" in cases_chart
    assert "<title>2026-09: 0</title>" in cases_chart


@pytest.mark.parametrize("chamber", ["999999", "x", "-1", "99999999999999999999"])
def test_an_unknown_chamber_is_a_field_error_not_a_500(client, login, dummy_staff, chamber):
    login(dummy_staff)
    response = client.get(f"/dashboard?month=2026-10&chamber={chamber}")
    assert response.status_code == 200
    assert "请从列表中选择商会" in response.get_data(as_text=True)


def test_a_list_ignores_an_unreadable_filter(client, login, dummy_staff, two_chambers):
    _a, _b, cases = two_chambers
    login(dummy_staff)
    for query in ("start=2026-13-01&end=2026-10-31", "chamber=abc", "chamber=99999999999"):
        response = client.get(f"/mediation?{query}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert all(case.title in page for case in cases) and "筛选条件" not in page


def test_questions_list_behind_asked_and_answered_is_narrowed(
    client, login, dummy_staff, create_chamber, create_enterprise_user, create_lawyer
):
    from sqlalchemy import select

    from knowledge import operations
    from portal.core.db import db
    from portal.core.models import LegalCategory

    chamber = create_chamber(name="沈阳市温州商会")
    inside, outside = create_enterprise_user(), create_enterprise_user()
    inside.enterprise.chambers = [chamber]
    category = db.session.scalar(select(LegalCategory).where(LegalCategory.code == "contract"))
    with clock.frozen(clock.utc(2026, 10, 8, 2)):
        ours = operations.ask(
            asker=inside,
            title="温州商会会员的合同问题",
            body="内容",
            category=category,
            urgency="normal",
            consent_to_publish=False,
        )
        theirs = operations.ask(
            asker=outside,
            title="别家企业的合同问题",
            body="内容",
            category=category,
            urgency="normal",
            consent_to_publish=False,
        )
    db.session.flush()
    login(dummy_staff)
    page = client.get(f"/dashboard?month=2026-10&chamber={chamber.id}").get_data(as_text=True)
    value, link = _figure(page, "提问数")
    assert value == "1"
    listed = client.get(link).get_data(as_text=True)
    assert ours.title in listed and theirs.title not in listed
    _value, answered_link = _figure(page, "已答复问题数")
    assert "by=answered" in answered_link
    assert ours.title not in client.get(answered_link).get_data(as_text=True)  # not answered yet


def _xlsx_rows(data: bytes, sheet: str) -> list[tuple]:
    return list(load_workbook(BytesIO(data))[sheet].iter_rows(values_only=True))


def test_reports_as_docx_and_xlsx_in_the_federations_phrasing(
    client, login, dummy_staff, two_chambers
):
    a, _b, _cases = two_chambers
    login(dummy_staff)
    monthly = client.get("/dashboard/report?month=2026-10&format=xlsx")
    assert monthly.status_code == 200 and monthly.mimetype.endswith("sheet")
    workbook = load_workbook(BytesIO(monthly.data))
    assert workbook.sheetnames[0] == "工作报告" and "商会调解" in workbook.sheetnames
    rows = _xlsx_rows(monthly.data, "工作报告")
    assert rows[0][0] == "民营企业法律服务月度工作报告"
    text = "\n".join(str(cell) for row in rows for cell in row if cell)
    assert "2 家商会成立人民调解委员会" in text and "调解纠纷 4 件" in text
    assert "统计期间：2026年10月1日至2026年10月31日" in text
    assert "本期，2 家商会成立人民调解委员会，调解纠纷 4 件。" in text
    # A programme with nothing in the period is left out, not reported as "0 lectures".
    assert "普法讲座" not in text and " 0 " not in text
    numbered = {
        str(r[0]): r[1] for r in rows if r[0] and re.match(r"^[一二三四五六七八九十]、", str(r[0]))
    }
    mediation = next(text for heading, text in numbered.items() if heading.endswith("、商会调解"))
    assert "各商会人民调解委员会受理纠纷 4 件，调解成功 1 件" in mediation

    annual = client.get("/dashboard/report?year=2026&format=xlsx")
    annual_rows = _xlsx_rows(annual.data, "工作报告")
    assert annual_rows[0][0] == "民营企业法律服务年度工作报告"
    assert "调解纠纷 5 件" in "\n".join(str(c) for r in annual_rows for c in r if c)

    docx = client.get(f"/dashboard/report?month=2026-10&chamber={a.id}")
    assert docx.mimetype.endswith("document")
    document = Document(BytesIO(docx.data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "沈阳市浙江商会" in paragraphs
    assert "本期" in paragraphs and "1 家商会成立人民调解委员会" in paragraphs
    assert "受理纠纷 3 件" in paragraphs
    # Lectures are not broken down by chamber: a chamber's report leaves them out.
    assert "普法讲座" not in paragraphs
    # Chinese text in the federation's fonts (portal.core.word), not Calibri.
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == (
        "仿宋_GB2312"
    )
    assert f"report-2026-10-c{a.id}.docx" in docx.headers["Content-Disposition"]


def test_appeals_narrow_to_a_chamber_and_their_lists_follow(
    app, client, login, dummy_staff, create_chamber, create_enterprise
):
    from portal.appeals import operations

    chamber = create_chamber(name="沈阳市江苏商会")
    member = create_enterprise(chambers=[chamber])
    other = create_enterprise()
    with app.test_request_context(), clock.frozen(clock.utc(2026, 10, 14, 2)):
        ours = operations.create_referral(
            enterprise=member, summary="会员企业反映用电报装难", by=dummy_staff
        )
        theirs = operations.create_referral(
            enterprise=other, summary="别家企业反映的问题", by=dummy_staff
        )
    login(dummy_staff)
    page = client.get(f"/dashboard?month=2026-10&chamber={chamber.id}").get_data(as_text=True)
    value, link = _figure(page, "收集诉求数")
    assert value == "1"
    assert link == f"/appeals?start=2026-10-01&end=2026-10-31&chamber={chamber.id}"
    listed = client.get(link).get_data(as_text=True)
    assert ours.summary in listed and theirs.summary not in listed
    # Open items past their deadline are counted as they stand now: the chamber's open list.
    _value, overdue = _figure(page, "超期未办结诉求数")
    assert overdue == f"/appeals?status=open&chamber={chamber.id}"


def test_lectures_link_to_those_held_in_the_period_never_to_a_chamber(
    client, login, dummy_staff, create_lecture, create_chamber
):
    from datetime import timedelta

    # Mid-month: on the 1st or 2nd (Beijing) "two days ago" falls in the month before.
    with clock.frozen(MID_MONTH):
        chamber = create_chamber()
        held = create_lecture(starts_in=-timedelta(days=2), title="本月已举办的讲座")
        ahead = create_lecture(starts_in=timedelta(days=2), title="尚未举办的讲座")
        month = clock.today().strftime("%Y-%m")
        login(dummy_staff)
        page = client.get(f"/dashboard?month={month}&chamber={chamber.id}").get_data(as_text=True)
        _value, link = _figure(page, "举办讲座场次")
        assert link.startswith("/lectures?start=") and "chamber" not in link
        listed = client.get(link).get_data(as_text=True)
        library = listed.split('id="library-heading"', 1)[1].split("</section>", 1)[0]
        assert held.title in library and ahead.title not in library
        assert "筛选条件" in listed and chamber.name not in listed


def test_counsel_figures_narrow_to_a_chamber(
    client,
    login,
    dummy_staff,
    create_chamber,
    create_enterprise,
    create_counsel_group,
    create_counsel_service,
):
    # Mid-month: on the 1st (Beijing) the services logged yesterday fall in the month before.
    with clock.frozen(MID_MONTH):
        chamber = create_chamber(name="沈阳市山东商会")
        members = [create_enterprise(chambers=[chamber]) for _ in range(2)]
        ours = create_counsel_group(enterprises=members, chamber=chamber, name="山东商会顾问组")
        theirs = create_counsel_group(firms=3, name="别家顾问组")
        create_counsel_service(ours)
        create_counsel_service(theirs)
        create_counsel_service(theirs, enterprise=theirs.enterprises[1])
        month = clock.today().strftime("%Y-%m")
        login(dummy_staff)
        page = client.get(f"/dashboard?month={month}&chamber={chamber.id}").get_data(as_text=True)
        assert _figure(page, "在服务的顾问组数")[0] == "1"
        assert _figure(page, "有法律顾问的企业数")[0] == "2"
        assert _figure(page, "登记的顾问服务次数")[0] == "1"
        # The lists behind: the chamber's groups; the report of its firms' services.
        _value, groups_link = _figure(page, "在服务的顾问组数")
        groups = client.get(groups_link).get_data(as_text=True)
        assert "山东商会顾问组" in groups and "别家顾问组" not in groups
        _value, report_link = _figure(page, "登记的顾问服务次数")
        assert (
            report_link.startswith("/counsel/reports?start=")
            and f"chamber={chamber.id}" in report_link
        )
        assert "本期共 1 条服务记录。" in client.get(report_link).get_data(as_text=True)
        whole = client.get(f"/dashboard?month={month}").get_data(as_text=True)
        assert _figure(whole, "登记的顾问服务次数")[0] == "3"


def test_the_statistics_workbook_for_a_chamber_says_which_figures_are_its_own(
    client, login, dummy_staff, two_chambers
):
    a, _b, _cases = two_chambers
    login(dummy_staff)
    response = client.get(f"/dashboard/statistics.xlsx?month=2026-10&chamber={a.id}")
    assert f"statistics-2026-10-c{a.id}.xlsx" in response.headers["Content-Disposition"]
    mediation = _xlsx_rows(response.data, "商会调解")
    assert mediation[1][0] == "2026年10月1日 – 2026年10月31日"
    assert mediation[2][0] == "沈阳市浙江商会"
    assert ("调解案件数", 3) in mediation
    lectures = _xlsx_rows(response.data, "普法讲座")
    assert lectures[2][0] == "全部商会：该项数据不按商会区分。"
