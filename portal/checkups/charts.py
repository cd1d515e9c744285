"""The risk-profile chart: inline SVG drawn on the server (no JavaScript), counts by area and level."""

from markupsafe import Markup, escape

from portal.checkups.models import LEVEL_LABELS, Level

COLOURS = {Level.high: "#b02a37", Level.medium: "#c77c02", Level.low: "#2f6f4e"}


def risk_profile_svg(rows: list[tuple[str, dict]], title: str, width: int = 640) -> Markup:
    """rows: [(area label, {Level: count})]. Horizontal stacked bars, a legend, and a <title>."""
    label_w, bar_h, gap, top = 230, 18, 8, 30
    plot_w = width - label_w - 50
    most = max([sum(counts.values()) for _label, counts in rows] + [1])
    height = top + len(rows) * (bar_h + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="risk-profile" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-labelledby="risk-profile-title">',
        f'<title id="risk-profile-title">{escape(title)}</title>',
    ]
    x = label_w
    for level in Level:
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{COLOURS[level]}"/>'
            f'<text x="{x + 16}" y="16" font-size="12">{escape(str(LEVEL_LABELS[level]))}</text>'
        )
        x += 110
    for i, (label, counts) in enumerate(rows):
        y = top + i * (bar_h + gap)
        short = label if len(label) <= 16 else label[:15] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" font-size="12" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        x = label_w
        for level in Level:
            n = counts.get(level, 0)
            if not n:
                continue
            w = plot_w * n / most
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{COLOURS[level]}"><title>{escape(label)} · '
                f"{escape(str(LEVEL_LABELS[level]))}: {n}</title></rect>"
            )
            x += w
        total = sum(counts.values())
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar_h - 4}" font-size="12">{total}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def profile_rows(checkup_or_areas, findings) -> list[tuple[str, dict]]:
    """Counts per area (in checklist order) and level for a set of findings."""
    rows = []
    for area in checkup_or_areas:
        counts = {level: 0 for level in Level}
        for finding in findings:
            if finding.area_id == area.id:
                counts[finding.level] += 1
        rows.append((area.label, counts))
    return rows
