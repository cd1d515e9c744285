"""Names shown for document kinds and facet values."""

from flask_babel import lazy_gettext as _l

from portal.core.reference import LEGAL_CATEGORIES, industry_name, localized

KIND_LABELS = {
    "law_article": _l("Statute articles"),
    "question": _l("Questions"),
    "answer": _l("Answers"),
    "kb_article": _l("Knowledge base"),
    "lecture": _l("Lectures"),
    "transcript_line": _l("Lecture transcripts"),
    "mediation_case": _l("Mediation cases"),
    "checkup": _l("Legal check-ups"),
    "appeal_referral": _l("Appeal referrals"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def category_label(code: str) -> str:
    for category_code, zh, en in LEGAL_CATEGORIES:
        if category_code == code:
            return localized(zh, en)
    return code


def facet_label(name: str, value: str) -> str:
    if name == "kind":
        return kind_label(value)
    if name == "category":
        return category_label(value)
    if name == "industry":
        return industry_name(value)
    return value
