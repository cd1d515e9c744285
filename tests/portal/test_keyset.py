"""Keyset (seek) pagination: pages follow one another by their links, without gaps or repeats."""

import re
from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.db import db, utcnow
from portal.core.keyset import list_total, seek

NEXT = re.compile(r'rel="next" href="([^"]+)"')
PREV = re.compile(r'rel="prev" href="([^"]+)"')


def _users(create_user, n, same_time=False):
    start = utcnow() - timedelta(days=1)
    made = []
    for i in range(n):
        user = create_user(Role.lawyer, email=f"seek{i}@example.com")
        # Ties in created_dt are broken by id (the key ends with the primary key).
        user.created_dt = start if same_time else start + timedelta(minutes=i)
        made.append(user)
    db.session.flush()
    return made


def _walk(app, stmt, columns, per_page, **kwargs):
    """Every page from the first by following next_args; returns the ids page by page."""
    pages, args = [], {}
    while True:
        with app.test_request_context("/", query_string=args):
            page = seek(stmt, columns, per_page, **kwargs)
        pages.append((page.page, [u.id for u in page.items], page))
        if not page.has_next:
            return pages
        args = page.next_args


def test_pages_follow_one_another_without_gaps_or_repeats(app, create_user):
    made = _users(create_user, 23, same_time=True)
    stmt = select(User).where(User.email.like("seek%"))
    pages = _walk(app, stmt, (User.created_dt, User.id), 5)
    ids = [i for _number, page_ids, _page in pages for i in page_ids]
    assert ids == sorted((u.id for u in made), reverse=True)
    assert [number for number, _ids, _page in pages] == [1, 2, 3, 4, 5]
    assert pages[-1][2].total == 23 and pages[-1][2].pages == 5
    assert not pages[0][2].has_prev and pages[1][2].has_prev


def test_previous_links_walk_back_to_the_first_page(app, create_user):
    _users(create_user, 12)
    stmt = select(User).where(User.email.like("seek%"))
    pages = _walk(app, stmt, (User.created_dt, User.id), 4, descending=False)
    last = pages[-1][2]
    with app.test_request_context("/", query_string=last.prev_args):
        back = seek(stmt, (User.created_dt, User.id), 4, descending=False)
    assert [u.id for u in back.items] == pages[1][1]
    with app.test_request_context("/", query_string=back.prev_args):
        first = seek(stmt, (User.created_dt, User.id), 4, descending=False)
    assert [u.id for u in first.items] == pages[0][1] and not first.has_prev


def test_a_cursor_that_no_longer_exists_starts_again_and_nonsense_is_ignored(app, create_user):
    made = _users(create_user, 6)
    stmt = select(User).where(User.email.like("seek%"))
    for args in ({"after": "999999"}, {"after": "abc"}, {"before": "-3"}, {"page": "x"}):
        with app.test_request_context("/", query_string=args):
            page = seek(stmt, (User.created_dt, User.id), 4)
        assert [u.id for u in page.items] == [u.id for u in reversed(made)][:4]
        assert page.page == 1


def test_old_page_numbers_still_open_their_page(app, create_user):
    made = _users(create_user, 9)
    stmt = select(User).where(User.email.like("seek%"))
    with app.test_request_context("/", query_string={"page": "3"}):
        page = seek(stmt, (User.created_dt, User.id), 4)
    assert [u.id for u in page.items] == [made[0].id]
    assert page.has_prev and not page.has_next


def test_the_accounts_list_pages_by_plain_links(client, login, create_user, dummy_staff):
    _users(create_user, 60)
    login(dummy_staff)
    first = client.get("/account/staff/users?status=all&role=lawyer")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "seek59@example.com" in html and "seek5@example.com" not in html
    link = NEXT.search(html).group(1).replace("&amp;", "&")
    assert "after=" in link and "role=lawyer" in link
    second = client.get(link).get_data(as_text=True)
    assert "seek5@example.com" in second and "seek59@example.com" not in second
    back = PREV.search(second).group(1).replace("&amp;", "&")
    assert "seek59@example.com" in client.get(back).get_data(as_text=True)
    assert client.get("/account/staff/users?after=99999999999").status_code == 400


def test_a_deep_page_sends_what_the_first_page_sends(client, login, create_user, dummy_staff):
    from tests.fixtures.queries import counted_statements

    _users(create_user, 60)
    login(dummy_staff)
    with counted_statements() as first:
        html = client.get("/account/staff/users?status=all&role=lawyer").get_data(as_text=True)
    link = NEXT.search(html).group(1).replace("&amp;", "&")
    with counted_statements() as second:
        assert "seek5@example.com" in client.get(link).get_data(as_text=True)
    # The marked row's sort values are read inside the page's statement, not by one of their own.
    assert len(second) == len(first)
    assert not any(s.startswith("SELECT users.created_dt, users.id FROM users") for s in second)


def test_ids_first_gives_the_same_pages_in_the_same_order_both_ways(app, create_user):
    made = _users(create_user, 17)
    made[3].created_dt = made[9].created_dt  # a tie, broken by id
    db.session.flush()
    stmt = select(User).where(User.email.like("seek%"))
    columns = (User.created_dt, User.id)
    plain = _walk(app, stmt, columns, 4, descending=False)
    by_ids = _walk(app, stmt, columns, 4, descending=False, ids_first=True)
    assert [ids for _n, ids, _p in by_ids] == [ids for _n, ids, _p in plain]
    assert len({i for _n, ids, _p in by_ids for i in ids}) == 17
    last = by_ids[-1][2]
    with app.test_request_context("/", query_string=last.prev_args):
        back = seek(stmt, columns, 4, descending=False, ids_first=True)
    assert [u.id for u in back.items] == by_ids[-2][1]


def test_plain_rows_page_like_objects_and_the_total_counts_what_it_is_given(app, create_user):
    from portal.accounts.models import Enterprise

    made = _users(create_user, 11)
    made[2].created_dt = made[7].created_dt  # a tie, broken by id
    db.session.flush()
    narrowed = User.email.like("seek%")
    columns = (User.created_dt, User.id)
    objects = _walk(app, select(User).where(narrowed), columns, 4)
    # Rows of a few columns, a display join among them (it must not change the pages).
    shown = (
        select(User.id, User.name, Enterprise.name.label("firm"))
        .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
        .where(narrowed)
    )
    rows = _walk(app, shown, columns, 4, plain=True, counted=select(User.id).where(narrowed))
    assert [ids for _n, ids, _p in rows] == [ids for _n, ids, _p in objects]
    assert rows[0][2].items[0].name == made[-1].name and rows[0][2].items[0].firm is None
    assert rows[-1][2].total == 11
    last = rows[-1][2]
    with app.test_request_context("/", query_string=last.prev_args):
        back = seek(shown, columns, 4, plain=True)
    assert [row.id for row in back.items] == rows[-2][1]
    # `counted` is what the total counts (the page's statement otherwise).
    with app.test_request_context("/"):
        fewer = seek(shown, columns, 4, plain=True, counted=select(User.id).where(User.id < 0))
    assert fewer.total == 4  # no fewer than the rows shown


def test_a_statement_built_once_pages_as_one_built_per_request(app, create_user):
    from portal.core import keyset

    _users(create_user, 11)
    columns = (User.created_dt, User.id)
    shown = select(User.id, User.name).where(User.email.like("seek%"))
    fresh = _walk(app, shown, columns, 4, plain=True)
    kept = _walk(app, shown, columns, 4, plain=True, built_once=True)
    assert [ids for _n, ids, _p in kept] == [ids for _n, ids, _p in fresh]
    assert [p.next_args for _n, _ids, p in kept] == [p.next_args for _n, _ids, p in fresh]
    # Backwards from the last page, and again: the kept statements are reused, not added to.
    for _ in range(2):
        with app.test_request_context("/", query_string=kept[-1][2].prev_args):
            back = seek(shown, columns, 4, plain=True, built_once=True)
        assert [row.id for row in back.items] == kept[-2][1]
    assert sum(1 for key in keyset._kept if key[0] == id(shown)) == 3  # first, after, before


def test_a_list_total_counts_as_seek_does_and_reads_the_total_it_keeps(
    app, create_user, memory_cache
):
    _users(create_user, 7)
    stmt = select(User).where(User.email.like("seek%"))
    assert list_total(stmt, User.id) == 7
    with app.test_request_context("/"):
        page = seek(stmt, (User.created_dt, User.id), 5, count_key="seek-total")
    assert page.total == 7
    create_user(Role.lawyer, email="seek-late@example.com")
    db.session.flush()
    assert list_total(stmt, User.id) == 8  # no key: counted afresh
    assert list_total(stmt, User.id, "seek-total") == 7  # the total seek keeps, as its pages show
