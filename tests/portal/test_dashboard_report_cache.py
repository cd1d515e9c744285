"""The monthly and annual reports are kept a minute as documents: per period, chamber, language
and format, for staff only, with the same file names and types as when built afresh."""

from io import BytesIO

import pytest
from docx import Document
from flask import g
from openpyxl import load_workbook

from portal.core.hooks import add_stats
from portal.dashboard.operations import FIGURES_TTL
from portal.dashboard.views import DOCX, PAGE_FIGURES_TTL, REPORT_TTL, XLSX


@pytest.fixture
def lectures(app):
    """A registered statistics function whose figures narrow to a chamber: figures["held"]
    lectures in the federation, figures["by_chamber"][id] in a chamber."""
    registry = app.extensions.setdefault("portal.stats", {})
    saved = dict(registry)
    registry.clear()
    figures = {"held": 16, "by_chamber": {}}

    def count(start, end, chamber_id=None):
        if chamber_id is None:
            return {"lectures_held": figures["held"]}
        return {"lectures_held": figures["by_chamber"].get(chamber_id, 0)}

    add_stats(app, "讲座（测试）", count)
    yield figures
    registry.clear()
    registry.update(saved)


def _get(client, url):
    response = client.get(url)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return response


def _text(response) -> str:
    return "\n".join(p.text for p in Document(BytesIO(response.data)).paragraphs)


def test_a_kept_report_has_the_same_bytes_name_and_type(
    client, login, memory_cache, dummy_staff, lectures
):
    login(dummy_staff)
    for url, mimetype, name in (
        ("/dashboard/report?month=2026-11", DOCX, "report-2026-11.docx"),
        ("/dashboard/report?month=2026-11&format=xlsx", XLSX, "report-2026-11.xlsx"),
        ("/dashboard/report?year=2026", DOCX, "report-2026.docx"),
    ):
        first, kept = _get(client, url), _get(client, url)
        assert first.status_code == kept.status_code == 200
        assert first.data == kept.data
        for response in (first, kept):
            assert response.mimetype == mimetype
            assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert "举办线上普法讲座 16 场" in _text(_get(client, "/dashboard/report?month=2026-11"))
    assert "年度" in _text(_get(client, "/dashboard/report?year=2026"))
    book = load_workbook(BytesIO(_get(client, "/dashboard/report?month=2026-11&format=xlsx").data))
    assert book.sheetnames[0] == "工作报告"


def test_a_kept_report_does_not_cross_chambers_or_languages(
    app, login, memory_cache, create_user, create_chamber, lectures
):
    first, second = create_chamber(name="甲商会"), create_chamber(name="乙商会")
    lectures["by_chamber"] = {first.id: 16, second.id: 7}
    chinese = login(create_user(role="staff", locale="zh_CN"), app.test_client())
    english = login(create_user(role="staff", locale="en"), app.test_client())
    for _ in range(2):  # the second downloads read what the first kept
        mine = _text(_get(chinese, f"/dashboard/report?month=2026-11&chamber={first.id}"))
        theirs = _text(_get(chinese, f"/dashboard/report?month=2026-11&chamber={second.id}"))
        whole = _text(_get(chinese, "/dashboard/report?month=2026-11"))
        assert "甲商会" in mine and "16 场" in mine and "乙商会" not in mine
        assert "乙商会" in theirs and "7 场" in theirs and "甲商会" not in theirs
        assert "甲商会" not in whole and "乙商会" not in whole
        assert "月度工作报告" in whole
        in_english = _text(_get(english, "/dashboard/report?month=2026-11"))
        assert "Monthly report on legal services for private firms" in in_english
        assert "月度工作报告" not in in_english


def test_a_kept_report_is_still_for_staff_only(
    app, login, memory_cache, dummy_staff, dummy_enterprise_user, create_lawyer, lectures
):
    url = "/dashboard/report?month=2026-11"
    assert _get(login(dummy_staff, app.test_client()), url).status_code == 200
    for outsider in (dummy_enterprise_user, create_lawyer()):
        client = login(outsider, app.test_client())
        assert _get(client, url).status_code == 403
        assert _get(client, f"{url}&format=xlsx").status_code == 403
    assert _get(app.test_client(), url).status_code == 302  # to the login page


def test_a_changed_figure_shows_in_the_report_within_its_time(
    client, login, memory_cache, later, dummy_staff, lectures
):
    login(dummy_staff)
    url = "/dashboard/report?month=2026-11"
    assert "16 场" in _text(_get(client, url))
    lectures["held"] = 20
    assert "16 场" in _text(_get(client, url))  # kept
    later(FIGURES_TTL + REPORT_TTL + 1)
    assert "20 场" in _text(_get(client, url))


def test_a_report_with_a_failing_section_is_not_kept(
    app, client, login, memory_cache, dummy_staff, lectures
):
    failing = [True]

    def sometimes(start, end):
        if failing[0]:
            raise ZeroDivisionError
        return {"collected": 9, "resolved": 4}

    add_stats(app, "诉求（测试）", sometimes)
    login(dummy_staff)
    url = "/dashboard/report?month=2026-11"
    assert "收集企业诉求" not in _text(_get(client, url))
    failing[0] = False
    assert "收集企业诉求 9 件" in _text(_get(client, url))  # built again, not the one kept


def test_the_statistics_page_keeps_its_figures_per_chamber_and_language(
    app, login, memory_cache, later, create_user, create_chamber, lectures
):
    first, second = create_chamber(name="甲商会"), create_chamber(name="乙商会")
    lectures["by_chamber"] = {first.id: 16, second.id: 7}
    chinese = login(create_user(role="staff", locale="zh_CN"), app.test_client())
    english = login(create_user(role="staff", locale="en"), app.test_client())

    def figure(client, query=""):
        page = _get(client, f"/dashboard?month=2026-11{query}").get_data(as_text=True)
        return page[page.index("讲座（测试）") :]

    for _ in range(2):  # the second views read what the first kept
        assert '">16<span class="visually-hidden">' in figure(chinese, f"&chamber={first.id}")
        assert '">7<span class="visually-hidden">' in figure(chinese, f"&chamber={second.id}")
        assert "举办讲座" in figure(chinese) and "Lectures held" in figure(english)
    lectures["held"] = 20
    assert '">16<span class="visually-hidden">' in figure(chinese)  # kept
    later(FIGURES_TTL + PAGE_FIGURES_TTL + 1)
    assert '">20<span class="visually-hidden">' in figure(chinese)
