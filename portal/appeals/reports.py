"""Figures, the monthly ledger (台账, XLSX), the monthly bulletin (通报, DOCX), the annual summary."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import enterprise_chambers
from portal.appeals.models import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    LAW_RELATED,
    ROUTE_LABELS,
    TIER_LABELS,
    AppealCategory,
    AppealEvaluation,
    AppealOrganisation,
    AppealReferral,
    AppealStatus,
    Channel,
    Route,
    Tier,
)
from portal.core import clock, word
from portal.core.cache import get_or_set
from portal.core.db import db
from portal.core.exports import XlsxBook
from portal.core.i18n import format_day, format_month

# The federation's documents: 仿宋 body, 黑体 headings (portal.core.word declares fall-backs).
BODY_FONT, HEADING_FONT = "仿宋", "黑体"


def month_bounds(month: str | None) -> tuple[date, date]:
    """'2026-11' -> (2026-11-01, 2026-11-30); anything unreadable means the current month."""
    return clock.month_days(clock.parse_month(month) or clock.today())


def parse_month(month: str) -> tuple[date, date]:
    """Strict: raise ValueError with a message for anything but YYYY-MM."""
    first = clock.parse_month(month)
    if first is None:
        raise ValueError(f"month must look like 2026-11, not {month!r}")
    return clock.month_days(first)


def _as_dt(day: date, end=False) -> datetime:
    """Beijing midnight starting `day` (end=True: ending it), as naive UTC."""
    return clock.day_start_utc(day + timedelta(days=1) if end else day)


def referrals_created(start: date, end: date, chamber_id: int | None = None):
    """The items collected in the period as objects, for the exports (every row, every column)."""
    return db.session.scalars(
        _of_chamber(
            select(AppealReferral)
            .where(*_collected_in(start, end))
            .options(
                selectinload(AppealReferral.enterprise),
                selectinload(AppealReferral.organisation),
                selectinload(AppealReferral.evaluations),
            )
            .order_by(AppealReferral.created_dt, AppealReferral.id),
            chamber_id,
        )
    ).all()


def _collected_between(start_dt, end_dt):
    return (
        AppealReferral.created_dt >= start_dt,
        AppealReferral.created_dt < end_dt,
        AppealReferral.status != AppealStatus.merged,
    )


def _open_and_due_before(due_before):
    return (
        AppealReferral.status.not_in(
            (AppealStatus.closed, AppealStatus.merged, AppealStatus.satisfied)
        ),
        AppealReferral.stage_due_date < due_before,
    )


# The two rules with the period's bounds as parameters: the ledger page's lists are built once
# from them (views.ledger) and run with `collected_params` / `overdue_params`.
COLLECTED_IN = _collected_between(
    bindparam("start_dt", type_=AppealReferral.created_dt.type),
    bindparam("end_dt", type_=AppealReferral.created_dt.type),
)
OVERDUE_ON = _open_and_due_before(bindparam("due_before", type_=AppealReferral.stage_due_date.type))


def collected_params(start: date, end: date) -> dict:
    return {"start_dt": _as_dt(start), "end_dt": _as_dt(end, True)}


def overdue_params(start: date, end: date) -> dict:
    # Before today, or before the period's end for a past one.
    return {"due_before": min(clock.today(), end + timedelta(days=1))}


def _collected_in(start: date, end: date):
    """Collected in the period: created in it, not merged into another item."""
    return _collected_between(**collected_params(start, end))


def _overdue_on(start: date, end: date):
    """Open items whose stage was due before today (before the period's end, for a past one)."""
    return _open_and_due_before(**overdue_params(start, end))


def overdue_items(start: date, end: date, chamber_id: int | None = None):
    """The overdue open items as objects, most overdue first (the exports list them all)."""
    return db.session.scalars(
        _of_chamber(
            select(AppealReferral)
            .where(*_overdue_on(start, end))
            .options(selectinload(AppealReferral.organisation))
            .order_by(AppealReferral.stage_due_date, AppealReferral.id),
            chamber_id,
        )
    ).all()


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def _rows(counts, label):
    """[(key, collected, resolved)] -> the breakdown's rows, most collected first."""
    table = defaultdict(lambda: {"collected": 0, "resolved": 0})
    for k, collected, resolved in counts:
        table[k]["collected"] += collected
        table[k]["resolved"] += resolved
    return [
        {"key": k, "label": label(k), **v, "share": _share(v["resolved"], v["collected"])}
        for k, v in sorted(table.items(), key=lambda kv: (-kv[1]["collected"], str(kv[0])))
    ]


def _of_chamber(stmt, chamber_id):
    """Only the items of one chamber's member firms (the statistics page's chamber filter)."""
    if chamber_id is None:
        return stmt
    return stmt.where(
        AppealReferral.enterprise_id.in_(
            select(enterprise_chambers.c.enterprise_id).where(
                enterprise_chambers.c.chamber_id == chamber_id
            )
        )
    )


# The figures of a period, counted by the database and kept in the short shared cache for this
# many seconds: a ledger or dashboard shown again within it may miss the last minute's changes.
FIGURES_TTL = 60

# What each breakdown groups by, and how a grouped value (as the cache keeps it) becomes the
# key the breakdown sorts and labels by.
_BREAKDOWNS = {
    "by_channel": (AppealReferral.channel, Channel),
    "by_tier": (AppealReferral.tier, lambda v: Tier(v) if v else None),
    "by_route": (AppealReferral.route, Route),
    "by_category": (AppealReferral.category, AppealCategory),
    "by_department": (AppealReferral.organisation_id, None),
}


def counts(start: date, end: date, chamber_id: int | None = None) -> dict:
    """The period's figures as plain numbers (what the cache keeps): a few grouped counts over
    the collected items, not the items themselves."""
    closed = AppealReferral.status == AppealStatus.closed
    collected = _of_chamber(select(AppealReferral.id).where(*_collected_in(start, end)), chamber_id)
    # One pass over the period's items, grouped by every breakdown's column at once (a few
    # hundred groups a month), added up here: one read of the rows instead of six.
    columns = [column for column, _key in _BREAKDOWNS.values()]
    escalated = AppealReferral.escalation_level != 0
    groups = db.session.execute(
        collected.with_only_columns(*columns, closed, escalated, func.count())
        .group_by(*columns, closed, escalated)
        .order_by(None)
    ).all()
    out = {"collected": 0, "resolved": 0, "law_related": 0, "law_related_resolved": 0}
    out["escalated_overdue"] = 0
    tables = {name: {} for name in _BREAKDOWNS}
    for *values, was_closed, was_escalated, n in groups:
        done = n if was_closed else 0
        out["collected"] += n
        out["resolved"] += done
        out["escalated_overdue"] += n if was_escalated else 0
        if values[3] in LAW_RELATED:
            out["law_related"] += n
            out["law_related_resolved"] += done
        for name, value in zip(_BREAKDOWNS, values, strict=True):
            counts = tables[name].setdefault(getattr(value, "value", value), [0, 0])
            counts[0] += n
            counts[1] += done
    for name, table in tables.items():
        out[name] = [[v, n, done] for v, (n, done) in table.items()]
    names = dict(
        db.session.execute(
            select(AppealOrganisation.id, AppealOrganisation.name).where(
                AppealOrganisation.id.in_([v for v, _n, _d in out["by_department"] if v])
            )
        ).all()
    )
    out["by_department"] = [[names.get(v, ""), n, d] for v, n, d in out["by_department"]]
    out["resolved_in_period"] = db.session.scalar(
        _of_chamber(
            select(func.count()).where(
                closed,
                AppealReferral.closed_dt >= _as_dt(start),
                AppealReferral.closed_dt < _as_dt(end, True),
            ),
            chamber_id,
        )
    )
    # The scores as plain rows, in the order they were given: the averages are worked out as
    # before (each evaluation's own average rounded, then averaged), to the last digit.
    out["evaluations"] = [
        list(row)
        for row in db.session.execute(
            _of_chamber(
                select(
                    AppealEvaluation.timeliness,
                    AppealEvaluation.result,
                    AppealEvaluation.attitude,
                    AppealEvaluation.satisfied,
                )
                .join(AppealReferral, AppealReferral.id == AppealEvaluation.referral_id)
                .where(
                    AppealEvaluation.created_dt >= _as_dt(start),
                    AppealEvaluation.created_dt < _as_dt(end, True),
                )
                .order_by(AppealEvaluation.id),
                chamber_id,
            )
        )
    ]
    out["overdue_open"] = db.session.scalar(
        _of_chamber(select(func.count()).where(*_overdue_on(start, end)), chamber_id)
    )
    return out


def cached_counts(start: date, end: date, chamber_id: int | None = None) -> dict:
    key = f"appeals:figures:{start}:{end}:{chamber_id or ''}:{clock.today()}"
    return get_or_set(key, FIGURES_TTL, lambda: counts(start, end, chamber_id))


def figures(
    start: date,
    end: date,
    *,
    labels: bool = True,
    chamber_id: int | None = None,
    items: bool = True,
    counted: dict | None = None,
) -> dict:
    """Collected in the period and what became of them by now (closed = 办结销号), by channel,
    tier, route, category and department; overdue open items; the average evaluation.
    With chamber_id: only the items of that chamber's member firms. items=False: the figures
    alone, without the lists of the collected ("ledger") and overdue ("overdue") items.
    counted: the period's counts() when the caller has them (else from the cache)."""
    c = cached_counts(start, end, chamber_id) if counted is None else counted
    routes = {Route(v): (n, done) for v, n, done in c["by_route"] if v is not None}
    evaluations = [
        (round((t + r + a) / 3, 2), t, r, a, satisfied) for t, r, a, satisfied in c["evaluations"]
    ]

    def avg(values):
        values = list(values)
        return round(sum(values) / len(values), 2) if values else None

    def text(mapping):
        return (lambda k: str(mapping[k]) if k is not None and k in mapping else _("(not triaged)")) \
            if labels else (lambda k: "" if k is None else str(getattr(k, "value", k)))  # fmt: skip

    def breakdown(name, label):
        key = _BREAKDOWNS[name][1]
        rows = c[name] if key is None else [
            (None if v is None else key(v), n, done) for v, n, done in c[name]
        ]  # fmt: skip
        return _rows(rows, label)

    result = {
        "start": start,
        "end": end,
        "collected": c["collected"],
        "resolved": c["resolved"],
        "share": _share(c["resolved"], c["collected"]),
        "resolved_in_period": c["resolved_in_period"],
        "law_related": c["law_related"],
        "law_related_resolved": c["law_related_resolved"],
        "direct": routes.get(Route.direct, (0, 0))[0],
        "forwarded": routes.get(Route.forwarded, (0, 0))[0],
        "forwarded_done": routes.get(Route.forwarded, (0, 0))[1],
        "escalated": routes.get(Route.escalated, (0, 0))[0],
        "escalated_done": routes.get(Route.escalated, (0, 0))[1],
        "escalated_overdue": c["escalated_overdue"],
        "by_channel": breakdown("by_channel", text(CHANNEL_LABELS)),
        "by_tier": breakdown("by_tier", text(TIER_LABELS)),
        "by_route": breakdown("by_route", text(ROUTE_LABELS)),
        "by_category": breakdown("by_category", text(CATEGORY_LABELS)),
        "by_department": breakdown(
            "by_department", (lambda k: k or _("Federation directly")) if labels else (lambda k: k)
        ),
        "overdue_open": c["overdue_open"],
        "evaluations": len(evaluations),
        "satisfied": sum(1 for e in evaluations if e[4]),
        "avg_timeliness": avg(e[1] for e in evaluations),
        "avg_result": avg(e[2] for e in evaluations),
        "avg_attitude": avg(e[3] for e in evaluations),
        "avg_score": avg(e[0] for e in evaluations),
    }
    if items:
        result["overdue"] = overdue_items(start, end, chamber_id)
        result["ledger"] = referrals_created(start, end, chamber_id)
    return result


def route_sentence(f) -> str:
    return _(
        "%(direct)s resolved directly; %(forwarded)s forwarded to the responsible departments, "
        "%(forwarded_done)s of them done; %(escalated)s escalated to the city leadership, "
        "%(escalated_done)s of them done.",
        direct=f["direct"],
        forwarded=f["forwarded"],
        forwarded_done=f["forwarded_done"],
        escalated=f["escalated"],
        escalated_done=f["escalated_done"],
    )


def summary_sentence(f) -> str:
    return _(
        "%(collected)s appeals collected, %(resolved)s resolved and closed, closure rate "
        "%(share)s%%.",
        collected=f["collected"],
        resolved=f["resolved"],
        share=f["share"],
    )


def stats(start, end, chamber_id=None) -> dict:
    if isinstance(start, datetime):
        # The dashboard's [start, end) UTC bounds of whole Beijing days -> the days themselves.
        start, end = clock.dates_of(start, end)
    result = figures(start, end, labels=False, chamber_id=chamber_id, items=False)
    return {
        "label": _l("Appeal items"),
        "collected": result["collected"],
        "resolved": result["resolved"],
        "resolved_percent": result["share"],
        "law_related_resolved": result["law_related_resolved"],
        "direct": result["direct"],
        "forwarded": result["forwarded"],
        "forwarded_done": result["forwarded_done"],
        "escalated": result["escalated"],
        "escalated_done": result["escalated_done"],
        "overdue_open": result["overdue_open"],
    }


# --- exports: small functions the house's exports module can take over -----------------------


def _xlsx_sheet(workbook, title, header, rows, widths):
    return workbook.add_sheet(title, header=header, rows=rows, widths=widths)


def _breakdown_rows(rows):
    return [[r["label"], r["collected"], r["resolved"], r["share"]] for r in rows]


def ledger_xlsx(start: date, end: date) -> bytes:
    f = figures(start, end)
    workbook = XlsxBook()
    _xlsx_sheet(
        workbook,
        _("Figures"),
        [_("From"), _("To"), _("Collected"), _("Resolved"), _("Closure rate"),
         _("Resolved directly"), _("Forwarded"), _("Forwarded, done"), _("Escalated to the city leadership"),
         _("Escalated, done"), _("Overdue open"), _("Average evaluation")],
        [[start, end, f["collected"], f["resolved"], f["share"], f["direct"], f["forwarded"],
          f["forwarded_done"], f["escalated"], f["escalated_done"], f["overdue_open"],
          f["avg_score"] or ""]],
        [12] * 12,
    )  # fmt: skip
    header = [_("Name"), _("Collected"), _("Resolved"), _("Closure rate")]
    for title, key in (
        (_("By channel"), "by_channel"),
        (_("By tier"), "by_tier"),
        (_("By route"), "by_route"),
        (_("By category"), "by_category"),
        (_("By department"), "by_department"),
    ):
        _xlsx_sheet(workbook, title, header, _breakdown_rows(f[key]), [36, 12, 12, 14])
    _xlsx_sheet(
        workbook,
        _("Ledger"),
        [_("No."), _("Collected"), _("Channel"), _("Collected by"), _("Enterprise"),
         _("Summary"), _("Category"), _("Tier"), _("Reason for the tier"), _("Route"),
         _("Department"), _("Handling stage"), _("Due"), _("Escalated to the city leadership"), _("Handling result"),
         _("Evaluation"), _("Item closed on")],
        [[r.id, r.collected_on or clock.local_date(r.created_dt), r.channel_label, r.collected_by,
          r.firm_label, r.summary, r.category_label, r.tier or "", r.tier_reason,
          r.route_label, r.department, r.status_label, r.stage_due_date or "",
          _("yes") if r.escalation_level else "", r.result,
          r.latest_evaluation.average if r.latest_evaluation else "",
          clock.local_date(r.closed_dt) if r.closed_dt else ""] for r in f["ledger"]],
        [8, 12, 14, 12, 28, 40, 16, 6, 30, 18, 16, 20, 12, 8, 40, 10, 12],
    )  # fmt: skip
    _xlsx_sheet(
        workbook,
        _("Overdue"),
        [_("No."), _("Summary"), _("Department"), _("Handling stage"), _("Due")],
        [[r.id, r.summary, r.department, r.status_label, r.stage_due_date] for r in f["overdue"]],
        [8, 40, 20, 24, 12],
    )
    return workbook.to_bytes()


def _docx_document():
    return word.new_document(BODY_FONT, 12, headings=HEADING_FONT)


def _docx_bytes(document) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, header, rows):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = word.text(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = word.text(value)
    return table


def _bulletin_body(document, f, heading):
    document.add_heading(heading, level=2)
    document.add_paragraph(summary_sentence(f) + " " + route_sentence(f))
    if f["evaluations"]:
        document.add_paragraph(
            _(
                "%(n)s evaluations; %(satisfied)s satisfied; average score %(avg)s "
                "(timeliness %(t)s, result %(r)s, attitude %(a)s).",
                n=f["evaluations"],
                satisfied=f["satisfied"],
                avg=f["avg_score"],
                t=f["avg_timeliness"],
                r=f["avg_result"],
                a=f["avg_attitude"],
            )
        )
    header = [_("Name"), _("Collected"), _("Resolved"), _("Closure rate")]
    for title, key in (
        (_("By channel"), "by_channel"),
        (_("By tier"), "by_tier"),
        (_("By category"), "by_category"),
        (_("By department"), "by_department"),
    ):
        if f[key]:
            document.add_paragraph(title)
            _docx_table(document, header, _breakdown_rows(f[key]))


def bulletin_docx(start: date, end: date, *, title: str | None = None) -> bytes:
    """每月通报: this month's figures, the year so far, and the overdue items by department."""
    document = _docx_document()
    whole_month = (start, end) == clock.month_days(start)
    period = format_month(start) if whole_month else f"{format_day(start)} – {format_day(end)}"
    document.add_heading(
        title or _("Bulletin on the handling of enterprises' appeals (%(month)s)", month=period),
        level=1,
    )
    month = figures(start, end)
    _bulletin_body(document, month, _("This month") if whole_month else _("This period"))
    year_start = start.replace(month=1, day=1)
    if year_start != start:
        _bulletin_body(document, figures(year_start, end), _("The year so far"))
    overdue = month["overdue"]
    document.add_heading(_("Items past their deadline"), level=2)
    if overdue:
        _docx_table(
            document,
            [_("No."), _("Summary"), _("Department"), _("Handling stage"), _("Due")],
            [[r.id, r.summary, r.department or _("Federation directly"), r.status_label,
              format_day(r.stage_due_date)] for r in overdue],
        )  # fmt: skip
    else:
        document.add_paragraph(_("None."))
    return _docx_bytes(document)


def annual_summary_docx(year: int) -> bytes:
    start, end = date(year, 1, 1), date(year, 12, 31)
    return bulletin_docx(
        start, end, title=_("Annual summary of enterprises' appeals (%(year)s)", year=year)
    )


# Kept for the dashboard's older name.
xlsx = ledger_xlsx
