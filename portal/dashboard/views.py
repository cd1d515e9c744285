"""The staff statistics page and its XLSX export."""

from base64 import b64decode, b64encode
from datetime import date
from io import BytesIO

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from portal.accounts.models import Chamber
from portal.core.cache import get_or_set
from portal.core.db import db
from portal.core.i18n import current_language
from portal.core.listfilter import chamber_by_id
from portal.core.permissions import require
from portal.dashboard import operations
from portal.dashboard.forms import PeriodForm
from portal.dashboard.periods import Period, local_today, month_bounds
from portal.dashboard.permissions import can_view_statistics
from portal.dashboard.report import report_docx, report_xlsx
from portal.dashboard.trends import monthly_trends

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(form: PeriodForm) -> Period:
    """The chosen period; the current month when nothing (valid) was chosen."""
    if form.start.data and form.end.data and not form.errors:
        return Period(form.start.data, form.end.data)
    if form.month.data and not form.month.errors:
        year, month = map(int, form.month.data.split("-"))
        return Period(*month_bounds(local_today().replace(year=year, month=month, day=1)))
    return Period(*month_bounds(local_today()))


def _form() -> PeriodForm:
    form = PeriodForm(request.args)
    form.set_chambers(db.session.scalars(select(Chamber).order_by(Chamber.code, Chamber.id)))
    if request.args:
        form.validate()
    return form


def _chamber(form: PeriodForm):
    return chamber_by_id(form.chamber_id)


def _query(period: Period, chamber, **extra) -> dict:
    """The arguments that give the same period and chamber (for the downloads' links)."""
    args = {"start": period.first.isoformat(), "end": period.last.isoformat(), **extra}
    if chamber is not None:
        args["chamber"] = chamber.id
    return args


# How long the page's trends and figures are kept as written (seconds), per period, chamber and
# language: writing some 60 figures' rows and the charts cost every view some 3 ms. Every
# reader passes the same permission (can_view_statistics: staff) and sees the same figures.
# They are written from figures kept FIGURES_TTL themselves (operations), so a change shows
# within FIGURES_TTL + PAGE_FIGURES_TTL, two minutes.
PAGE_FIGURES_TTL = 60


class _Unkept(Exception):
    def __init__(self, written: str):
        super().__init__()
        self.written = written


def _figures_page_key(period: Period, chamber) -> str:
    return (
        f"dashboard:page:staff:{period.first.isoformat()}:{period.last.isoformat()}:"
        f"{chamber.id if chamber is not None else ''}:{current_language()}"
    )


@login_required
def index():
    require(can_view_statistics(current_user))
    form = _form()
    period = _period(form)
    chamber = _chamber(form)
    if not form.month.data and not form.start.data:
        form.month.data = period.first.strftime("%Y-%m")
    year = period.first.year

    def write():
        sections = operations.collect(period, chamber)
        written = render_template(
            "dashboard/_figures.html",
            sections=sections,
            trends=monthly_trends(period.last, chamber),
        )
        if any(section["error"] for section in sections):
            raise _Unkept(written)  # a failing section is never kept: the next view tries again
        return written

    try:
        written = get_or_set(_figures_page_key(period, chamber), PAGE_FIGURES_TTL, write)
    except _Unkept as unkept:
        written = unkept.written
    return render_template(
        "dashboard/index.html",
        form=form,
        period=period,
        chamber=chamber,
        figures=Markup(written),
        query=_query(period, chamber),
        year_query={"year": year, **({"chamber": chamber.id} if chamber else {})},
        year=year,
    )


@login_required
def export():
    require(can_view_statistics(current_user))
    form = _form()
    period, chamber = _period(form), _chamber(form)
    data = operations.export_xlsx(
        operations.collect(period, chamber),
        period,
        headers=(_("Figure"), _("Value")),
        chamber=chamber,
    )
    return send_file(
        BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"statistics-{period.slug}{f'-c{chamber.id}' if chamber else ''}.xlsx",
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# How long a report's DOCX or XLSX is kept in the short shared cache (seconds), per period (a
# month, a chosen span or a year), chamber, language and format. Building the document cost
# every download some 30 ms of CPU. Every reader passes the same permission
# (can_view_statistics: staff) and reads the same figures, so the document is kept per reader
# scope "staff" only; the check runs on every download before anything kept is read. The
# figures in it are themselves kept FIGURES_TTL (operations): a report shows a change within
# FIGURES_TTL + REPORT_TTL, two minutes, as does a chamber or the site renamed.
REPORT_TTL = 60


def _kept_report(kind: str, period: Period, chamber, annual: bool, write) -> bytes:
    """write(sections) -> the document's bytes, kept REPORT_TTL seconds (as base64: the cache
    keeps JSON) unless a section failed."""
    key = (
        f"dashboard:report:staff:{kind}:{'year' if annual else 'span'}:"
        f"{period.first.isoformat()}:{period.last.isoformat()}:"
        f"{chamber.id if chamber is not None else ''}:{current_language()}"
    )

    def build():
        sections = operations.collect(period, chamber)
        data = write(sections)
        if any(section["error"] for section in sections):
            raise _Unkept(data)  # a failing section is never kept: the next download tries again
        return b64encode(data).decode("ascii")

    try:
        return b64decode(get_or_set(key, REPORT_TTL, build))
    except _Unkept as unkept:
        return unkept.written


@login_required
def report():
    """?year=2026 for the annual report, else the chosen month; ?format=xlsx for the figures."""
    require(can_view_statistics(current_user))
    year = request.args.get("year", type=int)
    if year is not None and not 2000 <= year <= 2100:
        abort(400)
    form = _form()
    chamber = _chamber(form)
    period = Period(date(year, 1, 1), date(year, 12, 31)) if year else _period(form)
    annual = bool(year)
    name = f"report-{year or period.slug}{f'-c{chamber.id}' if chamber else ''}"
    kind = "xlsx" if request.args.get("format") == "xlsx" else "docx"
    write, mimetype = {"xlsx": (report_xlsx, XLSX), "docx": (report_docx, DOCX)}[kind]
    data = _kept_report(
        kind,
        period,
        chamber,
        annual,
        lambda sections: write(sections, period, annual=annual, chamber=chamber),
    )
    return send_file(
        BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=f"{name}.{kind}"
    )
