"""Programme figures: firms examined, findings by area and level, follow-ups; by chamber,
industry and month. Used by the statistics page, its XLSX export and the dashboard (add_stats)."""

from collections import Counter, defaultdict
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import Chamber, Enterprise, enterprise_chambers
from portal.checkups.models import ChecklistArea, Checkup, Finding, Level, Status
from portal.checkups.operations import follow_ups_done, to_local
from portal.core.db import db
from portal.core.exports import XlsxBook
from portal.core.links import RecordLink
from portal.core.reference import industry_name

EXAMINED = (
    Status.in_progress,
    Status.report_draft,
    Status.signed_off,
    Status.delivered,
    Status.acknowledged,
)


def _examined(start: datetime | None, end: datetime | None, chamber_id: int | None = None):
    stmt = select(Checkup.id, Checkup.enterprise_id, Checkup.start_dt).where(
        Checkup.status.in_(EXAMINED)
    )
    if chamber_id is not None:
        stmt = stmt.where(
            Checkup.enterprise_id.in_(
                select(enterprise_chambers.c.enterprise_id).where(
                    enterprise_chambers.c.chamber_id == chamber_id
                )
            )
        )
    if start is not None:
        stmt = stmt.where(Checkup.start_dt >= start)
    if end is not None:
        stmt = stmt.where(Checkup.start_dt < end)
    return db.session.execute(stmt).all()


def summary(
    start: datetime | None = None, end: datetime | None = None, chamber_id: int | None = None
) -> dict:
    """For the dashboard: the headline figures of the period (optionally one chamber's firms)."""
    rows = _examined(start, end, chamber_id)
    ids = [r.id for r in rows]
    findings = Counter()
    if ids:
        for level in db.session.scalars(select(Finding.level).where(Finding.checkup_id.in_(ids))):
            findings[level] += 1
    return {
        "label": _("Legal check-ups"),
        "checkups_held": len(rows),
        "firms_examined": len({r.enterprise_id for r in rows}),
        "findings": sum(findings.values()),
        "findings_high": findings[Level.high],
        "findings_medium": findings[Level.medium],
        "findings_low": findings[Level.low],
        "follow_ups": follow_ups_done(start, end, chamber_id=chamber_id),
    }


def breakdown(
    start: datetime | None = None, end: datetime | None = None, chamber_id: int | None = None
) -> dict:
    rows = _examined(start, end, chamber_id)
    ids = [r.id for r in rows]
    firm_ids = {r.enterprise_id for r in rows}
    firms = {
        e.id: e for e in db.session.scalars(select(Enterprise).where(Enterprise.id.in_(firm_ids)))
    }
    chambers_of = defaultdict(list)
    if firm_ids:
        for firm_id, name in db.session.execute(
            select(enterprise_chambers.c.enterprise_id, Chamber.name)
            .join(Chamber, Chamber.id == enterprise_chambers.c.chamber_id)
            .where(enterprise_chambers.c.enterprise_id.in_(firm_ids))
        ):
            chambers_of[firm_id].append(name)
    findings = []
    if ids:
        findings = db.session.execute(
            select(Finding.id, Finding.checkup_id, Finding.level, ChecklistArea.name)
            .join(ChecklistArea, ChecklistArea.id == Finding.area_id)
            .where(Finding.checkup_id.in_(ids))
        ).all()
    followed = set()
    if findings:
        followed = set(
            db.session.scalars(
                select(RecordLink.source_id).where(
                    RecordLink.source_type == Finding.__tablename__,
                    RecordLink.source_id.in_([f.id for f in findings]),
                )
            )
        )
    checkup_firm = {r.id: r.enterprise_id for r in rows}
    checkup_month = {r.id: f"{to_local(r.start_dt):%Y-%m}" for r in rows}

    def group(key_of):
        table = defaultdict(
            lambda: {
                "checkups": 0,
                "firms": set(),
                "findings": 0,
                "high": 0,
                "medium": 0,
                "low": 0,
                "follow_ups": 0,
            }
        )
        for r in rows:
            for key in key_of(r.id):
                table[key]["checkups"] += 1
                table[key]["firms"].add(r.enterprise_id)
        for f in findings:
            for key in key_of(f.checkup_id):
                table[key]["findings"] += 1
                table[key][str(f.level)] += 1
                table[key]["follow_ups"] += f.id in followed
        return [
            {"key": key, **{**values, "firms": len(values["firms"])}}
            for key, values in sorted(table.items())
        ]

    by_area = defaultdict(lambda: {level: 0 for level in Level})
    for f in findings:
        by_area[f.name][f.level] += 1
    return {
        "summary": summary(start, end, chamber_id),
        "by_month": group(lambda cid: [checkup_month[cid]]),
        "by_chamber": group(lambda cid: chambers_of.get(checkup_firm[cid]) or [_("No chamber")]),
        "by_industry": group(lambda cid: [industry_name(firms[checkup_firm[cid]].industry)]),
        "by_area": [(name, counts) for name, counts in sorted(by_area.items())],
    }


def xlsx(data: dict) -> bytes:
    book = XlsxBook()
    s = data["summary"]
    book.add_sheet(
        _("Summary"),
        rows=[
            [label, s[key]]
            for label, key in (
                (_("Check-ups held"), "checkups_held"),
                (_("Firms examined"), "firms_examined"),
                (_("Findings"), "findings"),
                (_("High risk"), "findings_high"),
                (_("Medium risk"), "findings_medium"),
                (_("Low risk"), "findings_low"),
                (_("Follow-ups done"), "follow_ups"),
            )
        ],
    )
    header = [
        _("Check-ups held"),
        _("Firms examined"),
        _("Findings"),
        _("High risk"),
        _("Medium risk"),
        _("Low risk"),
        _("Follow-ups done"),
    ]
    for title, key, first in (
        (_("By month"), "by_month", _("Month")),
        (_("By chamber"), "by_chamber", _("Chamber")),
        (_("By industry"), "by_industry", _("Industry")),
    ):
        book.add_sheet(
            title,
            header=[first, *header],
            rows=[
                [
                    row["key"],
                    row["checkups"],
                    row["firms"],
                    row["findings"],
                    row["high"],
                    row["medium"],
                    row["low"],
                    row["follow_ups"],
                ]
                for row in data[key]
            ],
        )
    book.add_sheet(
        _("By risk area"),
        header=[_("Risk area"), _("High risk"), _("Medium risk"), _("Low risk")],
        rows=[
            [name, counts[Level.high], counts[Level.medium], counts[Level.low]]
            for name, counts in data["by_area"]
        ],
    )
    return book.to_bytes()
