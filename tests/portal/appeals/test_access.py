"""Route walks: a department handler sees and changes only its own items, a firm only its own."""

import pytest

from portal.appeals.models import AppealStatus
from portal.core.db import db

POSTS = {
    "triage": {"category": "other", "tier": "1", "tier_reason": "x", "route": "direct"},
    "merge": {"into": 1},
    "step": {"to": "handled", "organisation": 0, "result": "改动"},
    "status": {"to": "accepted", "organisation": 0},
    "progress": {"note": "改动"},
    "evaluate": {"timeliness": "5", "result": "5", "attitude": "5", "satisfied": "yes"},
    "revisit": {"satisfied": "yes"},
    "close": {"note": "x"},
    "register": {"category": "other", "register_ref": "X-1"},
    "plan": {"principles": "x", "direction": "y", "lead": 1, "deadline": "2026-12-31"},
    "plan/milestones": {"title": "x", "due_date": "2026-12-31"},
}


def _item_urls(app, item_id):
    """Every GET URL of the blueprint that takes an item id (the route walk)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint.startswith("appeals.")
            and "GET" in rule.methods
            and set(rule.arguments) == {"referral_id"}
        ):
            urls.append(rule.rule.replace("<int:referral_id>", str(item_id)))
    return urls


def _snapshot(item):
    db.session.refresh(item)
    return (item.status, item.result, item.register_ref, item.tier, len(item.events),
            item.organisation_id)  # fmt: skip


@pytest.fixture
def two_departments(walk, create_appeal_referral, create_handler):
    mine, theirs = create_appeal_referral(), create_appeal_referral()
    handler = walk(mine, AppealStatus.accepted)
    other = walk(theirs, AppealStatus.accepted)
    return handler, mine, other, theirs


def test_department_handler_sees_and_changes_only_its_own_items(
    app, client, login, two_departments
):
    handler, mine, _other, theirs = two_departments
    login(handler)
    urls = _item_urls(app, theirs.id)
    assert len(urls) >= 2
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    before = _snapshot(theirs)
    for action, data in POSTS.items():
        response = client.post(f"/appeals/{theirs.id}/{action}", data=data)
        assert response.status_code in (403, 404), action
    assert _snapshot(theirs) == before
    listing = client.get("/appeals").get_data(as_text=True)
    assert f'/appeals/{mine.id}"' in listing and f'/appeals/{theirs.id}"' not in listing
    assert client.get(f"/appeals/{mine.id}").status_code == 200
    # and its own item it may move on
    response = client.post(f"/appeals/{mine.id}/step", data=POSTS["step"])
    assert response.status_code == 302 and mine.status == AppealStatus.handled
    for url in ("/appeals/ledger", "/appeals/organisations", "/appeals/meetings", "/appeals/new"):
        assert client.get(url).status_code == 403, url


def test_firm_sees_only_its_own_items(
    app, client, login, create_appeal_referral, create_enterprise_user
):
    mine, theirs = create_appeal_referral(), create_appeal_referral()
    login(create_enterprise_user(enterprise=mine.enterprise))
    for url in _item_urls(app, theirs.id):
        assert client.get(url).status_code in (403, 404), url
    before = _snapshot(theirs)
    for action, data in POSTS.items():
        assert client.post(f"/appeals/{theirs.id}/{action}", data=data).status_code in (403, 404)
    assert _snapshot(theirs) == before
    listing = client.get("/appeals").get_data(as_text=True)
    assert mine.summary in listing and f'/appeals/{theirs.id}"' not in listing
    assert client.get(f"/appeals/{mine.id}").status_code == 200
    # the firm cannot move its own item on either, except by evaluating it
    assert client.post(f"/appeals/{mine.id}/triage", data=POSTS["triage"]).status_code == 403
    assert mine.status == AppealStatus.referred


def test_leadership_reads_tier_two_and_three_only(
    app, login, walk, create_appeal_referral, leadership_user
):
    hard, easy = create_appeal_referral(), create_appeal_referral()
    walk(hard, AppealStatus.distributed, tier=2)
    walk(easy, AppealStatus.distributed, tier=1)
    client = login(leadership_user, app.test_client())
    assert client.get(f"/appeals/{hard.id}").status_code == 200
    assert client.get(f"/appeals/{easy.id}").status_code == 403
    assert client.get("/appeals/ledger").status_code == 200
    assert client.post(f"/appeals/{hard.id}/step", data=POSTS["step"]).status_code == 403
    assert hard.status == AppealStatus.distributed


def test_pages_render_for_each_role(
    app, login, walk, dummy_appeal_referral, dummy_staff, bureau_user, leadership_user,
    create_enterprise_user,
):  # fmt: skip
    handler = walk(dummy_appeal_referral, AppealStatus.accepted, tier=2)
    people = [dummy_staff, bureau_user, leadership_user, handler,
              create_enterprise_user(enterprise=dummy_appeal_referral.enterprise)]  # fmt: skip
    for user in people:
        client = login(user, app.test_client())
        for url in ("/appeals", "/", f"/appeals/{dummy_appeal_referral.id}", "/appeals/submit"):
            assert client.get(url).status_code == 200, (user.role, url)
    staff = login(dummy_staff, app.test_client())
    for url in (
        "/appeals/new",
        "/appeals/ledger",
        "/appeals/organisations",
        "/appeals/meetings",
        "/appeals/meetings/new",
        f"/appeals/{dummy_appeal_referral.id}/plan",
        "/appeals/ledger?month=bad",
        "/appeals/ledger?start=2026-01-01&end=2026-12-31",
    ):
        assert staff.get(url).status_code == 200, url  # fmt: skip


def test_search_check_lets_through_only_the_pages_that_open(
    create_appeal_referral, create_enterprise_user
):
    from portal.appeals.search import referrals_allowed

    mine, theirs = create_appeal_referral(), create_appeal_referral()
    acting = create_enterprise_user(enterprise=mine.enterprise)
    gone = create_enterprise_user(enterprise=mine.enterprise, is_deactivated=True)
    assert referrals_allowed(acting, [mine.id, str(theirs.id)]) == {mine.id}
    assert referrals_allowed(gone, [mine.id, theirs.id]) == set()


def test_each_reader_of_the_shared_list_statement_sees_only_their_own_items(
    app, login, walk, create_appeal_referral, create_enterprise_user, create_lawyer
):
    """The list's statements are built once per filter and reader kind, the reader's department,
    firm or own id a parameter: readers of one kind in turn each get only theirs, with and
    without a period, and a filter by status keeps the rule."""
    from portal.core import clock

    ours, theirs = (
        create_appeal_referral(summary="甲诉求"),
        create_appeal_referral(summary="乙诉求"),
    )
    our_handler = walk(ours, AppealStatus.accepted)
    their_handler = walk(theirs, AppealStatus.accepted)
    lawyer = create_lawyer()
    recorded = create_appeal_referral(summary="律师诉求", by=lawyer)
    today = clock.today().isoformat()
    cases = [
        (our_handler, ours, (theirs, recorded)),
        (their_handler, theirs, (ours, recorded)),
        (create_enterprise_user(enterprise=ours.enterprise), ours, (theirs, recorded)),
        (create_enterprise_user(enterprise=theirs.enterprise), theirs, (ours, recorded)),
        (lawyer, recorded, (ours, theirs)),
    ]
    for reader, own, others in cases:
        client = login(reader, app.test_client())
        for query in ("", "?status=accepted", f"?start={today}&end={today}"):
            listing = client.get(f"/appeals{query}").get_data(as_text=True)
            if own.status == AppealStatus.accepted or "status" not in query:
                assert f'/appeals/{own.id}"' in listing, (reader.role, query)
            for other in others:
                assert f'/appeals/{other.id}"' not in listing, (reader.role, query)
