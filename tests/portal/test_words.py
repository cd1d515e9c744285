"""Words a Chinese office would write: no raw codes, one meaning per English source string."""

import re
from collections import defaultdict

from babel.messages.pofile import read_po

from mediation.documents.context import _dispute
from portal.audit.operations import log
from portal.core.i18n import ROOT, TRANSLATION_AREAS
from portal.core.links import relation_label


def test_each_english_string_has_one_chinese_translation_across_areas():
    """The catalogs are merged at run time (the last area wins), so a string translated two
    ways shows one area's word on another's page ("即将开讲" on the check-ups list)."""
    seen = defaultdict(dict)
    for area in TRANSLATION_AREAS:
        with (ROOT / area / "translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as f:
            for message in read_po(f):
                if message.id and message.string and isinstance(message.id, str):
                    seen[message.id][area] = message.string
    different = {msgid: areas for msgid, areas in seen.items() if len(set(areas.values())) > 1}
    assert not different, different


def test_audit_log_shows_readable_actions_and_record_types(client, login, dummy_staff):
    log("case.view", None, by=dummy_staff, object_type="mediation_cases", object_id=3)
    log(
        "mediation_case.accepted",
        None,
        by=dummy_staff,
        object_type="mediation_cases",
        object_id=3,
        summary="applied -> accepted",
    )
    login(dummy_staff)
    page = client.get("/staff/audit").get_data(as_text=True)
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "调解案件 · 查看" in table and "调解案件 · 受理" in table
    assert ">mediation_cases" not in table and ">case.view<" not in table
    assert "申请 → 受理" in table and "applied -> accepted" not in table
    options = page[page.index('id="object_type"') : page.index("</select>")]
    assert ">调解案件</option>" in options and 'value="mediation_cases"' in options


def test_linked_records_say_what_happened(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert relation_label("escalated_to_appeal", outgoing=True) == "升级为"
        assert relation_label("escalated_to_mediation", outgoing=False) == "升级自"
        assert relation_label("follow_up_question", outgoing=True) == "后续处理"
        assert relation_label("something_new", outgoing=True) == "关联记录"


def test_generated_sentences_name_the_dispute_once():
    assert _dispute("货款纠纷（沈阳甲有限公司诉沈阳乙有限公司）") == "货款纠纷"
    assert _dispute("与沈阳乙有限公司的货款") == "货款纠纷"
    assert _dispute("劳动报酬") == "劳动报酬纠纷"
    assert _dispute("买卖合同争议") == "买卖合同争议"


def test_dates_read_the_way_a_chinese_office_writes_them(app):
    from flask_babel import force_locale

    from portal.core import clock
    from portal.core.i18n import format_day, format_moment

    moment = clock.utc(2026, 11, 10, 11, 30)  # UTC; 19:30 in Shanghai
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert format_moment(moment, "long") == "2026年11月10日（周二）19:30"
        assert format_moment(moment) == "2026年11月10日 19:30"
        assert format_day(moment.date(), "long") == "2026年11月10日（周二）"
    with app.test_request_context(), force_locale("en"):
        assert format_moment(moment, "long") == "Tue 10 Nov 2026, 19:30"


def test_status_and_filter_words(app):
    from flask_babel import gettext

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert gettext("Applied") == "待受理"  # a case's status, not a date label
        assert gettext("Applied on") == "申请日期"
        assert gettext("Upcoming") == "即将开始"  # fits check-ups and lectures alike
        assert gettext("Search") == "搜索"


def test_a_new_mediation_case_reads_as_waiting_to_be_accepted(
    client, login, create_committee, create_case
):
    case = create_case(create_committee())
    login(case.applicant_user)
    page = client.get(f"/mediation/cases/{case.id}", headers={"Accept-Language": "zh-CN"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "待受理" in text


def test_the_check_up_list_filter_speaks_of_check_ups_not_lectures(client, login, dummy_staff):
    login(dummy_staff)
    page = client.get("/checkups", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "即将开始" in page and "即将开讲" not in page


def test_search_is_called_search_everywhere():
    """搜索/检索, never 查找 (a word for looking something up in a drawer)."""
    found = []
    for area in TRANSLATION_AREAS:
        with (ROOT / area / "translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as f:
            found += [m.id for m in read_po(f) if isinstance(m.string, str) and "查找" in m.string]
    assert found == []


def test_audit_log_reads_question_steps_and_follow_up_targets(
    client, login, dummy_staff, create_question
):
    question = create_question()
    log("question.pool", question, by=dummy_staff, summary="submitted -> pool: 拖欠货款怎么办")
    log("question.submitted", question, by=dummy_staff, summary="draft -> submitted: 拖欠货款")
    log("checkups.follow_up", question, by=dummy_staff, summary="mediation")
    login(dummy_staff)
    page = client.get("/staff/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "提交 → 进入待认领池: 拖欠货款怎么办" in table
    assert "草稿 → 提交: 拖欠货款" in table
    assert "submitted -> pool" not in table and "draft -> submitted" not in table
    assert ">mediation<" not in table and ">商会调解<" in table


def test_a_firm_confirming_a_counsel_service_is_told_what_it_means(
    client, login, dummy_counsel_service, firm_user_of
):
    service = dummy_counsel_service
    login(firm_user_of(service.enterprise))
    response = client.post(
        f"/counsel/services/{service.id}/status",
        data={"to": "confirmed"},
        headers={"Accept-Language": "zh-CN"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    alerts = re.findall(r'class="alert[^"]*" role="status">([^<]*)<', page)
    assert any("确认" in alert and "服务记录" in alert for alert in alerts), alerts
    assert "已保存。" not in alerts


def test_every_action_the_code_logs_has_a_readable_name():
    """Each `log("noun.verb", ...)` in the code base: both halves are in the audit log's words
    (a new action otherwise shows as "appeal_plan · milestone_done")."""
    from portal.audit.labels import NOUNS, VERBS

    action = re.compile(r'\blog\(\s*f?"([a-z_]+)\.([a-z_{}]+)"')
    missing = set()
    for path in ROOT.glob("**/*.py"):
        if {".venv", "tests", "node_modules"} & set(path.relative_to(ROOT).parts):
            continue
        for noun, verb in action.findall(path.read_text(encoding="utf-8")):
            if noun not in NOUNS:
                missing.add(noun)
            if "{" not in verb and verb not in VERBS:
                missing.add(verb)
    assert missing == set()


def test_record_types_seen_in_the_demo_have_names(app):
    from portal.audit.labels import record_type_label

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert record_type_label("calendar_days") == "工作日历"
        assert record_type_label("lawyer_conflicts") == "利益冲突申报"
