"""The monthly and annual report leaders read, in the federation's own phrasing (DOCX, XLSX).

"举办线上普法讲座 16 场，为约 100 家企业解答法律问题，15 家商会成立人民调解委员会……": an opening
summary of the period, then one numbered paragraph per programme. With a chamber chosen, only
the programmes whose figures narrow to a chamber are reported (the others would be the whole
federation's figures under the chamber's name).
"""

from io import BytesIO

from flask_babel import gettext as _

from portal.core import word
from portal.core.exports import XlsxBook
from portal.core.i18n import format_day
from portal.core.site import site_name
from portal.dashboard.periods import Period


def _values(sections) -> dict:
    """Figure key -> value across every section (keys are the packages' stable codes)."""
    values = {}
    for section in sections:
        if section.get("all_chambers"):
            continue
        for figure in section.get("figures", []):
            if figure.key and figure.value is not None:
                values[figure.key] = figure.value
    return values


def _n(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def summary(sections) -> str:
    """The opening sentence: the period's headline figures, as the federation sums them up."""
    v = _values(sections)
    clauses = []
    if v.get("lectures_held"):
        clauses.append(_("held %(n)s online law lectures", n=_n(v["lectures_held"])))
    if v.get("enterprises_answered"):
        clauses.append(
            _("answered legal questions for about %(n)s firms", n=_n(v["enterprises_answered"]))
        )
    if v.get("committees"):
        clauses.append(
            _("%(n)s chambers of commerce have set up people's mediation committees",
              n=_n(v["committees"]))
        )  # fmt: skip
    if v.get("cases"):
        clauses.append(_("mediated %(n)s disputes", n=_n(v["cases"])))
    if v.get("firms_examined"):
        clauses.append(_("gave legal check-ups to %(n)s firms", n=_n(v["firms_examined"])))
    if v.get("covered_firms"):
        clauses.append(_("counsel groups served %(n)s small and micro firms",
                         n=_n(v["covered_firms"])))  # fmt: skip
    if v.get("collected"):
        clauses.append(_("collected %(n)s appeals from firms", n=_n(v["collected"])))
    if not clauses:
        return ""
    return _("In this period: %(clauses)s.", clauses=_("; ").join(clauses))


def paragraphs(sections) -> list[tuple[str, str]]:
    """(heading, sentence) per programme with figures, worded as the federation reports them."""
    v = _values(sections)
    out = []

    def has(*keys):
        # A programme with nothing to report in the period is left out of the report.
        return all(k in v for k in keys) and any(v[k] for k in keys)

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
        text = _(
            "Chambers' people's mediation committees received %(cases)s disputes and "
            "settled %(agreements)s by agreement (success rate %(rate)s%%).",
            cases=_n(v["cases"]),
            agreements=_n(v["agreements"]),
            rate=_n(v.get("success_rate") or 0),
        )
        if v.get("committees"):
            text = (
                _(
                    "%(n)s chambers of commerce have set up people's mediation committees.",
                    n=_n(v["committees"]),
                )
                + text
            )
        out.append((_("Chamber mediation"), text))
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


def _title(annual: bool) -> str:
    if annual:
        return _("Annual report on legal services for private firms")
    return _("Monthly report on legal services for private firms")


def _period_line(period: Period) -> str:
    return _(
        "Period: %(first)s to %(last)s",
        first=format_day(period.first),
        last=format_day(period.last),
    )


def report_docx(sections, period: Period, *, annual: bool, chamber=None) -> bytes:
    document = word.new_document("仿宋_GB2312", 14, headings="黑体")
    document.add_heading(_title(annual), level=1)
    document.add_paragraph(word.text(site_name()))
    if chamber is not None:
        document.add_paragraph(word.text(chamber.name))
    document.add_paragraph(_period_line(period))
    opening = summary(sections)
    if opening:
        document.add_paragraph(opening)
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


def report_xlsx(sections, period: Period, *, annual: bool, chamber=None) -> bytes:
    """The same report as a workbook: the worded report on its first sheet, then one sheet of
    figures per programme."""
    from portal.dashboard.operations import export_xlsx

    book = XlsxBook()
    notes = [site_name(), *([chamber.name] if chamber is not None else []), _period_line(period)]
    opening = summary(sections)
    if opening:
        notes.append(opening)
    rows = [
        [_("%(n)s. %(heading)s", n=_chinese_number(n), heading=heading), sentence]
        for n, (heading, sentence) in enumerate(paragraphs(sections), start=1)
    ]
    book.add_sheet(
        _("Report"),
        heading=_title(annual),
        notes=notes,
        header=(_("Programme"), _("What was done")),
        rows=rows or [["", _("No figures for this period.")]],
        widths=[24, 100],
        autofilter=False,
    )
    return export_xlsx(
        sections, period, headers=(_("Figure"), _("Value")), chamber=chamber, book=book
    )


def _chinese_number(n: int) -> str:
    from portal.core.i18n import current_language

    if current_language() == "en":
        return str(n)
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)
