"""Read-only figures for the committee and federation dashboards (and the portal dashboard)."""

from collections import Counter
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, select, text

from mediation.models import (
    CASE_STATUS_LABELS,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Case,
    CaseStatus,
    Committee,
)
from portal.core import cache
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory
from portal.core.reference import localized

OUTCOMES = (
    CaseStatus.agreement_reached,
    CaseStatus.failed,
    CaseStatus.withdrawn,
    CaseStatus.declined,
)
AGREED = (CaseStatus.agreement_reached, CaseStatus.return_visited)


# The categories' names as plain rows, built once: the dashboard asked for them twice a view,
# each time as ORM objects (about a fifth of the page's cost for a dozen names).
_CATEGORY_NAMES = select(LegalCategory.id, LegalCategory.name_zh, LegalCategory.name_en)


def category_names() -> dict:
    """{category id: its name in the request's language}."""
    return {
        cid: localized(name_zh, name_en)
        for cid, name_zh, name_en in db.session.execute(_CATEGORY_NAMES)
    }


def case_summary(committee_id: int) -> dict:
    """The committee page's three figures (open, overdue, success rate) as `case_stats` counts
    them, by two grouped counts in the database instead of reading every case of the committee."""
    now = utcnow()
    agreed_archive = Case.agreement.has()
    rows = db.session.execute(
        select(Case.status, agreed_archive, func.count())
        .where(Case.committee_id == committee_id)
        .group_by(Case.status, agreed_archive)
    ).all()
    overdue = db.session.scalar(
        select(func.count()).where(
            Case.committee_id == committee_id,
            Case.status.in_(RUNNING_STATUSES),
            Case.due_dt < now,
        )
    )
    open_cases = agreed = failed = 0
    for status, has_agreement, n in rows:
        status = CaseStatus(status)
        open_cases += n if status in OPEN_STATUSES else 0
        if status in AGREED or (status == CaseStatus.archived and has_agreement):
            agreed += n
        elif status == CaseStatus.failed:
            failed += n
    decided = agreed + failed
    return {
        "open": open_cases,
        "overdue": overdue or 0,
        "success_rate": round(100 * agreed / decided, 1) if decided else None,
    }


def _local_month(column):
    """The Beijing month (YYYY-MM) of a naive UTC column, in the database (China keeps UTC+8
    all year, with no summer time since 1991)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column + text("interval '8 hours'"), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def _seconds_between(start, end):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _counts(committee_id=None, start=None, end=None, by_committee=False) -> dict:
    """The figures' raw numbers (JSON, as the cache keeps them), counted by the database in
    three grouped queries: by status, by type and by month, each per committee if asked."""
    now = utcnow()
    where = []
    if committee_id is not None:
        where.append(Case.committee_id == committee_id)
    if start is not None:
        where.append(Case.applied_dt >= start)
    if end is not None:
        where.append(Case.applied_dt < end)
    group = [Case.committee_id] if by_committee else []
    timed = and_(Case.accepted_dt.is_not(None), Case.closed_dt.is_not(None))
    # Whether an archived case has its agreement (only theirs is looked up).
    agreed_archive = case((Case.status == CaseStatus.archived, Case.agreement.has()), else_=False)
    statuses = db.session.execute(
        select(
            *group,
            Case.status,
            agreed_archive,
            func.count(),
            func.count(Case.amount),
            func.sum(func.round(Case.amount * 100)),
            func.count().filter(Case.status.in_(RUNNING_STATUSES), Case.due_dt < now),
            func.count().filter(timed),
            func.sum(_seconds_between(Case.accepted_dt, Case.closed_dt)).filter(timed),
        )
        .where(*where)
        .group_by(*group, Case.status, agreed_archive)
    ).all()
    # Types in the order a case of each first comes (ties in the counts keep it), as the rows
    # were read before: by date of application over a period of every committee, else by id.
    first = func.min(Case.applied_dt if start is not None and committee_id is None else Case.id)
    month = _local_month(Case.applied_dt)
    # Types and months in one pass: a few hundred groups, added up by type and by month here.
    kinds = db.session.execute(
        select(*group, Case.category_id, month, func.count(), first)
        .where(*where)
        .group_by(*group, Case.category_id, month)
    ).all()
    types, months = {}, {}
    for row in kinds:
        *scope, category_id, in_month, n, seen = row
        seen = seen.isoformat() if isinstance(seen, datetime) else seen
        kind = types.setdefault((*scope, category_id), [0, seen])
        kind[0], kind[1] = kind[0] + n, min(kind[1], seen)
        months[(*scope, in_month)] = months.get((*scope, in_month), 0) + n

    k = len(group)
    return {
        "statuses": [
            [
                *row[:k],
                CaseStatus(row[k]).value,
                bool(row[k + 1]),
                *row[k + 2 : k + 4],
                int(row[k + 4] or 0),
                *row[k + 5 : k + 7],
                float(row[k + 7] or 0),
            ]
            for row in statuses
        ],  # fmt: skip
        "types": [[*key, n, seen] for key, (n, seen) in types.items()],
        "months": [[*key, n] for key, n in months.items()],
    }


def _status_sums(statuses) -> dict:
    """What the rows by status add up to: the counts by stage and outcome, the overdue and
    timed cases, and the amounts in whole cents."""
    sums = {
        "open_by_stage": Counter(),
        "outcomes": Counter(),
        "total": 0,
        "overdue": 0,
        "timed": 0,
        "seconds": 0.0,
        "amounts": 0,
        "agreed_amounts": 0,
        "cents_total": 0,
        "cents_agreed": 0,
    }
    for status, has_agreement, n, n_amounts, cents, n_overdue, n_timed, s in statuses:
        status = CaseStatus(status)
        sums["total"] += n
        sums["overdue"] += n_overdue
        if status in OPEN_STATUSES:
            sums["open_by_stage"][status] += n
        # Archived cases keep their outcome through the agreement (or its absence).
        was_agreed = status in AGREED or (status == CaseStatus.archived and has_agreement)
        if was_agreed:
            sums["outcomes"][CaseStatus.agreement_reached] += n
            sums["agreed_amounts"] += n_amounts
            sums["cents_agreed"] += cents
        elif status in OUTCOMES:
            sums["outcomes"][status] += n
        sums["amounts"] += n_amounts
        sums["cents_total"] += cents
        sums["timed"] += n_timed
        sums["seconds"] += s
    return sums


def _headline(sums) -> dict:
    """The figures of a committee's row on the dashboard (plain numbers, as the cache keeps
    them, the same in every language)."""
    outcomes, timed = sums["outcomes"], sums["timed"]
    agreed = outcomes[CaseStatus.agreement_reached]
    decided = agreed + outcomes[CaseStatus.failed]
    return {
        "total": sums["total"],
        "open": sum(sums["open_by_stage"].values()),
        "overdue": sums["overdue"],
        "agreed": agreed,
        "success_rate": round(100 * agreed / decided, 1) if decided else None,
        "average_duration_days": round(sums["seconds"] / 86400 / timed, 1) if timed else None,
    }


def _figures(counts, categories) -> dict:
    """The figures of one set of cases from its raw numbers (`_counts` without committees)."""
    sums = _status_sums(counts["statuses"])
    open_by_stage, outcomes = sums["open_by_stage"], sums["outcomes"]
    return {
        **_headline(sums),
        "open_by_stage": [
            (CASE_STATUS_LABELS[s], open_by_stage[s]) for s in OPEN_STATUSES if open_by_stage[s]
        ],
        "outcomes": [(CASE_STATUS_LABELS[s], outcomes[s]) for s in OUTCOMES],
        # Amounts as the sum of the cases' own (two decimals), from whole cents.
        "amount_total": Decimal(sums["cents_total"]).scaleb(-2) if sums["amounts"] else Decimal(0),
        "amount_agreed": Decimal(sums["cents_agreed"]).scaleb(-2)
        if sums["agreed_amounts"]
        else Decimal(0),
        "by_type": sorted(
            (
                (categories.get(cid, "—"), n)
                for cid, n, _first in sorted(counts["types"], key=lambda row: row[2])
            ),
            key=lambda item: -item[1],
        ),
        "by_month": sorted((m, n) for m, n in counts["months"]),
    }


# Figures over thousands of cases are kept this many seconds in the short shared cache: a
# dashboard shown again within it may miss the last minute's changes (and "the past 12
# months" ends when they were counted).
STATS_TTL = 60


def _merged(by_committee: dict) -> dict:
    """Every committee's raw numbers added up (the federation's, from the same three queries)."""
    statuses, types, months = {}, {}, {}
    for rows in by_committee["statuses"]:
        _cid, status, has_agreement, *values = rows
        into = statuses.setdefault((status, has_agreement), [0] * len(values))
        for i, v in enumerate(values):
            into[i] += v
    for _cid, category_id, n, first in by_committee["types"]:
        seen = types.get(category_id)
        types[category_id] = [n, first] if seen is None else [seen[0] + n, min(seen[1], first)]
    for _cid, month, n in by_committee["months"]:
        months[month] = months.get(month, 0) + n
    return {
        "statuses": [[*key, *values] for key, values in statuses.items()],
        "types": [[cid, n, first] for cid, (n, first) in types.items()],
        "months": [[m, n] for m, n in months.items()],
    }


def _split(by_committee: dict) -> dict:
    """{committee id: its raw numbers} from every committee's (`_counts` by committee)."""
    split = {}
    for kind, rows in by_committee.items():
        for committee_id, *row in rows:
            split.setdefault(committee_id, {"statuses": [], "types": [], "months": []})
            split[committee_id][kind].append(row)
    return split


def _committee_counts(start, end, cache_key) -> dict:
    """Every committee's raw numbers, the federation's (their sum) and each committee's
    headline figures, counted and added up once for all the views within STATS_TTL: the
    dashboard added them up again, and worked out every committee's full figures, on every view.
    """

    def count():
        by_committee = _counts(start=start, end=end, by_committee=True)
        return {
            "by_committee": by_committee,
            "merged": _merged(by_committee),
            "headlines": [
                [committee_id, _headline(_status_sums(counts["statuses"]))]
                for committee_id, counts in _split(by_committee).items()
            ],
        }

    # Its own name under the caller's key: the value is not the one that key held before.
    return cache.get_or_set(f"{cache_key}:committees", STATS_TTL, count) if cache_key else count()


def case_stats(committee_id=None, start=None, end=None, *, cache_key=None, categories=None) -> dict:
    """Figures over the cases applied for in [start, end) (all when None), optionally one
    committee; the federation's are every committee's added up. `cache_key`: keep the counts
    STATS_TTL seconds under that name (the same key as case_stats_by_committee's reads once).
    `categories`: `category_names()`, when the caller has them already."""
    if committee_id is None:
        counts = _committee_counts(start, end, cache_key)["merged"]
    elif cache_key:
        counts = cache.get_or_set(cache_key, STATS_TTL, lambda: _counts(committee_id, start, end))
    else:
        counts = _counts(committee_id, start, end)
    return _figures(counts, category_names() if categories is None else categories)


def case_stats_by_committee(start=None, end=None, *, cache_key=None, categories=None) -> dict:
    """{committee id: figures} for every committee with cases (None: the figures of none), in
    three grouped queries whatever their number. `categories`: `category_names()`, when the
    caller has them already."""
    split = _split(_committee_counts(start, end, cache_key)["by_committee"])
    categories = category_names() if categories is None else categories
    return {cid: _figures(c, categories) for cid, c in split.items()} | {
        None: _figures({"statuses": [], "types": [], "months": []}, categories)
    }


def committee_headlines(start=None, end=None, *, cache_key=None) -> dict:
    """{committee id: {total, open, overdue, agreed, success_rate, average_duration_days}} for
    every committee with cases (None: the figures of none): the dashboard's table by committee,
    which prints no committee's types, months, stages or amounts."""
    headlines = {
        cid: figures for cid, figures in _committee_counts(start, end, cache_key)["headlines"]
    }
    headlines[None] = _headline(_status_sums([]))
    return headlines


def portal_stats(start, end, chamber_id=None) -> dict:
    """Registered with add_stats: the figures for a period, federation-wide or for one
    chamber (its committee's cases); committees are counted as they stood at the period's end.
    Kept STATS_TTL seconds in the short shared cache."""
    key = f"mediation:portal-stats:{start}:{end}:{chamber_id or ''}"
    return cache.get_or_set(key, STATS_TTL, lambda: _portal_stats(start, end, chamber_id))


def _portal_stats(start, end, chamber_id=None) -> dict:
    committees = select(func.count(Committee.id)).where(Committee.is_active.is_(True))
    if end is not None:
        committees = committees.where(Committee.created_dt < end)
    if chamber_id is not None:
        committee_id = db.session.scalar(
            select(Committee.id).where(Committee.chamber_id == chamber_id)
        )
        figures = case_stats(committee_id=committee_id or 0, start=start, end=end)
        committees = committees.where(Committee.chamber_id == chamber_id)
    else:
        figures = case_stats(start=start, end=end)
    return {
        "committees": db.session.scalar(committees),
        "cases": figures["total"],
        "open": figures["open"],
        "overdue": figures["overdue"],
        "agreements": figures["agreed"],
        "success_rate": figures["success_rate"],
        "average_duration_days": figures["average_duration_days"],
        "amount_total": float(figures["amount_total"]),
    }
