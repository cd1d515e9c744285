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


def test_group_page_reads_its_group_seats_terms_services_requests_and_links_in_few_statements(
    app, login, memory_cache, dummy_staff, create_counsel_group, create_counsel_service
):
    group = create_counsel_group(firms=5, lawyers=2)
    create_counsel_service(group)
    db.session.commit()
    client, url = login(dummy_staff), f"/counsel/groups/{group.id}"
    client.get(url)  # the session's and caches' first reads
    with counted_statements() as sent:
        assert client.get(url).status_code == 200
    # The account, the group, its firms, counsel and terms (one statement), services, requests
    # and links (the lawyers' list and the unread count kept in the short cache); one more as a
    # margin. It was 8 before they were read as plain rows, the seats and terms in one.
    assert len(sent) <= 7, "\n".join(s[:150] for s in sent)
    assert sum("FROM counsel_memberships" in s for s in sent) == 1
    assert sum("FROM counsel_lawyer_seats" in s for s in sent) == 1


def test_group_page_shows_former_seats_and_terms_and_offers_remove_only_for_current_ones(
    app, login, dummy_staff, create_counsel_group, create_lawyer
):
    lawyers = [create_lawyer(name="留任律师"), create_lawyer(name="离任律师")]
    group = create_counsel_group(firms=2, counsel=lawyers)
    staying, leaving = group.current_members
    stays, leaves = group.current_lawyer_seats
    with app.test_request_context("/"):
        operations.remove_member(group, leaving, by=dummy_staff)
        operations.remove_lawyer(group, leaves, by=dummy_staff)
        new_start = group.end_date + timedelta(days=1)
        operations.renew_group(
            group, start_date=new_start, end_date=new_start + timedelta(days=30), by=dummy_staff
        )
    db.session.commit()
    page = login(dummy_staff).get(f"/counsel/groups/{group.id}").get_data(as_text=True)
    assert f"/members/{staying.id}/remove" in page and f"/members/{leaving.id}/remove" not in page
    assert f"/lawyers/{stays.id}/remove" in page and f"/lawyers/{leaves.id}/remove" not in page
    assert "留任律师" in page and "离任律师" in page
    assert '<span class="badge text-bg-secondary">5+1</span>' in page
    terms = page[page.index("<ol>") : page.index("</ol>")]
    assert terms.count("<li>") == 2


def test_a_former_counsel_sees_the_group_with_only_their_services_and_cannot_log_more(
    app, login, dummy_staff, create_counsel_group, create_counsel_service, create_lawyer
):
    staying, leaving = create_lawyer(), create_lawyer()
    group = create_counsel_group(firms=1, counsel=[staying, leaving])
    theirs = create_counsel_service(group, lawyer=leaving)
    others = create_counsel_service(group, lawyer=staying)
    with app.test_request_context("/"):
        operations.remove_lawyer(group, group.current_lawyer_seats[1], by=dummy_staff)
    db.session.commit()
    page = login(leaving).get(f"/counsel/groups/{group.id}").get_data(as_text=True)
    assert f"/counsel/services/{theirs.id}" in page
    assert f"/counsel/services/{others.id}" not in page
    assert f"/counsel/groups/{group.id}/services/new" not in page


def test_a_member_firm_sees_only_its_own_requests_on_the_group_page(
    app, login, dummy_staff, create_counsel_group, firm_user_of
):
    group = create_counsel_group(firms=2)
    ours, theirs = group.enterprises
    asking = {firm: firm_user_of(firm) for firm in (ours, theirs)}
    with app.test_request_context("/"):
        mine, other = (
            operations.create_request(
                firm, title=f"{firm.name}的请求", body="内容", by=asking[firm]
            )
            for firm in (ours, theirs)
        )
    db.session.commit()
    url = f"/counsel/groups/{group.id}"
    page = login(asking[ours]).get(url).get_data(as_text=True)
    assert f"/counsel/requests/{mine.id}" in page and f"/counsel/requests/{other.id}" not in page
    staff_page = login(dummy_staff, app.test_client()).get(url).get_data(as_text=True)
    for request in (mine, other):
        assert f"/counsel/requests/{request.id}" in staff_page
        assert f"{request.enterprise.name} · " in staff_page


def test_group_page_staff_fields_are_in_each_readers_language(
    app, login, memory_cache, create_user, dummy_counsel_group
):
    url = f"/counsel/groups/{dummy_counsel_group.id}"
    english = login(create_user(role="staff", locale="en"), app.test_client())
    chinese = login(create_user(role="staff", locale="zh_CN"), app.test_client())
    for _ in range(2):  # the second views take the fields kept from the first
        assert 'for="enterprise">Enterprise</label>' in english.get(url).get_data(as_text=True)
        assert 'for="lawyer">律师</label>' in chinese.get(url).get_data(as_text=True)


def test_a_group_id_no_database_integer_holds_is_not_found(login, dummy_staff):
    assert login(dummy_staff).get("/counsel/groups/99999999999999999999999").status_code == 404


def test_group_page_renew_fields_are_the_field_macros_for_the_groups_next_term(
    app, login, memory_cache, create_user, create_counsel_group
):
    from flask import get_template_attribute
    from flask_babel import force_locale

    from portal.counsel.forms import RenewForm

    groups = [
        create_counsel_group(name="甲组"),
        create_counsel_group(name="乙组", end_date=clock.today() + timedelta(days=100)),
    ]
    db.session.commit()
    for locale in ("zh_CN", "en"):
        client = login(create_user(role="staff", locale=locale), app.test_client())
        for group in groups:  # the second group's page takes the fields kept from the first's
            page = client.get(f"/counsel/groups/{group.id}").get_data(as_text=True)
            with app.test_request_context("/"), force_locale(locale):
                form, start = RenewForm(), group.end_date + timedelta(days=1)
                form.start_date.data, form.end_date.data = start, start + timedelta(days=364)
                field = get_template_attribute("macros.html", "field")
                written = [str(field(form.start_date)), str(field(form.end_date))]
            assert all(html in page for html in written), (locale, group.name)
            assert f'value="{start.isoformat()}"' in written[0]
