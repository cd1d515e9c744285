"""Matching a question against verified lawyers; the per-category rule decides pool or direct."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from knowledge.models import Question, QuestionStatus, RoutingMode, RoutingRule
from portal.accounts.models import LawyerProfile, Role, User, Verification
from portal.core import clock
from portal.core.db import db

DEFAULT_DEADLINE_DAYS = 3
# Statuses in which a lawyer holds a question (counts as their current load).
HELD = (
    QuestionStatus.assigned,
    QuestionStatus.claimed,
    QuestionStatus.needs_info,
    QuestionStatus.follow_up,
)


def rule_for(category_id: int) -> RoutingRule:
    """The staff rule for the category, or the default (pool, 3 working days) unsaved."""
    rule = db.session.scalar(select(RoutingRule).where(RoutingRule.category_id == category_id))
    if rule is None:
        rule = RoutingRule(
            category_id=category_id, mode=RoutingMode.pool, deadline_days=DEFAULT_DEADLINE_DAYS
        )
    return rule


def week_start(now: datetime | None = None) -> datetime:
    """Monday 00:00 in Shanghai of the current week, as naive UTC."""
    today = clock.local_date(now or clock.now_utc())
    return clock.day_start_utc(today - timedelta(days=today.weekday()))


def taken_this_week(lawyer_ids=None, now=None) -> dict[int, int]:
    """Questions each lawyer was given or took since Monday (what the weekly capacity limits)."""
    since = week_start(now)
    # coalesce(claimed_dt, assigned_dt) >= since, spelled so that the index on (claimed_dt,
    # assigned_dt) finds this week's few rows (a coalesce() read the whole table).
    taken = (Question.claimed_dt >= since) | (
        Question.claimed_dt.is_(None) & (Question.assigned_dt >= since)
    )
    # This week's rows are few: counted here. (GROUP BY lawyer_id, or a long IN list of lawyers,
    # makes the planner walk each lawyer's every question instead.)
    counts = Counter(db.session.scalars(select(Question.lawyer_id).where(taken)))
    counts.pop(None, None)
    if lawyer_ids is None:
        return dict(counts)
    wanted = set(lawyer_ids)
    return {lawyer_id: n for lawyer_id, n in counts.items() if lawyer_id in wanted}


def open_load(lawyer_ids=None) -> dict[int, int]:
    stmt = (
        select(Question.lawyer_id, func.count())
        .where(Question.lawyer_id.is_not(None), Question.status.in_(HELD))
        .group_by(Question.lawyer_id)
    )
    if lawyer_ids is not None:
        stmt = stmt.where(Question.lawyer_id.in_(lawyer_ids))
    return dict(db.session.execute(stmt).all())


@dataclass
class Candidate:
    lawyer: User
    ok: bool
    reasons: list[str] = field(default_factory=list)
    remaining: int = 0
    load: int = 0

    def as_record(self) -> dict:
        return {
            "lawyer_id": self.lawyer.id,
            "name": self.lawyer.name,
            "ok": self.ok,
            "remaining": self.remaining,
            "load": self.load,
            "reasons": self.reasons,
        }


def consider(
    question: Question, exclude=(), now=None, lawyers=None, explain=True
) -> list[Candidate]:
    """Every verified lawyer with the reasons they match or not; best matches first.
    `lawyers`: the verified lawyers, when the caller has loaded them already; `explain=False`
    leaves the reasons out (only `ok` and the order are wanted)."""
    if lawyers is not None:
        lawyers = sorted(
            (
                u
                for u in lawyers
                if not u.is_deactivated and u.verification == Verification.verified
            ),
            key=lambda u: u.id,
        )
    else:
        lawyers = _active_verified_lawyers()
    return _consider(question, lawyers, exclude, now, explain)


def _active_verified_lawyers():
    return db.session.scalars(
        select(User)
        .join(LawyerProfile, LawyerProfile.user_id == User.id)
        # Profiles, specialities and conflicts with the lawyers: not three queries per lawyer.
        .options(contains_eager(User.lawyer_profile).selectinload(LawyerProfile.conflicts))
        .where(
            User.role == Role.lawyer,
            User.verification == Verification.verified,
            User.is_deactivated.is_(False),
        )
        .order_by(User.id)
    ).all()


def fits(conflicted: bool, serves: bool, takes: bool, remaining: int) -> bool:
    """The routing rules for one lawyer and one question: no conflict with the firm, serves the
    question's industry, takes its category, weekly capacity left (what `consider` explains)."""
    return not conflicted and serves and takes and remaining > 0


def _consider(question, lawyers, exclude, now, explain=True) -> list[Candidate]:
    """`explain`: each candidate's reasons in words (a routing decision records them); the
    question page only asks who matches, and translating ~1,300 reasons cost more than the rest."""
    ids = [lawyer.id for lawyer in lawyers]
    taken = taken_this_week(ids, now)
    load = open_load(ids)
    excluded = {getattr(x, "id", x) for x in exclude}
    result = []
    for lawyer in lawyers:
        profile = lawyer.lawyer_profile
        conflicted = profile.has_conflict_with(question.enterprise_id)
        serves = question.industry in profile.industries
        takes = any(c.id == question.category_id for c in profile.specialities)
        remaining = profile.weekly_capacity - taken.get(lawyer.id, 0)
        ok = lawyer.id not in excluded and fits(conflicted, serves, takes, remaining)
        reasons = []
        if lawyer.id in excluded:
            reasons.append(_l("released this question"))
        if conflicted:
            reasons.append(_l("declared a conflict with this firm"))
        if serves:
            reasons.append(_l("serves industry %(code)s", code=question.industry))
        else:
            reasons.append(_l("does not serve industry %(code)s", code=question.industry))
        if takes:
            reasons.append(_l("specialises in this category"))
        else:
            reasons.append(_l("does not take this category"))
        if remaining > 0:
            reasons.append(_l("%(n)s of weekly capacity left", n=remaining))
        else:
            reasons.append(_l("weekly capacity used up"))
        result.append(
            Candidate(
                lawyer,
                ok,
                [str(reason) for reason in reasons] if explain else [],
                remaining=remaining,
                load=load.get(lawyer.id, 0),
            )
        )
    # Best match: most capacity left, then fewest open questions, then longest-standing account.
    result.sort(key=lambda c: (not c.ok, -c.remaining, c.load, c.lawyer.id))
    return result


def matching_lawyers(question, exclude=(), now=None, lawyers=None) -> list[User]:
    return [c.lawyer for c in consider(question, exclude, now, lawyers, explain=False) if c.ok]
