"""The committee's register of cases (调解工作台账), its XLSX export and the monthly report.

Periods are calendar dates in Beijing time; the ledger lists the cases ACCEPTED in the
period. The monthly report counts cases accepted in the month and cases concluded in it
(agreement, failed, withdrawn by their closing date); the success rate is agreements /
(agreements + failures), withdrawals are not mediated to an end and are left out.
"""

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from flask import request
from markupsafe import Markup, escape
from sqlalchemy import bindparam, func, select

from mediation.documents import context as ctxmod
from mediation.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseMediator,
    CaseParty,
    Committee,
    CommitteeMember,
    ReturnVisit,
)
from mediation.stats import STATS_TTL
from portal.accounts.models import User
from portal.core import cache, clock
from portal.core.db import db
from portal.core.exports import XlsxBook, xml_safe
from portal.core.keyset import SeekPage, seek
from portal.core.models import LegalCategory

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

COLUMNS = [
    ("number", "编号", 22),
    ("accepted", "受理日期", 14),
    ("parties", "当事人", 36),
    ("type", "纠纷类型", 14),
    ("amount", "涉及金额（元）", 16),
    ("mediators", "调解员", 16),
    ("result", "调解结果", 18),
    ("closed", "结案日期", 14),
    ("performed", "协议履行情况", 14),
    ("confirmation", "司法确认", 22),
    ("return_visit", "回访", 16),
]


def parse_month(text: str) -> tuple[date, date]:
    """'2026-03' -> (2026-03-01, 2026-03-31); ValueError with a message otherwise."""
    match = MONTH_RE.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"bad month {text!r}: expected YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Beijing dates [start, end] as naive UTC [from, to)."""
    return clock.days_bounds_utc(start, end)


CLOSING = ("agreement_reached", "failed", "withdrawn", "declined")


def _case_columns(query):
    """What _load reads of each case of a select of cases, as plain columns."""
    return query.with_only_columns(
        Case.id,
        Case.committee_id,
        Case.dossier_number,
        Case.status,
        Case.amount,
        Case.accepted_dt,
        Case.closed_dt,
        LegalCategory.name_zh.label("category"),
        (func.coalesce(Case.termination_notice, "") != "").label("termination_notice"),
        (func.coalesce(Case.withdrawal_reason, "") != "").label("withdrawal_reason"),
        Case.declined_reason.is_not(None).label("declined_reason"),
    ).outerjoin(LegalCategory, LegalCategory.id == Case.category_id)


def _load(query, *, records="ledger"):
    """The selected cases as plain records with what the ledger and report print (records:
    "counts" the case's own columns, "outcome" also its agreement and concluding events,
    "totals" also its return visits, "ledger" also its parties and mediators): one query per
    kind of record, as plain rows, whatever the number of cases. Not Case objects with their
    long texts and every relationship (700 of them cost 60 ms at scale 1)."""
    rows = db.session.execute(_case_columns(query).order_by(Case.accepted_dt, Case.id)).all()
    return _with_records(rows, records)


def _children(ids):
    """The selects of the agreements, concluding events, return visits, parties and mediators
    of the cases `ids` (a list, or a select of ids)."""
    return (
        select(
            Agreement.case_id, Agreement.confirmation_applied_on, Agreement.confirmation_result
        ).where(Agreement.case_id.in_(ids)),
        # Only the events that conclude a case count for its outcome (context.outcome).
        select(CaseEvent.case_id, CaseEvent.to_status)
        .where(CaseEvent.case_id.in_(ids), CaseEvent.to_status.in_(CLOSING))
        .order_by(CaseEvent.id),
        select(ReturnVisit.case_id, ReturnVisit.visited_on, ReturnVisit.performance)
        .where(ReturnVisit.case_id.in_(ids))
        .order_by(ReturnVisit.visited_on, ReturnVisit.id),
        select(CaseParty.case_id, CaseParty.side, CaseParty.name)
        .where(CaseParty.case_id.in_(ids))
        .order_by(CaseParty.id),
        select(CaseMediator.case_id, User.name)
        .join(CommitteeMember, CommitteeMember.id == CaseMediator.member_id)
        .join(User, User.id == CommitteeMember.user_id)
        .where(CaseMediator.case_id.in_(ids), CaseMediator.recused_dt.is_(None))
        .order_by(CaseMediator.id),
    )


@functools.cache
def _children_among():
    """_children of the cases of a committee accepted from one moment to another (parameters
    among_committee, among_from, among_to), built once: building them was a third of a
    ledger page."""
    return _children(
        select(Case.id).where(
            Case.committee_id == bindparam("among_committee"),
            Case.accepted_dt >= bindparam("among_from", type_=Case.accepted_dt.type),
            Case.accepted_dt <= bindparam("among_to", type_=Case.accepted_dt.type),
        )
    )


def _with_records(rows, records, *, among=None):
    """Plain case rows (_case_columns) as records with their children. `among`: the parameters
    of _children_among, a committee's cases accepted from the first of these cases to the
    last (these and maybe others, whose children are passed over), which the children are read
    by instead of a list of the ids (a page's ids written into each of five statements cost
    more to compile than to run)."""
    cases = {
        r.id: SimpleNamespace(
            **r._asdict(), agreement=None, events=[], parties=[], mediators=[], return_visits=[]
        )
        for r in rows
    }
    if not cases:
        return []
    if records == "counts":
        return list(cases.values())
    if among is None:
        # The children by the cases' ids (the period's filter is read once, not again in each
        # child's subquery).
        statements, params = _children(list(cases)), None
    else:
        statements, params = _children_among(), among
    agreements, events, visits, parties, mediators = statements
    for r in db.session.execute(agreements, params):
        if r.case_id in cases:
            cases[r.case_id].agreement = r
    for r in db.session.execute(events, params):
        if r.case_id in cases:
            cases[r.case_id].events.append(r)
    if records in ("ledger", "totals"):
        for r in db.session.execute(visits, params):
            if r.case_id in cases:
                cases[r.case_id].return_visits.append(r)
    if records == "ledger":
        for r in db.session.execute(parties, params):
            if r.case_id in cases:
                cases[r.case_id].parties.append(r)
        for r in db.session.execute(mediators, params):
            if r.case_id in cases:
                cases[r.case_id].mediators.append(r.name)
    return list(cases.values())


def scoped(query, reader):
    """Only the cases the reader may see (mediation.permissions.visible_cases): an ordinary
    member of the committee the cases assigned to them, its director and staff every case.
    reader None: no restriction (the CLI and the federation's own figures)."""
    if _sees_every_case(reader):  # no IN over all 20,000 ids
        return query
    from mediation.permissions import visible_cases

    return query.where(Case.id.in_(visible_cases(reader).with_only_columns(Case.id)))


def _accepted(committee_ids, start: date, end: date, reader=None):
    """A select of the cases accepted in [start, end] that the reader may see."""
    lo, hi = utc_bounds(start, end)
    query = select(Case).where(
        Case.accepted_dt.is_not(None), Case.accepted_dt >= lo, Case.accepted_dt < hi
    )
    if committee_ids is not None:
        query = query.where(Case.committee_id.in_(committee_ids))
    return scoped(query, reader)


def cases_accepted(committee_ids, start: date, end: date, reader=None, *, records="ledger"):
    return _load(_accepted(committee_ids, start, end, reader), records=records)


def cases_closed(committee_ids, start: date, end: date, reader=None, *, records="ledger"):
    lo, hi = utc_bounds(start, end)
    query = select(Case).where(
        Case.closed_dt.is_not(None), Case.closed_dt >= lo, Case.closed_dt < hi
    )
    if committee_ids is not None:
        query = query.where(Case.committee_id.in_(committee_ids))
    return _load(scoped(query, reader), records=records)


def _performance(case) -> str:
    if case.agreement is None:
        return "—"
    if not case.return_visits:
        return "待回访"
    return ctxmod.PERFORMANCE_ZH.get(str(case.return_visits[-1].performance), "")


def _confirmation(agreement: Agreement | None) -> str:
    if agreement is None or agreement.confirmation_applied_on is None:
        return "未申请"
    text = f"已申请（{ctxmod.cn_date(agreement.confirmation_applied_on)}）"
    if agreement.confirmation_result:
        text += f" {agreement.confirmation_result}"
    return text


def _sees_every_case(reader) -> bool:
    """No reader (the CLI), or one whom mediation.permissions.visible_cases restricts to no
    cases in particular (staff)."""
    if reader is None:
        return True
    from mediation.permissions import visible_cases

    return visible_cases(reader).whereclause is None


def reader_scope(reader) -> str:
    """Who the cached figures are for: those who see every case share them, anyone else's are
    their own (the cases visible_cases gives them), so they are kept per user."""
    return "all" if _sees_every_case(reader) else f"user{reader.id}"


def totals_of(cases) -> dict:
    """The ledger's totals row over the plain records _load gives ("totals" or "ledger")."""
    totals = {
        "cases": 0,
        "amount": Decimal(0),
        "agreements": 0,
        "closed": 0,
        "performed": 0,
        "confirmations": 0,
        "return_visits": 0,
    }
    for case in cases:
        totals["cases"] += 1
        totals["amount"] += case.amount or Decimal(0)
        totals["agreements"] += ctxmod.outcome(case) == "agreement"
        totals["closed"] += case.closed_dt is not None
        totals["performed"] += _performance(case) == "已全部履行"
        totals["confirmations"] += _confirmation(case.agreement) != "未申请"
        totals["return_visits"] += bool(case.return_visits)
    return totals


@dataclass
class LedgerRow:
    case: SimpleNamespace  # the plain record _load gives
    values: dict

    @property
    def cells(self) -> Markup:
        """The row's cells as the ledger table prints them, built here (a template loop over
        eleven columns of 600 rows was most of the page); amounts as the mediation_money
        filter shows them."""
        return Markup(
            "".join(f"<td>{escape(self._shown(key))}</td>" for key, _label, _width in COLUMNS)
        )

    def _shown(self, key):
        value = self.values[key]
        if key == "amount":
            return "" if value is None else f"{value:,.2f}"
        return value


@dataclass
class Ledger:
    committee: Committee | None
    start: date
    end: date
    rows: list = field(default_factory=list)
    # A page of the ledger (ledger_page): the rows are one page's, `page` its keyset page and
    # `period_totals` the totals row of the whole period.
    page: SeekPage | None = None
    period_totals: dict | None = None

    @property
    def offset(self) -> int:
        """The number of rows before this page's (序号 goes on across pages)."""
        return self.page.first - 1 if self.page is not None and self.page.items else 0

    @property
    def totals(self) -> dict:
        if self.period_totals is not None:
            return self.period_totals
        return totals_of(r.case for r in self.rows)


def build_ledger(committee: Committee, start: date, end: date, reader=None) -> Ledger:
    """The whole ledger of the period (the print view, the XLSX export, the CLI)."""
    ledger = Ledger(committee, start, end)
    ledger.rows = [_row(case) for case in cases_accepted([committee.id], start, end, reader)]
    return ledger


# The ledger's page shows this many cases; the print view and the XLSX export list them all.
PER_PAGE = 50


def ledger_page(committee: Committee, start: date, end: date, reader=None, args=None) -> Ledger:
    """One page of the period's ledger in acceptance order (keyset, from the committee's index
    by acceptance date), and the totals row of the whole period.

    Kept STATS_TTL seconds in the short shared cache, per committee, period and reader
    (reader_scope), as the mediation dashboard's figures: the number of cases and the totals
    row; and, for staff, who see every case, the page's rows too. A case accepted or changed
    within that minute may not show in them yet. Anyone else's rows are read afresh, as who
    may see which case can change (a mediator taken off a case)."""
    args = request.args if args is None else args
    scope = reader_scope(reader)
    key = f"mediation-ledger:{scope}:{committee.id}:{start}:{end}"
    accepted = _accepted([committee.id], start, end, reader)

    def read():
        page = seek(
            _case_columns(accepted),
            (Case.accepted_dt, Case.id),
            PER_PAGE,
            descending=False,
            args=args,
            plain=True,
            counted=accepted,
            count_key=key,
            count_ttl=STATS_TTL,
        )
        rows = []
        if page.items:
            # The children of the committee's cases accepted from the page's first case to its
            # last (the index by acceptance date), those of the page's cases kept.
            among = {
                "among_committee": committee.id,
                "among_from": page.items[0].accepted_dt,
                "among_to": page.items[-1].accepted_dt,
            }
            rows = [str(_row(c).cells) for c in _with_records(page.items, "ledger", among=among)]
        # JSON, as the cache keeps it: the rows as their cells' HTML.
        return {"page": {**page.__dict__, "items": rows}}

    if scope == "all":
        marks = ":".join(str(args.get(name, "", type=int)) for name in ("after", "before", "page"))
        kept = cache.get_or_set(f"{key}:{marks}", STATS_TTL, read)
    else:
        kept = read()
    page = SeekPage(**kept["page"])
    page.items = [SimpleNamespace(cells=Markup(cells)) for cells in page.items]
    ledger = Ledger(committee, start, end, rows=page.items, page=page)

    def count():
        totals = totals_of(_load(accepted, records="totals"))
        return totals | {"amount": str(totals["amount"])}  # JSON

    totals = cache.get_or_set(f"{key}:totals", STATS_TTL, count)
    ledger.period_totals = totals | {"amount": Decimal(totals["amount"])}
    return ledger


def _row(case) -> LedgerRow:
    result = ctxmod.outcome(case)
    parties = "；".join(f"{ctxmod.SIDE_ZH[str(p.side)]}：{p.name}" for p in case.parties)
    return LedgerRow(
        case,
        {
            "number": case.dossier_number or f"#{case.id}",
            "accepted": ctxmod.cn_date(case.accepted_dt),
            "parties": parties,
            "type": case.category if case.category is not None else "",
            "amount": case.amount,
            "mediators": "、".join(case.mediators),
            "outcome": result,
            "result": ctxmod.RESULT_ZH[result],
            "closed": ctxmod.cn_date(case.closed_dt),
            "performed": _performance(case),
            "confirmation": _confirmation(case.agreement),
            "return_visit": "、".join(ctxmod.cn_date(v.visited_on) for v in case.return_visits)
            or ("未回访" if case.agreement is not None else "—"),
        },
    )


def ledger_xlsx(ledger: Ledger) -> bytes:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    title = f"{ledger.committee.name} 调解工作台账（{ctxmod.cn_date(ledger.start)}至{ctxmod.cn_date(ledger.end)}）"
    rows = [
        [i] + [row.values[key] for key, _l, _w in COLUMNS] for i, row in enumerate(ledger.rows, 1)
    ]
    totals = ledger.totals
    rows.append(
        [
            "合计",
            f"{totals['cases']}件",
            "",
            "",
            "",
            totals["amount"],
            "",
            f"成功{totals['agreements']}件",
            f"结案{totals['closed']}件",
            f"全部履行{totals['performed']}件",
            f"申请{totals['confirmations']}件",
            f"回访{totals['return_visits']}件",
        ]
    )
    book = XlsxBook()
    sheet = book.add_sheet(
        "调解工作台账",
        heading=title,
        header=["序号"] + [label for _key, label, _w in COLUMNS],
        rows=[[v if v != "" else None for v in row] for row in rows],
        widths=[6] + [w for _key, _label, w in COLUMNS],
        autofilter=False,
    )
    # The ledger's paper form: ruled cells, amounts with separators, the totals row shaded.
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    amount_col = 2 + [k for k, _l, _w in COLUMNS].index("amount")
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.border = border
            if cell.row > 2:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        line[amount_col - 1].number_format = "#,##0.00"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
    sheet.freeze_panes = "B3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    return book.to_bytes()


# ---------------------------------------------------------------- monthly report


@dataclass
class Figures:
    accepted: int = 0
    concluded: int = 0
    agreements: int = 0
    failed: int = 0
    withdrawn: int = 0
    amount_accepted: Decimal = Decimal(0)
    amount_agreed: Decimal = Decimal(0)
    by_type: dict = field(default_factory=dict)

    @property
    def success_rate(self) -> float | None:
        mediated = self.agreements + self.failed
        return None if mediated == 0 else self.agreements / mediated

    @property
    def success_rate_text(self) -> str:
        rate = self.success_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    def as_json(self) -> dict:
        return {
            key: str(value) if isinstance(value, Decimal) else value
            for key, value in self.__dict__.items()
        }

    @classmethod
    def from_json(cls, kept: dict) -> "Figures":
        figures = cls(**kept)
        figures.amount_accepted = Decimal(kept["amount_accepted"])
        figures.amount_agreed = Decimal(kept["amount_agreed"])
        return figures


def figures(committee_ids, start: date, end: date, reader=None) -> Figures:
    return _figures(
        cases_accepted(committee_ids, start, end, reader, records="counts"),
        cases_closed(committee_ids, start, end, reader, records="outcome"),
    )


def _figures(accepted, closed) -> Figures:
    f = Figures()
    for case in accepted:
        f.accepted += 1
        f.amount_accepted += case.amount or Decimal(0)
        kind = case.category if case.category is not None else "其他"
        f.by_type[kind] = f.by_type.get(kind, 0) + 1
    for case in closed:
        result = ctxmod.outcome(case)
        if result == "agreement":
            f.agreements += 1
            f.amount_agreed += case.amount or Decimal(0)
        elif result == "failed":
            f.failed += 1
        elif result == "withdrawn":
            f.withdrawn += 1
        else:
            continue
        f.concluded += 1
    return f


def monthly_report(committees, month: str, reader=None) -> dict:
    """{'start','end','rows': [(committee, Figures)], 'total': Figures} of the reader's cases.

    Each committee's figures are kept STATS_TTL seconds in the short shared cache, per month,
    choice of committees and reader (reader_scope), as the mediation dashboard's are: a case
    accepted or concluded within that minute may not be counted yet."""
    start, end = parse_month(month)
    ids = [c.id for c in committees]
    key = f"mediation-report:{reader_scope(reader)}:{month}:{','.join(map(str, ids))}"
    kept = cache.get_or_set(key, STATS_TTL, lambda: _report_figures(ids, start, end, reader))
    rows = [(c, Figures.from_json(kept[str(c.id)])) for c in committees]
    total = Figures()
    for _c, f in rows:
        total.accepted += f.accepted
        total.concluded += f.concluded
        total.agreements += f.agreements
        total.failed += f.failed
        total.withdrawn += f.withdrawn
        total.amount_accepted += f.amount_accepted
        total.amount_agreed += f.amount_agreed
        for k, v in f.by_type.items():
            total.by_type[k] = total.by_type.get(k, 0) + v
    return {"start": start, "end": end, "rows": rows, "total": total}


def _report_figures(ids, start: date, end: date, reader) -> dict:
    """{str(committee id): Figures as JSON} for the month (the cache's keys are strings)."""
    # The month's cases of every committee in one go, then split: not two loads per committee.
    accepted, closed = (
        cases_accepted(ids, start, end, reader, records="counts"),
        cases_closed(ids, start, end, reader, records="outcome"),
    )
    return {
        str(i): _figures(
            [case for case in accepted if case.committee_id == i],
            [case for case in closed if case.committee_id == i],
        ).as_json()
        for i in ids
    }


# ---------------------------------------------------------------- SVG charts (server-side)

PALETTE = ["#1f4e79", "#2e75b6", "#9dc3e6", "#c55a11", "#548235", "#7f6000", "#7030a0"]


def bar_chart_svg(title: str, items: list[tuple[str, float]], *, unit: str = "") -> Markup:
    """A horizontal bar chart as inline SVG (no script, no style attribute)."""
    bar_h, gap, label_w, chart_w = 22, 8, 150, 300
    height = 40 + max(1, len(items)) * (bar_h + gap)
    top = max((v for _l, v in items), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + chart_w + 90}" '
        f'height="{height}" viewBox="0 0 {label_w + chart_w + 90} {height}" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>',
    ]
    if not items:
        parts.append('<text x="0" y="50">—</text>')
    for i, (label, v) in enumerate(items):
        y = 32 + i * (bar_h + gap)
        w = 0 if top == 0 else round(chart_w * float(v) / float(top), 1)
        shown = f"{v:,.2f}" if isinstance(v, Decimal) else f"{v:g}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{escape(str(label)[:14])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 16}">{escape(shown)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


REPORT_COLUMNS = [
    ("调解委员会", 34),
    ("受理（件）", 12),
    ("结案（件）", 12),
    ("调解成功（件）", 14),
    ("调解不成（件）", 14),
    ("撤回（件）", 12),
    ("调解成功率", 12),
    ("受理涉及金额（元）", 18),
    ("协议涉及金额（元）", 18),
]


def report_xlsx(report: dict, title: str) -> bytes:
    """The monthly figures as a sheet, one row per committee and a total, then counts by type."""
    from openpyxl.styles import Font

    def values(name, f: Figures):
        return [
            name,
            f.accepted,
            f.concluded,
            f.agreements,
            f.failed,
            f.withdrawn,
            f.success_rate,
            f.amount_accepted,
            f.amount_agreed,
        ]

    rows = [values(committee.name, f) for committee, f in report["rows"]]
    rows.append(values("合计", report["total"]))
    book = XlsxBook()
    sheet = book.add_sheet(
        "调解工作月报",
        heading=title,
        header=[label for label, _width in REPORT_COLUMNS],
        rows=rows,
        widths=[width for _label, width in REPORT_COLUMNS],
        autofilter=False,
    )
    for line in sheet.iter_rows(min_row=3):
        line[6].number_format = "0.0%"
        line[7].number_format = line[8].number_format = "#,##0.00"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    row_no = sheet.max_row + 2
    sheet.cell(row=row_no, column=1, value="纠纷类型").font = Font(bold=True)
    sheet.cell(row=row_no, column=2, value="受理（件）").font = Font(bold=True)
    for kind, n in sorted(report["total"].by_type.items(), key=lambda kv: -kv[1]):
        row_no += 1
        sheet.cell(row=row_no, column=1, value=xml_safe(kind))
        sheet.cell(row=row_no, column=2, value=n)
    return book.to_bytes()
