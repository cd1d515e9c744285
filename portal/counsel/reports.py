"""Coverage, services and hours, firms left without service; XLSX export. Read-only."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import Enterprise, Verification, enterprise_chambers
from portal.core import clock
from portal.core.cache import get_or_set, invalidate
from portal.core.db import db
from portal.core.exports import XlsxBook
from portal.counsel.models import (
    CounselGroup,
    CounselMembership,
    CounselService,
    GroupStatus,
    ServiceStatus,
)

QUIET_DAYS = 90


def _chamber_firms(chamber_id):
    return select(enterprise_chambers.c.enterprise_id).where(
        enterprise_chambers.c.chamber_id == chamber_id
    )


COVERAGE_KEY = "counsel:coverage"
COVERAGE_TTL = 30  # seconds; a newly verified firm counts as eligible within this time


def coverage(chamber_id: int | None = None) -> dict:
    """Active groups, covered and eligible firms; with chamber_id, the chamber's groups and its
    member firms only. The federation's figures (the groups list shows them on every view: three
    counts over thousands of firms) are kept briefly in the short-lived cache and dropped when
    a group or its firms change (`coverage_changed`)."""
    if chamber_id is None:
        return get_or_set(COVERAGE_KEY, COVERAGE_TTL, _coverage)
    return _coverage(chamber_id)


def coverage_changed() -> None:
    invalidate(COVERAGE_KEY, _ending_key(clock.today()))


def _coverage(chamber_id: int | None = None) -> dict:
    eligible_stmt = (
        select(func.count())
        .select_from(Enterprise)
        .where(
            Enterprise.size_class.in_(("small", "micro")),
            Enterprise.verification == Verification.verified,
        )
    )
    covered_stmt = (
        select(func.count(func.distinct(CounselMembership.enterprise_id)))
        .join(CounselGroup)
        .where(CounselMembership.left_on.is_(None), CounselGroup.status == GroupStatus.active)
    )
    groups_stmt = (
        select(func.count())
        .select_from(CounselGroup)
        .where(CounselGroup.status == GroupStatus.active)
    )
    if chamber_id is not None:
        eligible_stmt = eligible_stmt.where(Enterprise.id.in_(_chamber_firms(chamber_id)))
        covered_stmt = covered_stmt.where(
            CounselMembership.enterprise_id.in_(_chamber_firms(chamber_id))
        )
        groups_stmt = groups_stmt.where(CounselGroup.chamber_id == chamber_id)
    eligible = db.session.scalar(eligible_stmt) or 0
    covered = db.session.scalar(covered_stmt) or 0
    groups = db.session.scalar(groups_stmt) or 0
    return {
        "eligible": eligible,
        "covered": covered,
        "groups": groups,
        "share": round(100 * covered / eligible, 1) if eligible else 0.0,
    }


def services_in(start: date | None, end: date | None):
    stmt = (
        select(CounselService)
        .where(CounselService.status != ServiceStatus.withdrawn)
        .options(
            selectinload(CounselService.enterprise).selectinload(Enterprise.chambers),
            selectinload(CounselService.lawyer),
            selectinload(CounselService.group),
        )
        .order_by(CounselService.service_date, CounselService.id)
    )
    if start:
        stmt = stmt.where(CounselService.service_date >= start)
    if end:
        stmt = stmt.where(CounselService.service_date <= end)
    return db.session.scalars(stmt).all()


def breakdown(services, dimension: str) -> list[dict]:
    """Rows of services and hours keyed by lawyer, group, chamber or month."""
    rows: dict = defaultdict(
        lambda: {"services": 0, "confirmed": 0, "minutes": 0, "confirmed_minutes": 0}
    )
    for service in services:
        if dimension == "lawyer":
            keys = [service.lawyer.name]
        elif dimension == "group":
            keys = [service.group.name]
        elif dimension == "chamber":
            keys = [c.name for c in service.enterprise.chambers] or [_("(no chamber)")]
        else:
            keys = [service.service_date.strftime("%Y-%m")]
        for key in keys:
            row = rows[key]
            row["services"] += 1
            row["minutes"] += service.minutes
            if service.status == ServiceStatus.confirmed:
                row["confirmed"] += 1
                row["confirmed_minutes"] += service.minutes
    result = []
    for key in sorted(rows):
        row = rows[key]
        result.append(
            {
                "key": key,
                **row,
                "hours": round(row["minutes"] / 60, 1),
                "confirmed_hours": round(row["confirmed_minutes"] / 60, 1),
            }
        )
    return result


def quiet_firms(days: int = QUIET_DAYS, today: date | None = None) -> list[dict]:
    """Current members of active groups with no confirmed service in the last `days` days."""
    since = (today or clock.today()) - timedelta(days=days)
    last_confirmed = (
        select(CounselService.enterprise_id, func.max(CounselService.service_date).label("last"))
        .where(CounselService.status == ServiceStatus.confirmed)
        .group_by(CounselService.enterprise_id)
        .subquery()
    )
    rows = db.session.execute(
        select(CounselMembership, last_confirmed.c.last)
        .options(joinedload(CounselMembership.enterprise), joinedload(CounselMembership.group))
        .join(CounselGroup)
        .outerjoin(
            last_confirmed, last_confirmed.c.enterprise_id == CounselMembership.enterprise_id
        )
        .where(CounselMembership.left_on.is_(None), CounselGroup.status == GroupStatus.active)
        .order_by(CounselMembership.joined_on, CounselMembership.id)
    ).all()
    return [
        {"membership": m, "enterprise": m.enterprise, "group": m.group, "last": last}
        for m, last in rows
        if last is None or last < since
    ]


def groups_ending(days: int = 30, today: date | None = None):
    """The active groups ending by then, as rows of id, name and end_date (what their
    reminders show: not the groups' firms and counsel)."""
    until = (today or clock.today()) + timedelta(days=days)
    return db.session.execute(
        select(CounselGroup.id, CounselGroup.name, CounselGroup.end_date)
        .where(CounselGroup.status == GroupStatus.active, CounselGroup.end_date <= until)
        .order_by(CounselGroup.end_date)
    ).all()


ENDING_DAYS = 30


def _ending_key(today: date) -> str:
    return f"counsel:ending:{today.isoformat()}"


def groups_ending_soon() -> list[SimpleNamespace]:
    """groups_ending() of the next 30 days as the groups list shows them on every view: kept
    in the short-lived cache (COVERAGE_TTL) under today's date and dropped with the coverage
    figures when a group is created, renewed or ended (`coverage_changed`)."""
    today = clock.today()

    def ending():
        rows = groups_ending(ENDING_DAYS, today)
        return [[row.id, row.name, row.end_date.isoformat()] for row in rows]

    return [
        SimpleNamespace(id=group_id, name=name, end_date=date.fromisoformat(end))
        for group_id, name, end in get_or_set(_ending_key(today), COVERAGE_TTL, ending)
    ]


def of_chamber(services, quiet, chamber_id):
    """The services for, and quiet firms among, one chamber's member firms (all for None)."""
    if chamber_id is None:
        return services, quiet
    firms = set(db.session.scalars(_chamber_firms(chamber_id)))
    return (
        [s for s in services if s.enterprise_id in firms],
        [q for q in quiet if q["enterprise"].id in firms],
    )


def stats(start, end, chamber_id=None) -> dict:
    """For the dashboard: coverage now, services and hours in the period; with chamber_id,
    the chamber's groups and the services and quiet firms among its member firms."""
    if isinstance(start, datetime):
        # The dashboard's [start, end) UTC bounds of whole Beijing days -> the days themselves.
        start, end = clock.dates_of(start, end)
    services, quiet = of_chamber(services_in(start, end), quiet_firms(), chamber_id)
    cov = coverage(chamber_id)
    return {
        "label": _l("5+1 counsel"),
        "active_groups": cov["groups"],
        "covered_firms": cov["covered"],
        "eligible_firms": cov["eligible"],
        "coverage_percent": cov["share"],
        "services": len(services),
        "confirmed_services": sum(1 for s in services if s.status == ServiceStatus.confirmed),
        "hours": round(sum(s.minutes for s in services) / 60, 1),
        "quiet_firms": len(quiet),
    }


def _sheet(workbook, title, header, rows, widths=None):
    return workbook.add_sheet(title, header=header, rows=rows, widths=widths)


def xlsx(start: date | None, end: date | None) -> bytes:
    services = services_in(start, end)
    workbook = XlsxBook()
    cov = coverage()
    _sheet(
        workbook,
        _("Coverage"),
        [
            _("Active groups"),
            _("Firms in active groups"),
            _("Eligible small and micro firms"),
            _("Coverage %"),
        ],
        [[cov["groups"], cov["covered"], cov["eligible"], cov["share"]]],
        [16, 22, 28, 14],
    )
    header = [_("Name"), _("Services"), _("Confirmed"), _("Hours"), _("Confirmed hours")]
    for dimension, title in (
        ("lawyer", _("By lawyer")),
        ("group", _("By group")),
        ("chamber", _("By chamber")),
        ("month", _("By month")),
    ):
        _sheet(
            workbook,
            title,
            header,
            [
                [r["key"], r["services"], r["confirmed"], r["hours"], r["confirmed_hours"]]
                for r in breakdown(services, dimension)
            ],
            [30, 12, 12, 12, 16],
        )
    _sheet(
        workbook,
        _("Services"),
        [
            _("Date"),
            _("Group"),
            _("Enterprise"),
            _("Lawyer"),
            _("Service"),
            _("Minutes"),
            _("Status"),
            _("Note"),
        ],
        [
            [
                s.service_date,
                s.group.name,
                s.enterprise.name,
                s.lawyer.name,
                s.kind_label,
                s.minutes,
                s.status_label,
                s.note[:500],
            ]
            for s in services
        ],
        [12, 24, 30, 12, 14, 10, 14, 50],
    )
    _sheet(
        workbook,
        _("No service in 90 days"),
        [_("Enterprise"), _("Group"), _("Member since"), _("Last confirmed service")],
        [
            [q["enterprise"].name, q["group"].name, q["membership"].joined_on, q["last"] or ""]
            for q in quiet_firms()
        ],
        [30, 24, 14, 20],
    )
    return workbook.to_bytes()
