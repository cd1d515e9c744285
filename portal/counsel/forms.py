"""Forms of counsel."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.accounts.models import Chamber, Enterprise, Role, User, Verification
from portal.core.db import db
from portal.core.forms import FlaskForm, LongSelect, OnceForm
from portal.core.reference import industry_choices
from portal.counsel.models import SERVICE_KIND_LABELS


def enterprise_choices():
    firms = db.session.scalars(
        select(Enterprise)
        .where(Enterprise.verification == Verification.verified)
        .order_by(Enterprise.name)
    )
    return [(f.id, f"{f.name} ({f.size_label})") for f in firms]


def lawyer_choices():
    # Two columns, not 330 whole accounts: every group page builds this list for its form.
    lawyers = db.session.execute(
        select(User.id, User.name)
        .join(User.lawyer_profile)
        .where(User.role == Role.lawyer, User.is_deactivated.is_(False))
        .order_by(User.name)
    )
    return [(user_id, name) for user_id, name in lawyers]


def chamber_choices():
    chambers = db.session.scalars(select(Chamber).order_by(Chamber.name))
    return [(0, _l("(none)"))] + [(c.id, c.name) for c in chambers]


class TermFields(FlaskForm):
    start_date = DateField(_l("Term starts"), validators=[DataRequired()])
    end_date = DateField(_l("Term ends"), validators=[DataRequired()])


class GroupForm(TermFields):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=120)])
    chamber = SelectField(_l("Chamber"), coerce=int, validators=[Optional()])
    enterprises = SelectMultipleField(
        _l("Enterprises (up to five small or micro firms)"), coerce=int
    )
    lawyers = SelectMultipleField(_l("Counsel lawyers (one or two)"), coerce=int)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chamber.choices = chamber_choices()
        self.enterprises.choices = enterprise_choices()
        self.lawyers.choices = lawyer_choices()


class SuggestFilterForm(FlaskForm):
    class Meta:
        csrf = False

    chamber = SelectField(_l("Chamber"), coerce=int, validators=[Optional()], default=0)
    industry = SelectField(_l("Industry"), validators=[Optional()], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chamber.choices = chamber_choices()
        self.industry.choices = [("", _l("(any)"))] + industry_choices()


MATCHES_SHOWN = 5


def find_verified_enterprise(text: str):
    """(enterprise, None) for what staff typed, else (None, a message saying why not).

    Thousands of firms make a drop-down useless (and slow): staff type the firm's credit
    code, its full name or a part of the name that only one verified firm has."""
    text = " ".join((text or "").split())
    verified = select(Enterprise).where(Enterprise.verification == Verification.verified)
    if text.isdigit() and len(text) <= 10:  # an id, as the pages link firms
        firm = db.session.scalar(verified.where(Enterprise.id == int(text)))
    elif len(text) == 18:
        firm = db.session.scalar(verified.where(Enterprise.uscc == text.upper()))
    else:
        firm = db.session.scalar(verified.where(Enterprise.name == text))
    if firm is not None:
        return firm, None
    found = db.session.scalars(
        verified.where(Enterprise.name.contains(text, autoescape=True))
        .order_by(Enterprise.name)
        .limit(MATCHES_SHOWN + 1)
    ).all()
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, _l("No verified enterprise matches “%(text)s”.", text=text)
    names = "、".join(f.name for f in found[:MATCHES_SHOWN])
    return None, _l(
        "Several enterprises match: %(names)s. Type more of the name or its credit code.",
        names=names + ("…" if len(found) > MATCHES_SHOWN else ""),
    )


class AddMemberForm(FlaskForm):
    enterprise = StringField(
        _l("Enterprise"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Its unified social credit code, full name or a distinctive part of it"),
    )
    firm = None

    def validate_enterprise(self, field):
        self.firm, problem = find_verified_enterprise(field.data)
        if problem:
            raise ValidationError(str(problem))


class AddLawyerForm(FlaskForm):
    lawyer = SelectField(_l("Lawyer"), coerce=int, validators=[DataRequired()], widget=LongSelect())

    def __init__(self, *args, lawyers=None, written_options=None, **kwargs):
        """`lawyers`: the choices as lawyer_choices() gives them, when the caller has them;
        `written_options`: their <option>s as LongSelect.written_options wrote them."""
        super().__init__(*args, **kwargs)
        self.lawyer.choices = lawyer_choices() if lawyers is None else lawyers
        self.lawyer.written_options = written_options


class RenewForm(TermFields):
    pass


class ServiceForm(OnceForm):
    enterprise = SelectField(_l("Enterprise"), coerce=int, validators=[DataRequired()])
    kind = SelectField(
        _l("Service"), choices=[(k.value, label) for k, label in SERVICE_KIND_LABELS.items()]
    )
    service_date = DateField(_l("Date"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("Time spent (minutes)"),
        validators=[DataRequired(), NumberRange(min=1, max=1440)],
    )
    note = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=5000)])

    def __init__(self, group, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise.choices = [
            (m.enterprise_id, m.enterprise.name) for m in group.current_members
        ]


class ServiceEditForm(ServiceForm):
    def __init__(self, service, *args, **kwargs):
        super().__init__(service.group, *args, **kwargs)
        del self.enterprise
        del self.submission_token


class DisputeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you dispute this entry?"), validators=[DataRequired(), Length(max=2000)]
    )


class RequestForm(OnceForm):
    title = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Your question"),
        validators=[DataRequired(), Length(max=10000)],
        description=_l("Markdown is supported."),
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("Markdown is supported."),
    )


class FollowUpForm(FlaskForm):
    text = TextAreaField(_l("Follow-up question"), validators=[DataRequired(), Length(max=10000)])


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
