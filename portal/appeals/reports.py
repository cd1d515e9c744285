"""Monthly ledger and figures (collected, resolved, share, by category and department); XLSX."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.appeals.models import CATEGORY_LABELS, LAW_RELATED, AppealReferral, AppealStatus
from portal.core import clock
from portal.core.db import db
from portal.core.exports import XlsxBook


def month_bounds(month: str | None) -> tuple[date, date]:
    """'2026-11' -> (2026-11-01, 2026-11-30); anything unreadable means the current month."""
    return clock.month_days(clock.parse_month(month) or clock.today())


def _as_dt(day: date, end=False) -> datetime:
    """Beijing midnight starting `day` (end=True: ending it), as naive UTC."""
    return clock.day_start_utc(day + timedelta(days=1) if end else day)


def referrals_created(start: date, end: date):
    return db.session.scalars(
        select(AppealReferral)
        .where(
            AppealReferral.created_dt >= _as_dt(start),
            AppealReferral.created_dt < _as_dt(end, True),
        )
        .options(selectinload(AppealReferral.enterprise))
        .order_by(AppealReferral.created_dt, AppealReferral.id)
    ).all()


def figures(start: date, end: date, *, labels: bool = True) -> dict:
    """Collected in the period, resolved (closed) in the period, and how many of the collected
    are closed by now; broken down by category and by department (keyed by code when
    labels=False, so it also works outside a request, e.g. from a CLI report)."""
    collected = referrals_created(start, end)
    resolved_in_period = db.session.scalars(
        select(AppealReferral).where(
            AppealReferral.closed_dt >= _as_dt(start), AppealReferral.closed_dt < _as_dt(end, True)
        )
    ).all()
    closed_of_collected = [r for r in collected if r.status == AppealStatus.closed]
    by_category = defaultdict(lambda: {"collected": 0, "resolved": 0})
    by_department = defaultdict(lambda: {"collected": 0, "resolved": 0})
    for referral in collected:
        resolved = referral.status == AppealStatus.closed
        for table, key in (
            (
                by_category,
                str(CATEGORY_LABELS[referral.category]) if labels else referral.category.value,
            ),
            (
                by_department,
                referral.department or (_("Federation directly") if labels else ""),
            ),
        ):
            table[key]["collected"] += 1
            table[key]["resolved"] += int(resolved)

    def rows(table):
        return [
            {
                "key": key,
                **values,
                "share": round(100 * values["resolved"] / values["collected"], 1)
                if values["collected"]
                else 0.0,
            }
            for key, values in sorted(table.items(), key=lambda item: -item[1]["collected"])
        ]

    open_items = db.session.scalars(
        select(AppealReferral).where(AppealReferral.status != AppealStatus.closed)
    ).all()
    return {
        "collected": len(collected),
        "resolved": len(closed_of_collected),
        "share": round(100 * len(closed_of_collected) / len(collected), 1) if collected else 0.0,
        "resolved_in_period": len(resolved_in_period),
        "law_related_resolved": sum(1 for r in closed_of_collected if r.category in LAW_RELATED),
        "law_related": sum(1 for r in collected if r.category in LAW_RELATED),
        "escalated": sum(1 for r in collected if r.escalation_level),
        "escalated_resolved": sum(1 for r in closed_of_collected if r.escalation_level),
        "overdue_open": sum(1 for r in open_items if r.is_overdue),
        "by_category": rows(by_category),
        "by_department": rows(by_department),
        "ledger": collected,
    }


def stats(start, end) -> dict:
    if isinstance(start, datetime):
        # The dashboard's [start, end) UTC bounds of whole Beijing days -> the days themselves.
        start, end = clock.dates_of(start, end)
    result = figures(start, end, labels=False)
    return {
        "label": _l("Appeal referrals"),
        "collected": result["collected"],
        "resolved": result["resolved"],
        "resolved_percent": result["share"],
        "law_related_resolved": result["law_related_resolved"],
        "escalated": result["escalated"],
        "overdue_open": result["overdue_open"],
    }


def _sheet(workbook, title, header, rows, widths=None):
    return workbook.add_sheet(title, header=header, rows=rows, widths=widths)


def xlsx(start: date, end: date) -> bytes:
    result = figures(start, end)
    workbook = XlsxBook()
    _sheet(
        workbook,
        _("Figures"),
        [
            _("From"),
            _("To"),
            _("Collected"),
            _("Resolved"),
            _("Share resolved"),
            _("Law-related resolved"),
            _("Escalated as overdue"),
            _("Overdue open"),
        ],
        [
            [
                start,
                end,
                result["collected"],
                result["resolved"],
                result["share"],
                result["law_related_resolved"],
                result["escalated"],
                result["overdue_open"],
            ]
        ],
        [12, 12, 12, 12, 12, 20, 16, 14],
    )
    header = [_("Name"), _("Collected"), _("Resolved"), _("Share resolved")]
    for title, key in ((_("By category"), "by_category"), (_("By department"), "by_department")):
        _sheet(
            workbook,
            title,
            header,
            [[r["key"], r["collected"], r["resolved"], r["share"]] for r in result[key]],
            [30, 12, 12, 12],
        )
    _sheet(
        workbook,
        _("Ledger"),
        [
            _("No."),
            _("Date"),
            _("Enterprise"),
            _("Summary"),
            _("Category"),
            _("Register reference"),
            _("Department"),
            _("Status"),
            _("Due"),
            _("Escalation level"),
            _("Closed"),
        ],
        [
            [
                r.id,
                clock.local_date(r.created_dt),
                r.enterprise.name,
                r.summary,
                r.category_label,
                r.register_ref or "",
                r.department,
                r.status_label,
                r.stage_due_date or "",
                r.escalation_level,
                clock.local_date(r.closed_dt) if r.closed_dt else "",
            ]
            for r in result["ledger"]
        ],
        [8, 12, 30, 40, 18, 20, 20, 22, 12, 10, 12],
    )
    return workbook.to_bytes()
