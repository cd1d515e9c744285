"""The committee's register of cases (调解工作台账), its XLSX export and the monthly report.

Periods are calendar dates in Beijing time; the ledger lists the cases ACCEPTED in the
period. The monthly report counts cases accepted in the month and cases concluded in it
(agreement, failed, withdrawn by their closing date); the success rate is agreements /
(agreements + failures), withdrawals are not mediated to an end and are left out.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from markupsafe import Markup, escape
from sqlalchemy import func, select

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
from portal.accounts.models import User
from portal.core import clock
from portal.core.db import db
from portal.core.exports import XlsxBook, xml_safe
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


def _load(query, *, records="ledger"):
    """The selected cases as plain records with what the ledger and report print (records:
    "counts" the case's own columns, "outcome" also its agreement and concluding events,
    "ledger" also its parties, mediators and return visits): one query per kind of
    record, as plain rows, whatever the number of cases. Not Case objects with their long texts
    and every relationship (700 of them cost 60 ms at scale 1)."""
    rows = db.session.execute(
        query.with_only_columns(
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
        )
        .outerjoin(LegalCategory, LegalCategory.id == Case.category_id)
        .order_by(Case.accepted_dt, Case.id)
    ).all()
    cases = {
        r.id: SimpleNamespace(
            **r._asdict(), agreement=None, events=[], parties=[], mediators=[], return_visits=[]
        )
        for r in rows
    }
    if not cases:
        return []
    # The children by the cases' ids (the period's filter, which no index serves federation-wide,
    # is read once, not again in each child's subquery).
    ids = list(cases)
    if records == "counts":
        return list(cases.values())
    for r in db.session.execute(
        select(
            Agreement.case_id, Agreement.confirmation_applied_on, Agreement.confirmation_result
        ).where(Agreement.case_id.in_(ids))
    ):
        cases[r.case_id].agreement = r
    # Only the events that conclude a case count for its outcome (context.outcome).
    for r in db.session.execute(
        select(CaseEvent.case_id, CaseEvent.to_status)
        .where(CaseEvent.case_id.in_(ids), CaseEvent.to_status.in_(CLOSING))
        .order_by(CaseEvent.id)
    ):
        cases[r.case_id].events.append(r)
    if records == "ledger":
        for r in db.session.execute(
            select(CaseParty.case_id, CaseParty.side, CaseParty.name)
            .where(CaseParty.case_id.in_(ids))
            .order_by(CaseParty.id)
        ):
            cases[r.case_id].parties.append(r)
        for r in db.session.execute(
            select(CaseMediator.case_id, User.name)
            .join(CommitteeMember, CommitteeMember.id == CaseMediator.member_id)
            .join(User, User.id == CommitteeMember.user_id)
            .where(CaseMediator.case_id.in_(ids), CaseMediator.recused_dt.is_(None))
            .order_by(CaseMediator.id)
        ):
            cases[r.case_id].mediators.append(r.name)
        for r in db.session.execute(
            select(ReturnVisit.case_id, ReturnVisit.visited_on, ReturnVisit.performance)
            .where(ReturnVisit.case_id.in_(ids))
            .order_by(ReturnVisit.visited_on, ReturnVisit.id)
        ):
            cases[r.case_id].return_visits.append(r)
    return list(cases.values())


def scoped(query, reader):
    """Only the cases the reader may see (mediation.permissions.visible_cases): an ordinary
    member of the committee the cases assigned to them, its director and staff every case.
    reader None: no restriction (the CLI and the federation's own figures)."""
    if reader is None:
        return query
    from mediation.permissions import visible_cases

    return query.where(Case.id.in_(visible_cases(reader).with_only_columns(Case.id)))


def cases_accepted(committee_ids, start: date, end: date, reader=None, *, records="ledger"):
    lo, hi = utc_bounds(start, end)
    query = select(Case).where(
        Case.accepted_dt.is_not(None), Case.accepted_dt >= lo, Case.accepted_dt < hi
    )
    if committee_ids is not None:
        query = query.where(Case.committee_id.in_(committee_ids))
    return _load(scoped(query, reader), records=records)


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

    @property
    def amount_total(self) -> Decimal:
        return sum((r.case.amount or Decimal(0) for r in self.rows), Decimal(0))

    def count(self, key, predicate) -> int:
        return sum(1 for r in self.rows if predicate(r.values[key]))

    @property
    def totals(self) -> dict:
        return {
            "cases": len(self.rows),
            "amount": self.amount_total,
            "agreements": sum(1 for r in self.rows if r.values["outcome"] == "agreement"),
            "closed": sum(1 for r in self.rows if r.values["closed"]),
            "performed": sum(1 for r in self.rows if r.values["performed"] == "已全部履行"),
            "confirmations": sum(1 for r in self.rows if r.values["confirmation"] != "未申请"),
            "return_visits": sum(1 for r in self.rows if r.case.return_visits),
        }


def build_ledger(committee: Committee, start: date, end: date, reader=None) -> Ledger:
    ledger = Ledger(committee, start, end)
    for case in cases_accepted([committee.id], start, end, reader):
        result = ctxmod.outcome(case)
        parties = "；".join(f"{ctxmod.SIDE_ZH[str(p.side)]}：{p.name}" for p in case.parties)
        ledger.rows.append(
            LedgerRow(
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
                    "return_visit": "、".join(
                        ctxmod.cn_date(v.visited_on) for v in case.return_visits
                    )
                    or ("未回访" if case.agreement is not None else "—"),
                },
            )
        )
    return ledger


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
    """{'start','end','rows': [(committee, Figures)], 'total': Figures} of the reader's cases."""
    start, end = parse_month(month)
    ids = [c.id for c in committees]
    # The month's cases of every committee in one go, then split: not two loads per committee.
    accepted, closed = (
        cases_accepted(ids, start, end, reader, records="counts"),
        cases_closed(ids, start, end, reader, records="outcome"),
    )
    rows = [
        (
            c,
            _figures(
                [case for case in accepted if case.committee_id == c.id],
                [case for case in closed if case.committee_id == c.id],
            ),
        )
        for c in committees
    ]
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
