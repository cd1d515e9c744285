"""Home pages by role: the house's cards and an honest empty state."""

import re

import pytest
from flask_babel import lazy_gettext as _l

from mediation.models import MemberRole
from portal.accounts.models import Role, Verification
from portal.core.hooks import add_home_section


def test_staff_home_counts_pending_registrations_and_links_to_them(
    client, login, dummy_staff, create_enterprise_user
):
    waiting = [create_enterprise_user(verification=Verification.pending) for _ in range(3)]
    login(dummy_staff)
    page = client.get("/").get_data(as_text=True)
    assert "待审核的注册" in page
    assert '<p class="display-6 mb-2 card-stat">' in page
    assert "/account/staff/users?status=pending" in page
    for user in waiting:
        assert f"/account/staff/users/{user.id}" in page
    assert "目前没有需要您处理的事项" not in page


def test_staff_home_says_so_when_nothing_waits(client, login, dummy_staff, db_session):
    from sqlalchemy import update

    from portal.accounts.models import User

    db_session.execute(update(User).values(verification=Verification.verified))
    login(dummy_staff)
    page = client.get("/").get_data(as_text=True)
    assert "没有待审核的注册" in page and "目前没有需要您处理的事项" in page


@pytest.mark.parametrize(
    ("role", "text"),
    [
        (Role.enterprise, "您向律师提出的咨询"),
        (Role.mediator, "调解委员会的调解案件"),
    ],
)
def test_each_role_gets_an_honest_empty_state(
    client, login, create_user, create_enterprise, role, text
):
    extra = {"enterprise": create_enterprise()} if role == Role.enterprise else {}
    login(create_user(role, **extra))
    page = client.get("/").get_data(as_text=True)
    assert "目前没有需要您处理的事项" in page and text in page
    assert "待审核的注册" not in page


def test_lawyer_home_reminds_of_conflicts_but_stays_quiet(client, login, dummy_lawyer):
    login(dummy_lawyer)
    page = client.get("/").get_data(as_text=True)
    assert "利益冲突回避企业" in page and "/account/profile#conflicts" in page
    assert "分配给您的咨询" in page


def test_sections_registered_by_packages_appear_for_the_users_they_concern(
    app, client, login, dummy_enterprise_user, dummy_staff
):
    def my_cases(user):
        if user.role != Role.enterprise:
            return None
        return {"title": str(_l("Saved.")), "items": [("案件一", "/cases/1")], "empty": ""}

    sections = app.extensions["portal.home_sections"]
    saved = list(sections)
    add_home_section(app, my_cases, order=20)
    try:
        login(dummy_enterprise_user)
        page = client.get("/").get_data(as_text=True)
        assert "案件一" in page and "目前没有需要您处理的事项" not in page
        client.post("/account/logout")
        login(dummy_staff)
        assert "案件一" not in client.get("/").get_data(as_text=True)
    finally:
        sections[:] = saved


def test_anonymous_home_invites_to_register_or_log_in(client):
    page = client.get("/").get_data(as_text=True)
    assert "/account/register" in page and "/account/login" in page


def test_home_puts_what_needs_the_user_now_before_everything_else(
    app, client, login, dummy_enterprise_user
):
    def background(user):
        return {"title": "背景资料卡", "items": [("资料", "/a")], "reference": True}

    def due(user):
        return {"title": "待办事项卡", "count": 2, "items": [("待办一", "/b")]}

    sections = app.extensions["portal.home_sections"]
    saved = list(sections)
    add_home_section(app, background, order=1)
    add_home_section(app, due, order=99)
    try:
        login(dummy_enterprise_user)
        page = client.get("/").get_data(as_text=True)
    finally:
        sections[:] = saved
    assert page.index("待您处理") < page.index("待办事项卡") < page.index("其他事项")
    assert page.index("其他事项") < page.index("背景资料卡")


def test_staff_navigation_is_grouped_by_task_and_marks_the_current_section(
    client, login, dummy_staff
):
    login(dummy_staff)
    page = client.get("/staff/audit").get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    groups = re.findall(r'<summary class="site-link[^"]*">([^<]+)', header)
    singles = re.findall(r'<li class="nav-group-single"><a[^>]*>([^<]+)', header)
    assert "服务" in groups and "调解" in groups and "设置" in groups
    assert len(groups) + len(singles) <= 7  # no 17 flat items
    # The menu and its groups are <details>: they open without JavaScript.
    assert '<details class="site-menu"' in header and "<summary" in header
    current = re.findall(r'<a class="site-link active" aria-current="page" href="([^"]+)"', header)
    assert current == ["/staff/audit"]
    assert "（当前栏目）" in header


def test_enterprise_navigation_has_no_staff_groups(client, login, dummy_enterprise_user):
    login(dummy_enterprise_user)
    header = client.get("/").get_data(as_text=True).split("</header>")[0]
    assert "/staff/audit" not in header and "/dashboard" not in header
    assert "/kb" in header


def test_a_mediators_home_lists_their_cases_with_the_day_each_is_due(
    client, login, create_committee, create_mediator, create_case
):
    from mediation.models import CaseStatus
    from portal.core import clock

    committee = create_committee()
    create_mediator(committee, role=MemberRole.director)
    mediator = create_mediator(committee)
    case = create_case(committee, status=CaseStatus.in_mediation, mediator_member=mediator)
    case.due_dt = clock.utc(2026, 12, 10, 4, 0)  # noon in Shenyang
    login(mediator.user)
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    first = page[page.index("待您处理") : page.index("</section>", page.index("待您处理"))]
    assert case.title in first and "期限 2026年12月10日" in first


@pytest.mark.parametrize(
    ("role", "words"),
    [
        (Role.department_handler, "交由您办理的涉企诉求"),
        (Role.leadership, "提请市领导协调的诉求"),
    ],
)
def test_appeal_roles_are_told_what_their_home_will_list(client, login, create_user, role, words):
    login(create_user(role))
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert words in page and "工商联工作人员处理的事项" not in page
