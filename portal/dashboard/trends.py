"""Monthly trends of the headline figures as small SVG bar charts (no script, no inline style)."""

from datetime import date

from flask import current_app
from markupsafe import Markup, escape

from portal.core.cache import get_or_set
from portal.core.i18n import current_language
from portal.dashboard.operations import FIGURES_TTL
from portal.dashboard.periods import Period, month_bounds


def last_months(last: date, count: int = 12) -> list[Period]:
    periods, first = [], last.replace(day=1)
    for _ in range(count):
        periods.append(Period(*month_bounds(first)))
        first = (first.replace(day=1) - date.resolution).replace(day=1)
    return list(reversed(periods))


# With a chamber chosen: the statistics codes charted month by month (from the packages whose
# statistics narrow to a chamber).
CHAMBER_TREND_KEYS = ("answered", "cases", "agreements", "firms_examined")


def monthly_trends(last: date, chamber=None) -> list[dict]:
    """One series per front-page figure (portal.public_figures), or with a chamber, per
    headline figure of that chamber: label, [(month, value)], svg."""
    months = last_months(last)

    def series():
        if chamber is not None:
            return _chamber_trends(months, chamber)
        trends = []
        for _order, label, count in current_app.extensions.get("portal.public_figures", []):
            values = [(p.first.strftime("%Y-%m"), count(p.start, p.end) or 0) for p in months]
            trends.append({"label": str(label), "values": values})
        return trends

    # Kept as the section figures are (operations.FIGURES_TTL), per month, chamber and language.
    key = (
        f"dashboard:trends:{last.isoformat()}:{chamber.id if chamber else ''}:{current_language()}"
    )
    return [
        {**trend, "svg": bar_chart(trend["label"], trend["values"])}
        for trend in get_or_set(key, FIGURES_TTL, series)
    ]


def _chamber_trends(months: list[Period], chamber) -> list[dict]:
    from portal.core.stats import check_figures
    from portal.dashboard.labels import translate_key
    from portal.dashboard.operations import takes_chamber

    series: dict[str, dict] = {}
    for function in current_app.extensions.get("portal.stats", {}).values():
        if not takes_chamber(function):
            continue
        for period in months:
            try:
                figures = check_figures(
                    function(period.start, period.end, chamber_id=chamber.id), translate_key
                )
            except Exception:  # the section itself reports the failure
                break
            for figure in figures:
                if figure.key in CHAMBER_TREND_KEYS:
                    entry = series.setdefault(
                        figure.key, {"label": str(figure.label), "values": []}
                    )
                    entry["values"].append((period.first.strftime("%Y-%m"), figure.value or 0))
    trends = []
    for key in CHAMBER_TREND_KEYS:
        if key in series:
            label = f"{series[key]['label']} · {chamber.name}"
            trends.append({"label": label, "values": series[key]["values"]})
    return trends


def bar_chart(title: str, values: list[tuple[str, int]], width=360, height=140) -> Markup:
    top = max((v for _m, v in values), default=0) or 1
    bar = width / max(len(values), 1)
    plot = height - 22
    parts = [
        f'<svg class="trend-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (month, value) in enumerate(values):
        h = round(plot * value / top, 1)
        x = round(i * bar + 2, 1)
        parts.append(
            f'<rect x="{x}" y="{round(plot - h + 4, 1)}" width="{round(bar - 4, 1)}" height="{h}" '
            f'fill="#0a58ca"><title>{escape(month)}: {value}</title></rect>'
        )
        if i % 3 == 0 or i == len(values) - 1:
            parts.append(
                f'<text x="{x}" y="{height - 4}" font-size="10" fill="#333">{escape(month[2:])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
