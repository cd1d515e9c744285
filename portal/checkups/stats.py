"""Programme figures: firms examined, findings by area and level, follow-ups; by chamber,
industry and month. Used by the statistics page, its XLSX export and the dashboard (add_stats)."""

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from portal.accounts.models import Enterprise, enterprise_chambers
from portal.checkups.models import ChecklistArea, Checkup, Finding, Level, Status
from portal.checkups.operations import follow_ups_done, to_local
from portal.core import clock
from portal.core.db import db
from portal.core.exports import XlsxBook
from portal.core.i18n import current_language
from portal.core.labels import chamber_labels
from portal.core.links import RecordLink
from portal.core.reference import industry_name

EXAMINED = (
    Status.in_progress,
    Status.report_draft,
    Status.signed_off,
    Status.delivered,
    Status.acknowledged,
)


def _examined(stmt, start: datetime | None, end: datetime | None, chamber_id: int | None):
    """stmt narrowed to the check-ups held in [start, end) (optionally one chamber's firms)."""
    stmt = stmt.where(Checkup.status.in_(EXAMINED))
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
    return stmt


def summary(
    start: datetime | None = None, end: datetime | None = None, chamber_id: int | None = None
) -> dict:
    """For the dashboard: the headline figures of the period (optionally one chamber's firms):
    three statements (check-ups and firms, findings by level, follow-ups)."""
    held, firms = db.session.execute(
        _examined(
            select(func.count(), func.count(func.distinct(Checkup.enterprise_id))),
            start,
            end,
            chamber_id,
        )
    ).one()
    findings = Counter(
        dict(
            db.session.execute(
                _examined(
                    select(Finding.level, func.count())
                    .select_from(Finding)
                    .join(Checkup, Checkup.id == Finding.checkup_id),
                    start,
                    end,
                    chamber_id,
                ).group_by(Finding.level)
            ).all()
        )
    )
    return {
        "label": _("Legal check-ups"),
        "checkups_held": held,
        "firms_examined": firms,
        "findings": sum(findings.values()),
        "findings_high": findings[Level.high],
        "findings_medium": findings[Level.medium],
        "findings_low": findings[Level.low],
        "follow_ups": follow_ups_done(start, end, chamber_id=chamber_id),
    }


_FIGURES = ("checkups", "firms", "findings", "high", "medium", "low", "follow_ups")


def _grouped(key, start, end, chamber_id, joined=lambda stmt: stmt) -> list:
    """(key, checkups, firms, findings, high, medium, low, follow-ups) per value of `key`, one
    GROUP BY over the check-ups held and their findings. A finding counts as followed up when
    a record link starts from it (once, however many links)."""
    followed = (
        select(RecordLink.id)
        .where(
            RecordLink.source_type == Finding.__tablename__,
            RecordLink.source_id == Finding.id,
        )
        .exists()
    )

    def level(name):
        return func.coalesce(func.sum(case((Finding.level == name, 1), else_=0)), 0)

    stmt = select(
        key,
        func.count(func.distinct(Checkup.id)),
        func.count(func.distinct(Checkup.enterprise_id)),
        func.count(Finding.id),
        level(Level.high),
        level(Level.medium),
        level(Level.low),
        func.coalesce(func.sum(case((followed, 1), else_=0)), 0),
    ).select_from(Checkup)
    stmt = joined(stmt).outerjoin(Finding, Finding.checkup_id == Checkup.id)
    return db.session.execute(_examined(stmt, start, end, chamber_id).group_by(key)).all()


def _table(rows, name_of) -> list[dict]:
    """Rows summed under their shown name, in the order of the names."""
    table: dict = {}
    for row in rows:
        name = name_of(row[0])
        values = table.setdefault(name, dict.fromkeys(_FIGURES, 0))
        for field, value in zip(_FIGURES, row[1:], strict=True):
            values[field] += int(value or 0)
    return [{"key": key, **values} for key, values in sorted(table.items())]


def _chamber_names():
    """A chamber's shown name by its id (the table is grouped by id: see chamber_labels)."""
    names = chamber_labels()
    return lambda id_: names.get(id_, _("No chamber"))


def _local_month(start, end, chamber_id):
    """SQL CASE giving the Beijing month ("2026-05") of a check-up's start, from the local
    months' UTC bounds (no dialect's date functions); None when nothing was held."""
    if start is None or end is None:
        first, last = db.session.execute(
            _examined(select(func.min(Checkup.start_dt), func.max(Checkup.start_dt)), start, end,
                      chamber_id)
        ).one()  # fmt: skip
        if first is None:
            return None
        start, end = start or first, end or last
    month = to_local(start).date().replace(day=1)
    last_month = to_local(end).date().replace(day=1)
    whens = []
    while month <= last_month:
        whens.append((Checkup.start_dt < clock.month_bounds_utc(month)[1], f"{month:%Y-%m}"))
        month = (month + timedelta(days=32)).replace(day=1)
    return case(*whens, else_=f"{last_month:%Y-%m}")


def breakdown(
    start: datetime | None = None, end: datetime | None = None, chamber_id: int | None = None
) -> dict:
    """The summary, and the figures by month, chamber, industry and risk area: one GROUP BY
    statement each."""
    month = _local_month(start, end, chamber_id)
    by_month = [] if month is None else _table(_grouped(month, start, end, chamber_id), str)
    by_chamber = _table(
        _grouped(
            enterprise_chambers.c.chamber_id,
            start,
            end,
            chamber_id,
            lambda stmt: stmt.outerjoin(
                enterprise_chambers, enterprise_chambers.c.enterprise_id == Checkup.enterprise_id
            ),
        ),
        _chamber_names(),
    )
    by_industry = _table(
        _grouped(
            Enterprise.industry,
            start,
            end,
            chamber_id,
            lambda stmt: stmt.join(Enterprise, Enterprise.id == Checkup.enterprise_id),
        ),
        industry_name,
    )
    by_area = defaultdict(lambda: {level: 0 for level in Level})
    for name, level, count in db.session.execute(
        _examined(
            select(ChecklistArea.name, Finding.level, func.count())
            .select_from(Finding)
            .join(Checkup, Checkup.id == Finding.checkup_id)
            .join(ChecklistArea, ChecklistArea.id == Finding.area_id),
            start,
            end,
            chamber_id,
        ).group_by(ChecklistArea.name, Finding.level)
    ):
        by_area[name][Level(level)] += count
    return {
        "summary": summary(start, end, chamber_id),
        "by_month": by_month,
        "by_chamber": by_chamber,
        "by_industry": by_industry,
        "by_area": [(name, counts) for name, counts in sorted(by_area.items())],
    }


# How long the statistics page's figures are kept in the short shared cache (seconds), as the
# dashboard keeps its sections: six GROUP BY statements over every check-up held and its
# findings (some 40 ms at scale 1). No write drops them: a check-up held or a finding recorded
# shows within this time. The XLSX export computes them afresh.
FIGURES_TTL = 60


def figures_key(
    start: datetime | None = None, end: datetime | None = None, chamber_id: int | None = None
) -> str:
    """The short shared cache's key of the statistics page's figures as it writes them
    (views.stats, FIGURES_TTL): per period, chamber and language (the summary's label, "No
    chamber", the industries, the chart and the headings are translated)."""
    return (
        f"stats:checkups:{start.isoformat() if start else ''}:{end.isoformat() if end else ''}:"
        f"{chamber_id or ''}:{current_language()}"
    )


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
