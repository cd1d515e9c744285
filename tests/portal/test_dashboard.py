"""The staff statistics page: every registered function's figures for a period, and XLSX."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal.core import clock
from portal.core.hooks import add_stats
from portal.dashboard.periods import Period, month_bounds


@pytest.fixture
def stats_registry(app):
    """Lets a test register statistics functions; restores the registry afterwards."""
    registry = app.extensions.setdefault("portal.stats", {})
    saved = dict(registry)
    yield lambda name, fn: add_stats(app, name, fn)
    registry.clear()
    registry.update(saved)


def test_statistics_are_for_staff_only(client, login, dummy_enterprise_user):
    assert client.get("/dashboard").status_code == 302
    login(dummy_enterprise_user)
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/statistics.xlsx").status_code == 403
    assert "/dashboard" not in client.get("/").get_data(as_text=True)


def test_each_registered_function_gets_the_period_and_shows_as_a_titled_table(
    client, login, dummy_staff, stats_registry
):
    calls = []

    def mediation(start, end):
        calls.append((start, end))
        return {"受理案件": 12, "调解成功率": "75%", "按类别": {"合同纠纷": 7, "劳动争议": 5}}

    stats_registry("人民调解", mediation)
    login(dummy_staff)
    page = client.get("/dashboard?month=2026-10").get_data(as_text=True)
    # October 2026 in Shanghai: from 30 Sep 16:00 UTC to 31 Oct 16:00 UTC.
    assert calls == [(clock.utc(2026, 9, 30, 16), clock.utc(2026, 10, 31, 16))]
    assert "<h2" in page and "人民调解" in page
    for text in ("受理案件", "12", "75%", "按类别 · 合同纠纷", "按类别 · 劳动争议"):
        assert text in page


def test_the_house_reports_registrations_in_the_period(
    client, login, dummy_staff, create_enterprise
):
    create_enterprise(created_dt=clock.utc(2026, 3, 10, 2), industry="E")
    create_enterprise(created_dt=clock.utc(2026, 4, 10, 2))
    login(dummy_staff)
    page = client.get("/dashboard?start=2026-03-01&end=2026-03-31").get_data(as_text=True)
    assert "账户与注册" in page
    assert "E 建筑业" in page and "C 制造业" not in page


def test_a_failing_function_is_reported_without_hiding_the_others(
    client, login, dummy_staff, stats_registry
):
    def broken(start, end):
        raise ZeroDivisionError

    stats_registry("坏的统计", broken)
    stats_registry("好的统计", lambda start, end: {"讲座": 3})
    login(dummy_staff)
    response = client.get("/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "无法计算" in page and "讲座" in page


@pytest.mark.parametrize(
    "query",
    ["month=2026-13", "start=2026-05-01", "start=2026-05-02&end=2026-05-01", "start=x&end=y"],
)
def test_a_bad_period_is_a_field_error_and_the_current_month_is_shown(
    client, login, dummy_staff, query
):
    login(dummy_staff)
    response = client.get(f"/dashboard?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "invalid-feedback" in page


def test_export_has_one_sheet_per_statistics_function(client, login, dummy_staff, stats_registry):
    stats_registry("法律咨询", lambda start, end: {"问题数": 40, "已回答": 38})
    stats_registry("法律咨询/按月?", lambda start, end: {"十月": 40})
    login(dummy_staff)
    response = client.get("/dashboard/statistics.xlsx?month=2026-10")
    assert response.status_code == 200
    assert "statistics-2026-10.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.data))
    assert "法律咨询" in workbook.sheetnames and "法律咨询 按月" in workbook.sheetnames
    rows = list(workbook["法律咨询"].iter_rows(values_only=True))
    assert rows[0][0] == "法律咨询"
    assert rows[1][0] == "2026年10月1日 – 2026年10月31日"  # written as the reports write it
    assert ("问题数", 40) in rows and ("已回答", 38) in rows


def test_periods_cover_whole_local_days():
    period = Period(*month_bounds(date(2026, 2, 11)))
    assert (period.first, period.last) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period.start == clock.utc(2026, 1, 31, 16) and period.end == clock.utc(2026, 2, 28, 16)
    assert Period(date(2026, 2, 3), date(2026, 2, 9)).slug == "2026-02-03_2026-02-09"


def test_the_real_registry_renders_in_chinese_without_raw_keys_lists_or_english(
    client, login, dummy_staff
):
    import re

    login(dummy_staff)
    page = client.get("/dashboard?month=2026-11").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    assert "无法计算" not in text  # no package failed or was refused
    for title in ("企问律答", "商会调解", "普法讲座", "法治体检", "涉企诉求"):
        assert title in text
    english = set(re.findall(r"[A-Za-z_]{3,}", text)) - {"Excel", "XLSX", "DOCX"}
    assert not english, english
    assert "[" not in text and "(&#39;" not in text
    # A figure links to the list behind it, narrowed to the same period.
    assert 'href="/mediation/overdue?start=2026-11-01&amp;end=2026-11-30"' in main


def test_add_stats_refuses_raw_titles_and_raw_keys(app, client, login, dummy_staff, stats_registry):
    from portal.core.stats import Figure, StatisticsError

    with pytest.raises(StatisticsError):
        stats_registry("my_package", lambda start, end: {})
    stats_registry("调解（测试）", lambda start, end: {"unknown_code": 3})
    stats_registry("讲座（测试）", lambda start, end: [Figure("举办场次（测试）", 4, "/lectures")])
    stats_registry("列表（测试）", lambda start, end: {"名单": [1, 2]})
    login(dummy_staff)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "unknown_code" not in page
    assert page.count("无法计算") >= 2  # the raw key and the list are refused, each on its own
    assert '<a href="/lectures">4' in page


def test_monthly_and_annual_reports_read_like_the_federations(
    client, login, dummy_staff, stats_registry
):
    from docx import Document

    login(dummy_staff)
    stats_registry(
        "讲座（测试）",
        lambda start, end: {"lectures_held": 16, "attendance": 420, "replays_viewed": 900},
    )
    stats_registry(
        "咨询（测试）",
        lambda start, end: {"asked": 120, "answered": 110, "enterprises_answered": 100},
    )
    response = client.get("/dashboard/report?month=2026-11")
    assert response.status_code == 200 and response.mimetype.endswith("document")
    text = "\n".join(p.text for p in Document(BytesIO(response.data)).paragraphs)
    assert "民营企业法律服务月度工作报告" in text
    assert "举办线上普法讲座 16 场" in text
    assert "为约 100 家企业解答法律问题" in text
    assert "2026年11月1日至2026年11月30日" in text
    annual = client.get("/dashboard/report?year=2026")
    assert "年度工作报告" in "\n".join(p.text for p in Document(BytesIO(annual.data)).paragraphs)
    sheet = client.get("/dashboard/report?year=2026&format=xlsx")
    assert load_workbook(BytesIO(sheet.data)).sheetnames
    assert client.get("/dashboard/report?year=99999").status_code == 400


def test_dashboard_shows_monthly_trends_as_svg_charts(client, login, dummy_staff):
    login(dummy_staff)
    page = client.get("/dashboard?month=2026-11").get_data(as_text=True)
    assert "逐月趋势" in page
    assert page.count('<svg class="trend-chart"') >= 3
    assert 'role="img" aria-label="解答企业法律问题（件）"' in page
    assert page.count("<rect") >= 36  # twelve months for each figure
    assert "2026-11" in page and "2025-12" in page


def test_rates_and_averages_link_to_the_list_they_are_computed_over(client, login, dummy_staff):
    from portal.dashboard.labels import KEY_LABELS

    # Every figure of the real registry has a list behind it.
    assert all(entry[1] for entry in KEY_LABELS.values()), [
        key for key, entry in KEY_LABELS.items() if not entry[1]
    ]
    login(dummy_staff)
    page = client.get("/dashboard?month=2026-11").get_data(as_text=True)
    answered = "/questions/staff/all?by=answered&amp;start=2026-11-01&amp;end=2026-11-30"
    assert page.count(f'href="{answered}"') >= 2  # answered, and the median or the share


def test_with_a_shared_cache_a_section_is_computed_once_per_period_and_language(
    client, login, dummy_staff, stats_registry, memory_cache
):
    calls, failures = [], []

    def counted(start, end):
        calls.append((start, end))
        return {"受理案件": 12, "调解成功率": 75.5, "按类别": {"合同纠纷": 7}}

    def broken(start, end):
        failures.append(1)
        raise ZeroDivisionError

    stats_registry("人民调解", counted)
    stats_registry("坏的统计", broken)
    login(dummy_staff)
    client.get("/")  # the welcome message
    first = client.get("/dashboard?month=2026-10").get_data(as_text=True)
    again = client.get("/dashboard?month=2026-10").get_data(as_text=True)
    client.get("/dashboard/statistics.xlsx?month=2026-10")
    assert len(calls) == 1 and len(failures) == 3  # a failing section is never kept
    assert first == again and "75.5" in again and "按类别 · 合同纠纷" in again
    client.get("/dashboard?month=2026-09")
    assert len(calls) == 2  # another period, its own entry
