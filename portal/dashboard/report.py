"""The monthly and annual report leaders read, in the federation's own phrasing (DOCX)."""

from io import BytesIO

from docx import Document
from docx.shared import Pt
from flask_babel import gettext as _

from portal.core.i18n import format_day
from portal.core.site import site_name
from portal.dashboard.periods import Period


def _values(sections) -> dict:
    """Figure key -> value across every section (keys are the packages' stable codes)."""
    values = {}
    for section in sections:
        for figure in section.get("figures", []):
            if figure.key and figure.value is not None:
                values[figure.key] = figure.value
    return values


def _n(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def paragraphs(sections) -> list[tuple[str, str]]:
    """(heading, sentence) per programme with figures, worded as the federation reports them."""
    v = _values(sections)
    out = []

    def has(*keys):
        return all(k in v for k in keys)

    if has("enterprises_answered", "answered", "asked"):
        text = _(
            "Volunteer lawyers answered legal questions for about %(firms)s firms: %(answered)s "
            "questions answered out of %(asked)s received",
            firms=_n(v["enterprises_answered"]),
            answered=_n(v["answered"]),
            asked=_n(v["asked"]),
        )
        if "within_deadline" in v:
            text += _(", %(share)s%% of them within the deadline", share=_n(v["within_deadline"]))
        out.append((_("Ask a lawyer"), text + _(".")))
    if has("lectures_held"):
        out.append(
            (
                _("Law lectures"),
                _(
                    "Held %(lectures)s online law lectures, attended %(attendance)s times and "
                    "replayed %(replays)s times.",
                    lectures=_n(v["lectures_held"]),
                    attendance=_n(v.get("attendance", 0)),
                    replays=_n(v.get("replays_viewed", 0)),
                ),
            )
        )
    if has("cases", "agreements"):
        out.append(
            (
                _("Chamber mediation"),
                _(
                    "Chambers' people's mediation committees received %(cases)s disputes and "
                    "settled %(agreements)s by agreement (success rate %(rate)s%%).",
                    cases=_n(v["cases"]),
                    agreements=_n(v["agreements"]),
                    rate=_n(v.get("success_rate", 0)),
                ),
            )
        )
    if has("firms_examined", "checkups_held"):
        out.append(
            (
                _("Legal check-ups"),
                _(
                    "Gave legal check-ups to %(firms)s firms (%(checkups)s visits), finding "
                    "%(findings)s risks, %(high)s of them high.",
                    firms=_n(v["firms_examined"]),
                    checkups=_n(v["checkups_held"]),
                    findings=_n(v.get("findings", 0)),
                    high=_n(v.get("findings_high", 0)),
                ),
            )
        )
    if has("active_groups", "covered_firms"):
        out.append(
            (
                _("5+1 counsel"),
                _(
                    "%(groups)s counsel groups served %(firms)s small and micro firms with "
                    "%(services)s services.",
                    groups=_n(v["active_groups"]),
                    firms=_n(v["covered_firms"]),
                    services=_n(v.get("services", 0)),
                ),
            )
        )
    if has("collected", "resolved"):
        out.append(
            (
                _("Business appeals"),
                _(
                    "Collected %(collected)s appeals from firms and resolved %(resolved)s.",
                    collected=_n(v["collected"]),
                    resolved=_n(v["resolved"]),
                ),
            )
        )
    return out


def report_docx(sections, period: Period, *, annual: bool) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    title = (
        _("Annual report on legal services for private firms")
        if annual
        else _("Monthly report on legal services for private firms")
    )
    document.add_heading(title, level=1)
    document.add_paragraph(site_name())
    document.add_paragraph(
        _(
            "Period: %(first)s to %(last)s",
            first=format_day(period.first),
            last=format_day(period.last),
        )
    )
    found = paragraphs(sections)
    if not found:
        document.add_paragraph(_("No figures for this period."))
    for number, (heading, sentence) in enumerate(found, start=1):
        document.add_heading(
            _("%(n)s. %(heading)s", n=_chinese_number(number), heading=heading), level=2
        )
        document.add_paragraph(sentence)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _chinese_number(n: int) -> str:
    from portal.core.i18n import current_language

    if current_language() == "en":
        return str(n)
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)
