"""The anonymous front page: services, search, public lists, this year's figures, footer."""

from datetime import timedelta

from knowledge.models import KnowledgeArticle
from portal.core.db import db, utcnow


def test_front_page_shows_services_search_and_site_name(client):
    page = client.get("/").get_data(as_text=True)
    assert page.count("沈阳市工商联 民营企业法律服务平台") >= 3  # title, brand, heading, footer
    for service in ("企问律答", "商会调解", "法治体检", "普法讲座", "涉企诉求", "法规库"):
        assert service in page
    assert 'action="/search"' in page and 'name="q"' in page
    assert "服务热线：" in page and "办公时间：" in page
    assert "Enterprise Legal Services" not in page


def test_site_name_comes_from_settings(app, client):
    app.config["SITE_NAME"] = "某市工商联法律服务"
    try:
        page = client.get("/account/login").get_data(as_text=True)
    finally:
        app.config["SITE_NAME"] = None
    assert "某市工商联法律服务" in page and "沈阳市工商联" not in page


def test_front_page_lists_published_answers_and_upcoming_lectures(
    client, answered_question, create_lecture
):
    article = KnowledgeArticle(
        question_id=answered_question.id,
        title="拖欠货款能否主张违约金",
        question_text="问",
        answer_text="答",
        category_id=answered_question.category_id,
        is_published=True,
        published_dt=utcnow(),
    )
    hidden = KnowledgeArticle(
        title="未公开的解答",
        question_text="问",
        answer_text="答",
        category_id=answered_question.category_id,
    )
    db.session.add_all([article, hidden])
    lecture = create_lecture(starts_in=timedelta(days=2))
    db.session.flush()
    page = client.get("/").get_data(as_text=True)
    assert "拖欠货款能否主张违约金" in page and f"/kb/{article.id}" in page
    assert "未公开的解答" not in page
    assert lecture.title in page and f"/lectures/{lecture.id}" in page
    assert "（周" in page  # the lecture time reads 2026年11月10日（周二）19:30
    assert "解答企业法律问题（件）" in page  # this year's figures


def test_logged_in_users_get_their_home_not_the_front_page(client, login, dummy_staff):
    login(dummy_staff)
    page = client.get("/").get_data(as_text=True)
    assert "服务项目" not in page
