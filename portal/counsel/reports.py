"""Coverage, services and hours, firms left without service; XLSX export. Read-only."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, null, select

from portal.accounts.models import (
    Enterprise,
    User,
    Verification,
    enterprise_chambers,
)
from portal.core import clock
from portal.core.cache import get_or_set, invalidate
from portal.core.db import db
from portal.core.exports import XlsxBook
from portal.core.i18n import current_language
from portal.core.labels import chamber_labels, distinct_labels, lawyer_labels
from portal.counsel.models import (
    SERVICE_KIND_LABELS,
    SERVICE_STATUS_LABELS,
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


def _services(start: date | None, end: date | None, chamber_id: int | None, *columns):
    """SELECT columns FROM the services of the period that count (not withdrawn), optionally
    only those for one chamber's member firms."""
    stmt = (
        select(*columns)
        .select_from(CounselService)
        .where(CounselService.status != ServiceStatus.withdrawn)
    )
    if start:
        stmt = stmt.where(CounselService.service_date >= start)
    if end:
        stmt = stmt.where(CounselService.service_date <= end)
    if chamber_id is not None:
        stmt = stmt.where(CounselService.enterprise_id.in_(_chamber_firms(chamber_id)))
    return stmt


_CONFIRMED = CounselService.status == ServiceStatus.confirmed


def _sums():
    """Services, confirmed services, minutes and confirmed minutes of a group of services."""
    return (
        func.count().label("services"),
        func.coalesce(func.sum(case((_CONFIRMED, 1), else_=0)), 0).label("confirmed"),
        func.coalesce(func.sum(CounselService.minutes), 0).label("minutes"),
        func.coalesce(func.sum(case((_CONFIRMED, CounselService.minutes), else_=0)), 0).label(
            "confirmed_minutes"
        ),
    )


def services_in(start: date | None, end: date | None, chamber_id: int | None = None):
    """The services of the period, in date order, as plain rows of what the export prints:
    date, group, firm, lawyer, kind, minutes, status, note."""
    stmt = (
        _services(
            start,
            end,
            chamber_id,
            CounselService.service_date,
            CounselGroup.name.label("group_name"),
            Enterprise.name.label("enterprise_name"),
            User.name.label("lawyer_name"),
            CounselService.kind,
            CounselService.minutes,
            CounselService.status,
            CounselService.note,
        )
        .join(CounselGroup, CounselGroup.id == CounselService.group_id)
        .join(Enterprise, Enterprise.id == CounselService.enterprise_id)
        .join(User, User.id == CounselService.lawyer_id)
        .order_by(CounselService.service_date, CounselService.id)
    )
    return db.session.execute(stmt).all()


def totals(start: date | None, end: date | None, chamber_id: int | None = None) -> dict:
    """Services, confirmed services, minutes and confirmed minutes of the period (one
    statement)."""
    row = db.session.execute(_services(start, end, chamber_id, *_sums())).one()
    return {name: int(getattr(row, name) or 0) for name in _SUMS}


_SUMS = ("services", "confirmed", "minutes", "confirmed_minutes")


def breakdown(
    start: date | None, end: date | None, dimension: str, chamber_id: int | None = None
) -> list[dict]:
    """Rows of services and hours keyed by lawyer, group, chamber or month: one GROUP BY
    statement. Lawyers, groups and chambers are grouped by id and shown by name, told apart
    when two share one (distinct_labels); a service counts once for each chamber its firm
    belongs to, "(no chamber)" for none; months are summed here from the days' rows (no
    dialect's date functions)."""
    if dimension == "lawyer":
        key = CounselService.lawyer_id
    elif dimension == "group":
        key = CounselService.group_id
    elif dimension == "chamber":
        key = enterprise_chambers.c.chamber_id
    else:
        key = CounselService.service_date
    stmt = _services(start, end, chamber_id, key, *_sums())
    if dimension == "chamber":
        stmt = stmt.outerjoin(
            enterprise_chambers,
            enterprise_chambers.c.enterprise_id == CounselService.enterprise_id,
        )
    found_rows = db.session.execute(stmt.group_by(key)).all()
    label = _labeller(dimension, {found[0] for found in found_rows})
    rows: dict = defaultdict(dict.fromkeys(_SUMS, 0).copy)
    for found in found_rows:
        row = rows[label(found[0])]
        for field in _SUMS:
            row[field] += int(getattr(found, field) or 0)
    result = []
    for name in sorted(rows):
        row = rows[name]
        result.append(
            {
                "key": name,
                **row,
                "hours": round(row["minutes"] / 60, 1),
                "confirmed_hours": round(row["confirmed_minutes"] / 60, 1),
            }
        )
    return result


def _labeller(dimension: str, ids: set):
    """The shown name of a breakdown's key: a month's "2026-05", a lawyer's, group's or
    chamber's name (with a law firm, an id or a code when two share a name)."""
    if dimension == "month":
        return lambda day: day.strftime("%Y-%m")
    ids.discard(None)
    if dimension == "lawyer":
        labels = lawyer_labels(ids)
    elif dimension == "chamber":
        labels = chamber_labels(ids)
    else:
        stmt = select(CounselGroup.id, CounselGroup.name, null()).where(CounselGroup.id.in_(ids))
        labels = distinct_labels(db.session.execute(stmt)) if ids else {}
    return lambda id_: labels[id_] if id_ is not None else _("(no chamber)")


REPORT_TTL = 60  # seconds; the report's tables show a new or confirmed service within this time
DIMENSIONS = ("lawyer", "group", "chamber", "month")


def tables(start: date | None, end: date | None, chamber_id: int | None = None) -> dict:
    """breakdown() by lawyer, group, chamber and month: four GROUP BY statements over the
    period's services, kept REPORT_TTL seconds in the short shared cache (per period, chamber
    and language: "(no chamber)" is translated). No write drops them; they are at most that
    old."""
    key = f"counsel:report:{start or ''}:{end or ''}:{chamber_id or ''}:{current_language()}"
    return get_or_set(
        key,
        REPORT_TTL,
        lambda: {d: breakdown(start, end, d, chamber_id) for d in DIMENSIONS},
    )


def report_page_key(start: date | None, end: date | None, chamber_id: int | None) -> str:
    """The key under which the report page keeps its tables and firms without service as it
    wrote them (views.report), REPORT_TTL seconds: per period, chamber, language and day (the
    90 days of quiet_firms count back from today). Writing its ~1,000 rows cost the page some
    15 ms at scale 1, the quiet firms' NOT EXISTS as much again. No write drops it: a service
    logged or confirmed shows in the tables, and takes its firm off the list, within
    REPORT_TTL. The XLSX export reads the quiet firms afresh and the tables through tables()."""
    return (
        f"counsel:report-page:{start or ''}:{end or ''}:{chamber_id or ''}:"
        f"{current_language()}:{clock.today()}"
    )


def _quiet(days: int, today: date | None, chamber_id: int | None, columns):
    """SELECT columns(last) FROM the current memberships of active groups whose firm had no
    confirmed service in the last `days` days (optionally one chamber's member firms); `last`
    is the firm's last confirmed service's date, looked up for those rows only."""
    since = (today or clock.today()) - timedelta(days=days)

    def confirmed():
        return select(CounselService.id).where(
            CounselService.enterprise_id == CounselMembership.enterprise_id,
            CounselService.status == ServiceStatus.confirmed,
        )

    last = (
        confirmed()
        .with_only_columns(func.max(CounselService.service_date))
        .scalar_subquery()
        .label("last")
    )
    stmt = (
        select(*columns(last))
        .select_from(CounselMembership)
        .join(CounselGroup, CounselGroup.id == CounselMembership.group_id)
        .where(
            CounselMembership.left_on.is_(None),
            CounselGroup.status == GroupStatus.active,
            ~confirmed().where(CounselService.service_date >= since).exists(),
        )
    )
    if chamber_id is not None:
        stmt = stmt.where(CounselMembership.enterprise_id.in_(_chamber_firms(chamber_id)))
    return stmt


def quiet_firms(
    days: int = QUIET_DAYS, today: date | None = None, chamber_id: int | None = None
) -> list[dict]:
    """Current members of active groups with no confirmed service in the last `days` days, in
    the order they joined: enterprise (id, name), group (id, name), membership (joined_on) and
    the last confirmed service's date (None: never), as plain rows."""
    rows = db.session.execute(
        _quiet(
            days,
            today,
            chamber_id,
            lambda last: (
                CounselMembership.enterprise_id,
                Enterprise.name.label("enterprise_name"),
                CounselGroup.id.label("group_id"),
                CounselGroup.name.label("group_name"),
                CounselMembership.joined_on,
                last,
            ),
        )
        .join(Enterprise, Enterprise.id == CounselMembership.enterprise_id)
        .order_by(CounselMembership.joined_on, CounselMembership.id)
    ).all()
    return [
        {
            "membership": SimpleNamespace(joined_on=row.joined_on),
            "enterprise": SimpleNamespace(id=row.enterprise_id, name=row.enterprise_name),
            "group": SimpleNamespace(id=row.group_id, name=row.group_name),
            "last": row.last,
        }
        for row in rows
    ]


def quiet_count(
    days: int = QUIET_DAYS, today: date | None = None, chamber_id: int | None = None
) -> int:
    """How many rows quiet_firms() has (one COUNT)."""
    return db.session.scalar(_quiet(days, today, chamber_id, lambda last: (func.count(),))) or 0


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


def stats(start, end, chamber_id=None) -> dict:
    """For the dashboard: coverage now, services and hours in the period; with chamber_id,
    the chamber's groups and the services and quiet firms among its member firms."""
    if isinstance(start, datetime):
        # The dashboard's [start, end) UTC bounds of whole Beijing days -> the days themselves.
        start, end = clock.dates_of(start, end)
    sums = totals(start, end, chamber_id)
    cov = coverage(chamber_id)
    return {
        "label": _l("5+1 counsel"),
        "active_groups": cov["groups"],
        "covered_firms": cov["covered"],
        "eligible_firms": cov["eligible"],
        "coverage_percent": cov["share"],
        "services": sums["services"],
        "confirmed_services": sums["confirmed"],
        "hours": round(sums["minutes"] / 60, 1),
        "quiet_firms": quiet_count(chamber_id=chamber_id),
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
    figures = tables(start, end)
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
                for r in figures[dimension]
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
                s.group_name,
                s.enterprise_name,
                s.lawyer_name,
                str(SERVICE_KIND_LABELS[s.kind]),
                s.minutes,
                str(SERVICE_STATUS_LABELS[s.status]),
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
