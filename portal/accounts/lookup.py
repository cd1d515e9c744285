"""A firm named by what staff type, not picked from a drop-down.

With 5,000 firms a drop-down of them is useless on a phone and slow everywhere (writing its
options cost a form page 60-85 ms at scale 1). Staff type the firm's unified social credit
code, its full name or a part of the name only one firm has; the pages that link a firm by
its id (a suggestion, a follow-up) may give the id. Nothing needs JavaScript."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from portal.accounts.models import Enterprise, Verification
from portal.core.db import db

MATCHES_SHOWN = 5
USCC_LENGTH = 18
HINT = _l("Its unified social credit code, full name or a distinctive part of it")


def find_enterprise(text: str, *, verified_only: bool = True):
    """(enterprise, None) for what was typed, else (None, a message saying why not).

    Tried in turn: an id (digits, as pages link firms), a credit code (18 characters, also
    at the end of "name code" as the forms fill it in), the full name, then a part of the name
    that only one firm has."""
    text = " ".join((text or "").split())
    firms = select(Enterprise)
    if verified_only:
        firms = firms.where(Enterprise.verification == Verification.verified)
    words = text.rsplit(" ", 1)
    firm = None
    if text.isdigit() and len(text) <= 10:
        firm = db.session.scalar(firms.where(Enterprise.id == int(text)))
    elif len(words[-1]) == USCC_LENGTH and words[-1].isalnum():
        firm = db.session.scalar(firms.where(Enterprise.uscc == words[-1].upper()))
    else:
        firm = db.session.scalar(firms.where(Enterprise.name == text).limit(1))
    if firm is not None:
        return firm, None
    nothing = (
        _l("No verified enterprise matches “%(text)s”.", text=text)
        if verified_only
        else _l("No enterprise matches “%(text)s”.", text=text)
    )
    if text.isdigit() or len(words[-1]) == USCC_LENGTH:
        return None, nothing
    found = db.session.scalars(
        firms.where(Enterprise.name.contains(text, autoescape=True))
        .order_by(Enterprise.name)
        .limit(MATCHES_SHOWN + 1)
    ).all()
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, nothing
    names = "、".join(f.name for f in found[:MATCHES_SHOWN])
    return None, _l(
        "Several enterprises match: %(names)s. Type more of the name or its credit code.",
        names=names + ("…" if len(found) > MATCHES_SHOWN else ""),
    )


def typed_name(firm: Enterprise) -> str:
    """What the field shows for a firm already chosen: its name and credit code, which
    find_enterprise reads back as that firm."""
    return f"{firm.name} {firm.uscc}" if firm.uscc else str(firm.id)


class EnterpriseField(StringField):
    """One firm, typed (see find_enterprise). After validation `firm` is the enterprise, or
    None when the field was left empty (its validators decide whether it may be)."""

    def __init__(self, label=None, validators=None, *, verified_only=True, **kwargs):
        kwargs.setdefault("description", HINT)
        super().__init__(label, validators, **kwargs)
        self.verified_only = verified_only
        self.firm = None

    def post_validate(self, form, validation_stopped):
        self.firm = None
        if validation_stopped or self.errors or not (self.data or "").strip():
            return
        self.firm, problem = find_enterprise(self.data, verified_only=self.verified_only)
        if problem:
            raise ValidationError(str(problem))


class EnterpriseListField(TextAreaField):
    """Several firms, one a line (see find_enterprise); several values posted under the field's
    name (hidden inputs of a suggestion, say) count as lines. After validation `firms` is the
    enterprises in the order typed, each once."""

    def __init__(self, label=None, validators=None, *, verified_only=True, **kwargs):
        kwargs.setdefault(
            "description",
            _l("One a line: its unified social credit code, full name or a distinctive part of it"),
        )
        super().__init__(label, validators, **kwargs)
        self.verified_only = verified_only
        self.firms = []

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = "\n".join(str(value) for value in valuelist)

    def lines(self) -> list[str]:
        return [line.strip() for line in (self.data or "").splitlines() if line.strip()]

    def post_validate(self, form, validation_stopped):
        self.firms = []
        if validation_stopped or self.errors:
            return
        problems = []
        for number, line in enumerate(self.lines(), start=1):
            firm, problem = find_enterprise(line, verified_only=self.verified_only)
            if problem:
                problems.append(_l("Line %(number)d: %(problem)s", number=number, problem=problem))
            elif firm not in self.firms:
                self.firms.append(firm)
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))
