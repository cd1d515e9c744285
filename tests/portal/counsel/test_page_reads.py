"""What the counsel lists and group page read: plain rows, a fixed number of statements, the
"ending soon" reminder kept briefly and dropped when a group changes."""

from datetime import timedelta

from flask import g

from portal.core import clock
from portal.core.db import db
from portal.counsel import operations
from portal.counsel.reports import groups_ending_soon
from tests.fixtures.queries import counted_statements


def _ending_in_a_request(app):
    with app.test_request_context("/"):
        ending = groups_ending_soon()
        g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return [(group.id, group.name, group.end_date) for group in ending]


def test_a_group_ended_leaves_the_ending_soon_reminder_at_once_despite_the_cache(
    app, memory_cache, dummy_staff, create_counsel_group
):
    soon = clock.today() + timedelta(days=10)
    group = create_counsel_group(name="即将到期组", end_date=soon)
    create_counsel_group(name="明年到期组")
    db.session.commit()
    key = f"counsel:ending:{clock.today().isoformat()}"
    assert _ending_in_a_request(app) == [(group.id, "即将到期组", soon)]
    assert memory_cache.get(key) is not None  # kept for the next views
    with app.test_request_context("/"):
        operations.end_group(group, by=dummy_staff)
        db.session.commit()
    assert memory_cache.get(key) is None  # dropped once the change was committed
    assert _ending_in_a_request(app) == []


def test_staff_list_counts_current_firms_and_names_current_counsel(
    app, login, dummy_staff, create_counsel_group, create_lawyer
):
    lawyer = create_lawyer(name="顾问甲")
    group = create_counsel_group(firms=3, counsel=[lawyer], name="计数组")
    with app.test_request_context("/"):
        operations.remove_member(group, group.memberships[0], by=dummy_staff)
    db.session.commit()
    page = login(dummy_staff).get("/counsel?status=all").get_data(as_text=True)
    row = page[page.index("计数组") :]
    row = row[: row.index("</tr>")]
    assert "<td>2</td>" in row and "<td>顾问甲</td>" in row


def test_group_page_reads_as_many_statements_for_forty_services_as_for_one(
    app, login, dummy_staff, create_counsel_group, create_counsel_service
):
    group = create_counsel_group(firms=5, lawyers=2)
    firms, url = group.enterprises, f"/counsel/groups/{group.id}"
    create_counsel_service(group)
    db.session.commit()
    client = login(dummy_staff)

    def statements():
        client.get(url)  # the session's and caches' first reads, the same for both
        with counted_statements() as sent:
            page = client.get(url).get_data(as_text=True)
        return sent, page

    one, _page = statements()
    for n in range(39):
        create_counsel_service(group, enterprise=firms[n % 5], minutes=n + 1)
    db.session.commit()
    forty, page = statements()
    assert len(forty) == len(one), "\n".join(s[:150] for s in forty)
    assert page.count("/counsel/services/") == 40
    assert all(firm.name in page for firm in firms)


def test_a_member_firm_sees_only_its_own_services_on_the_group_page(
    app, login, create_counsel_group, create_counsel_service, firm_user_of
):
    group = create_counsel_group(firms=2, lawyers=1)
    ours, theirs = group.enterprises
    mine = create_counsel_service(group, enterprise=ours)
    other = create_counsel_service(group, enterprise=theirs)
    db.session.commit()
    page = login(firm_user_of(ours)).get(f"/counsel/groups/{group.id}").get_data(as_text=True)
    assert f"/counsel/services/{mine.id}" in page
    assert f"/counsel/services/{other.id}" not in page
