"""What the appeal list and item pages read: the item with its firm in one statement, the
timeline's authors together, the visibility rule once, labels in each reader's language."""

from io import BytesIO

import pytest
from sqlalchemy import event

from portal.appeals import operations
from portal.appeals.models import AppealStatus
from portal.core.db import db
from portal.core.links import link_records
from tests.fixtures.queries import counted_statements


def _reading(statements, table):
    """The statements that read `table`'s rows themselves (not a subquery's test of them)."""
    return [s for s in statements if s.startswith(f"SELECT {table}.")]


def test_item_page_reads_the_item_its_firm_and_its_empty_lists_in_one_statement(
    client, login, dummy_staff, walk, dummy_appeal_referral
):
    item = dummy_appeal_referral
    walk(item, AppealStatus.triaged)  # past triage: the page reads no possible duplicates
    login(dummy_staff)
    url, shown = f"/appeals/{item.id}", (item.enterprise.name, item.summary)
    db.session.expunge_all()  # the page reads everything itself, as in a new request
    with counted_statements() as statements:
        page = client.get(url).get_data(as_text=True)
    assert all(text in page for text in shown)
    for table in ("enterprises", "appeal_evaluations", "appeal_attachments", "record_links"):
        assert _reading(statements, table) == [], table
    assert len(_reading(statements, "appeal_events")) == 1


def test_item_page_shows_evaluations_attachments_links_and_the_authors_with_the_timeline(
    app, client, login, dummy_staff, walk, create_appeal_referral, dummy_enterprise
):
    item = create_appeal_referral()
    handler = walk(item, AppealStatus.satisfied)  # bureau, department, staff and the firm acted
    other = create_appeal_referral(enterprise=dummy_enterprise)
    with app.test_request_context():
        operations.attach_files(item, [_upload("结果.pdf")], by=handler)
        link_records(other, item, "referred_to", by=dummy_staff)
    db.session.flush()
    authors = {e.by.name for e in item.events if e.by is not None}
    assert len(authors - {dummy_staff.name}) >= 3
    login(dummy_staff)
    url, other_url = f"/appeals/{item.id}", f"/appeals/{other.id}"
    db.session.expunge_all()  # the page reads everything itself, as in a new request
    with counted_statements() as statements:
        page = client.get(url).get_data(as_text=True)
    for name in authors:
        assert name in page
    assert "结果.pdf" in page and other_url in page
    assert "时效5分，结果4分，态度5分" in page  # the evaluation walk() recorded
    # The viewer (the login); the authors come with the timeline's entries, in its one read.
    assert len(_reading(statements, "users")) == 1
    assert len(_reading(statements, "appeal_events")) == 1
    assert len(_reading(statements, "appeal_attachments")) == 1
    assert len(_reading(statements, "record_links")) == 1


def _upload(name):
    from werkzeug.datastructures import FileStorage

    return FileStorage(BytesIO(b"%PDF-1.4 result"), filename=name, content_type="application/pdf")


def test_department_list_reads_the_handlers_organisation_once(
    client, login, walk, create_appeal_referral
):
    mine, theirs = create_appeal_referral(), create_appeal_referral()
    handler = walk(mine, AppealStatus.accepted)
    walk(theirs, AppealStatus.accepted)
    login(handler)
    with counted_statements() as statements:
        page = client.get("/appeals").get_data(as_text=True)
    assert f'href="/appeals/{mine.id}"' in page and f'href="/appeals/{theirs.id}"' not in page
    assert len([s for s in statements if "FROM appeal_organisation_members" in s]) == 1


def test_tier_two_item_page_words_its_plan_link_without_reading_a_missing_plan(
    client, login, dummy_staff, walk, dummy_appeal_referral, create_organisation
):
    item = dummy_appeal_referral
    walk(item, AppealStatus.distributed, tier=2)
    login(dummy_staff)
    url, lead = f"/appeals/{item.id}", create_organisation("市自然资源局").id
    db.session.expunge_all()
    with counted_statements() as statements:
        page = client.get(url).get_data(as_text=True)
    assert _reading(statements, "appeal_solution_plans") == []
    link = page.split('id="plan-link"')[1].split("</a>")[0]
    assert "制定解决方案" in link, link
    data = {"principles": "依法依规", "direction": "分步解决",
            "lead": lead, "deadline": "2026-10-01"}  # fmt: skip
    assert client.post(f"{url}/plan", data=data).status_code == 302
    db.session.expunge_all()
    page = client.get(url).get_data(as_text=True)
    written = page.split('id="plan-link"')[1].split("</a>")[0]
    assert written != link and "制定" not in written


def test_department_item_page_reads_the_handlers_organisation_once(
    client, login, walk, create_appeal_referral
):
    mine, theirs = create_appeal_referral(), create_appeal_referral()
    handler = walk(mine, AppealStatus.accepted)
    walk(theirs, AppealStatus.accepted)
    login(handler)
    with counted_statements() as statements:
        assert client.get(f"/appeals/{mine.id}").status_code == 200
    assert len([s for s in statements if "FROM appeal_organisation_members" in s]) == 1
    assert client.get(f"/appeals/{theirs.id}").status_code == 403


def test_list_labels_are_in_each_readers_language(app, login, create_user, dummy_appeal_referral):
    english = login(create_user(role="staff", locale="en"), app.test_client())
    chinese = login(create_user(role="staff", locale="zh_CN"), app.test_client())
    for _ in range(2):  # the second views take the labels kept from the first
        assert "Collected, awaiting verification" in english.get("/appeals").get_data(True)
        assert "已收集，待核实" in chinese.get("/appeals").get_data(as_text=True)


def test_list_of_one_status_walks_the_status_index_in_date_order(
    client, login, dummy_staff, dummy_appeal_referral
):
    """A rare status (merged) must not be looked for along every item in date order."""
    login(dummy_staff)
    plan = _plan_of_the_list(client, "/appeals?status=merged")
    assert "ix_appeal_referrals_status_created" in plan
    assert "TEMP B-TREE" not in plan  # the order comes from the index, not a sort


def test_lawyers_list_walks_the_index_of_who_recorded_the_items(
    client, login, create_lawyer, dummy_appeal_referral
):
    """A lawyer sees the items they escalated: a few among thousands."""
    login(create_lawyer())
    plan = _plan_of_the_list(client, "/appeals")
    assert "ix_appeal_referrals_created_by" in plan
    assert "TEMP B-TREE" not in plan


def test_departments_list_walks_the_index_of_its_items_in_date_order(
    client, login, create_handler, dummy_appeal_referral
):
    """A department sees its own items: read in order, not gathered and sorted on each view."""
    login(create_handler())
    plan = _plan_of_the_list(client, "/appeals")
    assert "ix_appeal_referrals_organisation" in plan
    assert "TEMP B-TREE" not in plan


def _plan_of_the_list(client, url):
    """SQLite's query plan of the list's statement, as one line."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is SQLite's (PostgreSQL plans a tiny table by a scan)")
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = next(
        (s, p) for s, p in sent if s.startswith("SELECT appeal_referrals.id") and "ORDER BY" in s
    )
    return " ".join(
        row[-1]
        for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", tuple(parameters)
        )
    )


def test_kept_form_fields_show_each_items_values_each_readers_language_and_errors(
    app, client, login, dummy_staff, create_user, walk, create_appeal_referral
):
    """The item page's blank fields are kept by what they are written from: each item's own
    register details, each reader's language, and a form sent back shows its errors."""
    first, second = create_appeal_referral(), create_appeal_referral()
    for item, ref in ((first, "甲-1"), (second, "乙-2")):
        walk(item, AppealStatus.satisfied)
        item.register_ref = ref
    db.session.flush()
    login(dummy_staff)
    for item, ref, other in (
        (first, "甲-1", "乙-2"),
        (second, "乙-2", "甲-1"),
        (first, "甲-1", "乙-2"),
    ):
        page = client.get(f"/appeals/{item.id}").get_data(as_text=True)
        register = page.split('id="register-heading"')[1].split("</form>")[0]
        assert f'value="{ref}"' in register and other not in register
    english = login(create_user(role="staff", locale="en"), app.test_client())
    page = english.get(f"/appeals/{first.id}").get_data(as_text=True)
    assert "Register reference number" in page.split('id="register-heading"')[1]
    response = client.post(f"/appeals/{first.id}/register", data={"register_ref": "不可以 有空格"})
    assert response.status_code == 400
    sent_back = response.get_data(as_text=True).split('id="register-heading"')[1]
    assert "is-invalid" in sent_back and "不可以 有空格" in sent_back
    again = client.get(f"/appeals/{first.id}").get_data(as_text=True)
    assert "is-invalid" not in again.split('id="register-heading"')[1]
