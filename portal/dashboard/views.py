"""The staff statistics page and its XLSX export."""

from datetime import date
from io import BytesIO

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.accounts.models import Chamber
from portal.core.db import db
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


@login_required
def index():
    require(can_view_statistics(current_user))
    form = _form()
    period = _period(form)
    chamber = _chamber(form)
    if not form.month.data and not form.start.data:
        form.month.data = period.first.strftime("%Y-%m")
    sections = operations.collect(period, chamber)
    year = period.first.year
    return render_template(
        "dashboard/index.html",
        form=form,
        period=period,
        chamber=chamber,
        sections=sections,
        trends=monthly_trends(period.last, chamber),
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
    sections = operations.collect(period, chamber)
    name = f"report-{year or period.slug}{f'-c{chamber.id}' if chamber else ''}"
    if request.args.get("format") == "xlsx":
        data = report_xlsx(sections, period, annual=bool(year), chamber=chamber)
        return send_file(
            BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx"
        )
    data = report_docx(sections, period, annual=bool(year), chamber=chamber)
    return send_file(BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=f"{name}.docx")
