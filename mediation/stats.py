"""Read-only figures for the committee and federation dashboards (and the portal dashboard)."""

from collections import Counter
from decimal import Decimal

from sqlalchemy import func, select

from mediation.models import (
    CASE_STATUS_LABELS,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Case,
    CaseStatus,
    Committee,
)
from mediation.operations import to_local
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory

OUTCOMES = (
    CaseStatus.agreement_reached,
    CaseStatus.failed,
    CaseStatus.withdrawn,
    CaseStatus.declined,
)
AGREED = (CaseStatus.agreement_reached, CaseStatus.return_visited)


def _case_rows(committee_id=None, start=None, end=None):
    stmt = select(
        Case.committee_id,
        Case.status,
        Case.category_id,
        Case.amount,
        Case.applied_dt,
        Case.accepted_dt,
        Case.closed_dt,
        Case.due_dt,
        Case.agreement.has().label("has_agreement"),
    )
    if committee_id is not None:
        stmt = stmt.where(Case.committee_id == committee_id)
    if start is not None:
        stmt = stmt.where(Case.applied_dt >= start)
    if end is not None:
        stmt = stmt.where(Case.applied_dt < end)
    return db.session.execute(stmt).all()


def _categories():
    return {c.id: c.name for c in db.session.scalars(select(LegalCategory))}


def case_stats(committee_id=None, start=None, end=None) -> dict:
    """Figures over the cases applied for in [start, end) (all when None), optionally one committee."""
    return _figures(_case_rows(committee_id, start, end), _categories())


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


def case_stats_by_committee(start=None, end=None) -> dict:
    """{committee id: figures} for every committee, in two queries whatever their number."""
    rows_of = {}
    for row in _case_rows(start=start, end=end):
        rows_of.setdefault(row.committee_id, []).append(row)
    categories = _categories()
    return {cid: _figures(rows, categories) for cid, rows in rows_of.items()} | {
        None: _figures([], categories)
    }


def _figures(rows, categories) -> dict:
    now = utcnow()
    open_by_stage = Counter()
    outcomes = Counter()
    by_type = Counter()
    by_month = Counter()
    durations = []
    amount_total = Decimal(0)
    amount_agreed = Decimal(0)
    overdue = 0
    for row in rows:
        status = CaseStatus(row.status)
        if status in OPEN_STATUSES:
            open_by_stage[status] += 1
        if status in RUNNING_STATUSES and row.due_dt is not None and row.due_dt < now:
            overdue += 1
        # Archived cases keep their outcome through the agreement (or its absence).
        if status in AGREED or (status == CaseStatus.archived and row.has_agreement):
            outcomes[CaseStatus.agreement_reached] += 1
        elif status in OUTCOMES:
            outcomes[status] += 1
        by_type[row.category_id] += 1
        by_month[to_local(row.applied_dt).strftime("%Y-%m")] += 1
        if row.amount is not None:
            amount_total += row.amount
            if status in AGREED or (status == CaseStatus.archived and row.has_agreement):
                amount_agreed += row.amount
        if row.accepted_dt is not None and row.closed_dt is not None:
            durations.append((row.closed_dt - row.accepted_dt).total_seconds() / 86400)
    agreed = outcomes[CaseStatus.agreement_reached]
    decided = agreed + outcomes[CaseStatus.failed]
    return {
        "total": len(rows),
        "open": sum(open_by_stage.values()),
        "open_by_stage": [
            (CASE_STATUS_LABELS[s], open_by_stage[s]) for s in OPEN_STATUSES if open_by_stage[s]
        ],
        "overdue": overdue,
        "outcomes": [(CASE_STATUS_LABELS[s], outcomes[s]) for s in OUTCOMES],
        "agreed": agreed,
        "success_rate": round(100 * agreed / decided, 1) if decided else None,
        "average_duration_days": round(sum(durations) / len(durations), 1) if durations else None,
        "amount_total": amount_total,
        "amount_agreed": amount_agreed,
        "by_type": sorted(
            ((categories.get(cid, "—"), n) for cid, n in by_type.items()),
            key=lambda item: -item[1],
        ),
        "by_month": sorted(by_month.items()),
    }


def portal_stats(start, end, chamber_id=None) -> dict:
    """Registered with add_stats: the figures for a period, federation-wide or for one
    chamber (its committee's cases); committees are counted as they stood at the period's end."""
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
