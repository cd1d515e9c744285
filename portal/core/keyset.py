"""Keyset (seek) pagination for the long lists: page 500 costs what page 1 costs.

    page = seek(stmt, (User.created_dt, User.id), per_page=50, count_key="users:all")
    {{ seek_pager(page, 'accounts.staff_users', status=status) }}      (macros.html)

The links are plain `<a href>`s (no JavaScript): "Next" carries `after=<id of the page's last
row>`, "Previous" `before=<id of its first row>`, both with the page's number for display. The
row's sort values are read back by its id, so the address holds one integer, nothing to forge;
an id that does not exist (deleted since) starts from the first page. `page=N` alone (an old
bookmark) still works, with OFFSET.

`columns` is the list's ORDER BY, all in one direction, ending with the table's primary key
(what makes the order total); with an index over the same columns the database seeks
straight to the page. The total, which costs a count over the whole filtered list, is kept
in the short shared cache for `count_ttl` seconds when a `count_key` is given.
"""

import math
import threading
from dataclasses import dataclass, field

from flask import request
from sqlalchemy import bindparam, func, select, tuple_

from portal.core import cache
from portal.core.db import db

MAX_OFFSET_PAGE = 10_000  # `page=N` bookmarks past this are clamped (OFFSET would crawl)
MAX_KEPT = 256  # page statements kept for statements built once (seek's `built_once`)

_kept: dict = {}
_kept_lock = threading.Lock()


@dataclass
class SeekPage:
    items: list
    page: int
    per_page: int
    total: int
    has_next: bool
    has_prev: bool
    next_args: dict = field(default_factory=dict)
    prev_args: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def first(self) -> int:
        """1-based position of the page's first row (0 for an empty page)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def _kept_statement(stmt, columns, forwards_desc: bool, marked: bool, limit: int):
    """The page's statement for `stmt` built once (seek's `built_once`), the marked row's id a
    parameter (`seek_mark`). Kept by the identity of `stmt` and `columns`, which the entry holds
    (so that no other statement can take their ids while it is kept)."""
    key = (id(stmt), tuple(id(c) for c in columns), forwards_desc, marked, limit)
    entry = _kept.get(key)
    if entry is not None:
        return entry[0]
    ordered = stmt.order_by(*(c.desc() if forwards_desc else c.asc() for c in columns))
    if marked:
        row = tuple_(*columns)
        mark = (
            select(*columns)
            .where(columns[-1] == bindparam("seek_mark", type_=columns[-1].type))
            .correlate(None)
            .scalar_subquery()
        )
        ordered = ordered.where(row < mark if forwards_desc else row > mark)
    built = ordered.limit(limit)
    with _kept_lock:
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = (built, stmt, columns)
    return built


def _int_arg(args, name):
    value = args.get(name, type=int)
    return value if value is not None and value > 0 else None


def seek(
    stmt,
    columns,
    per_page: int,
    *,
    descending: bool = True,
    args=None,
    count_key: str | None = None,
    count_ttl: float = 30,
    unique: bool = False,
    ids_first: bool = False,
    options=(),
    plain: bool = False,
    counted=None,
    built_once: bool = False,
    params: dict | None = None,
) -> SeekPage:
    """One page of `stmt` (a select of one entity, filters applied, no ORDER BY) in the order
    of `columns`; `args` defaults to the request's query string. `unique`: the statement
    joins a collection eagerly (rows repeat). `options`: loader options for the page's rows.

    `ids_first`: find the page's ids first, then load those rows. For a filter that an index
    covers but an order it does not (several statuses ordered by deadline), the database would
    otherwise sort every matching row whole (long texts included) to keep the first few.

    `plain`: `stmt` selects columns (the key among them, under its own name), not an entity;
    the page's items are those rows as they come, without the ORM's objects (a list of 50
    spent more building them than in the database). `counted`: the select whose rows the
    total counts, when `stmt` joins tables only for what its rows print (SQLite keeps such
    outer joins in a count: 90 ms instead of 7 over 100,000 questions).

    `built_once` (with `plain`): `stmt` and `columns` are built once, not per request (a
    functools.cache'd function of the filters): the page's statements made from them are then
    kept too, run with the marked id as a parameter, and read through the session's connection
    (no autoflush, as the ORM's result machinery is not needed for rows). Building and keying
    the ordered statement anew cost more than SQLite's running it. `params` (with
    `built_once`): the values of `stmt`'s own bound parameters (a user's id...), so that one
    statement serves every user; `counted` then has its values bound."""
    args = request.args if args is None else args
    columns = tuple(columns)
    key = columns[-1]
    number = min(_int_arg(args, "page") or 1, MAX_OFFSET_PAGE)
    after, before = _int_arg(args, "after"), _int_arg(args, "before")
    marked = after or before
    backwards = bool(before and not after)

    def rows(marked, backwards):
        # Walking backwards: the reverse order from the first row of the page shown, then flipped.
        forwards_desc = descending != backwards
        if plain and built_once and (marked or number == 1):
            kept = _kept_statement(stmt, columns, forwards_desc, bool(marked), per_page + 1)
            values = {**(params or {}), **({"seek_mark": marked} if marked else {})}
            return db.session.connection().execute(kept, values or None).all()
        ordered = stmt.order_by(*(c.desc() if forwards_desc else c.asc() for c in columns))
        if marked:
            # The marked row's sort values are read in the same statement (a subquery the
            # database runs once and seeks the index from): a deep page sends what page 1 sends.
            row = tuple_(*columns)
            mark = select(*columns).where(key == marked).correlate(None).scalar_subquery()
            ordered = ordered.where(row < mark if forwards_desc else row > mark)
        elif number > 1:
            ordered = ordered.offset((number - 1) * per_page)
        if plain:
            return db.session.execute(ordered.limit(per_page + 1), params).all()
        if ids_first:
            ids = db.session.scalars(ordered.with_only_columns(key).limit(per_page + 1)).all()
            entity = stmt.column_descriptions[0]["entity"]
            loaded = db.session.scalars(select(entity).options(*options).where(key.in_(ids or [0])))
            by_id = {row.id: row for row in (loaded.unique() if unique else loaded)}
            return [by_id[i] for i in ids if i in by_id]
        result = db.session.scalars(ordered.options(*options).limit(per_page + 1))
        return (result.unique() if unique else result).all()

    items = rows(marked, backwards)
    if (
        marked
        and not items
        and db.session.execute(select(key).where(key == marked)).first() is None
    ):
        # The marked row is gone (deleted since): from the first page, as an unknown id starts.
        marked, backwards, number = None, False, 1
        items = rows(None, False)
    more = len(items) > per_page
    items = items[:per_page]
    if backwards:
        items.reverse()
        has_prev, has_next = more, True
    else:
        has_prev, has_next = bool(marked) or number > 1, more
    if backwards and not more:
        number = 1  # reached the start, whatever number the link carried
    elif marked and number == 1 and not backwards:
        number = 2  # an `after` link without a number: at least the second page

    total = list_total(stmt if counted is None else counted, key, count_key, count_ttl)
    total = max(total, (number - 1) * per_page + len(items))
    page = SeekPage(items, number, per_page, total, has_next, has_prev)
    if items:
        first, last = (getattr(items[i], key.key) for i in (0, -1))
        page.next_args = {"after": last, "page": number + 1}
        page.prev_args = {"before": first, "page": number - 1} if number > 2 else {"page": 1}
    return page


def list_total(stmt, key, count_key: str | None = None, count_ttl: float = 30) -> int:
    """How many rows `stmt` selects, as seek() counts its total (kept under the same
    `count_key`): a page that names a list's size without showing its rows, a tab's count."""

    def counted():
        # Over the key alone: counting a subquery of whole rows made SQLite read each matching
        # row's long texts (20 ms for 1,700 questions) where an index answers for the ids.
        ids = stmt.with_only_columns(key).order_by(None)
        return db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0

    return cache.get_or_set(f"count:{count_key}", count_ttl, counted) if count_key else counted()
