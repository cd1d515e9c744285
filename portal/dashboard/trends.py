"""Monthly trends of the headline figures as small SVG bar charts (no script, no inline style)."""

from datetime import date

from flask import current_app
from markupsafe import Markup, escape

from portal.dashboard.periods import Period, month_bounds


def last_months(last: date, count: int = 12) -> list[Period]:
    periods, first = [], last.replace(day=1)
    for _ in range(count):
        periods.append(Period(*month_bounds(first)))
        first = (first.replace(day=1) - date.resolution).replace(day=1)
    return list(reversed(periods))


def monthly_trends(last: date) -> list[dict]:
    """One series per front-page figure (portal.public_figures): label, [(month, value)], svg."""
    months = last_months(last)
    trends = []
    for _order, label, count in current_app.extensions.get("portal.public_figures", []):
        values = [(p.first.strftime("%Y-%m"), count(p.start, p.end) or 0) for p in months]
        trends.append({"label": str(label), "values": values, "svg": bar_chart(str(label), values)})
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
