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
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.accounts.lookup import EnterpriseField, EnterpriseListField
from portal.accounts.models import Chamber, LawyerProfile, Role, User
from portal.core.db import db
from portal.core.forms import FlaskForm, LongSelect, OnceForm
from portal.core.labels import distinct_labels
from portal.core.reference import industry_choices
from portal.counsel.models import SERVICE_KIND_LABELS


def lawyer_choices():
    # Two columns, not 330 whole accounts: every group page builds this list for its form.
    # Two lawyers of one name are told apart by law firm: staff choose counsel by this label.
    lawyers = db.session.execute(
        select(User.id, User.name, LawyerProfile.law_firm)
        .join(User.lawyer_profile)
        .where(User.role == Role.lawyer, User.is_deactivated.is_(False))
        .order_by(User.name, User.id)
    ).all()
    labels = distinct_labels(lawyers)
    return [(user_id, labels[user_id]) for user_id, _name, _firm in lawyers]


def chamber_choices():
    chambers = db.session.scalars(select(Chamber).order_by(Chamber.name))
    return [(0, _l("(none)"))] + [(c.id, c.name) for c in chambers]


class TermFields(FlaskForm):
    start_date = DateField(_l("Term starts"), validators=[DataRequired()])
    end_date = DateField(_l("Term ends"), validators=[DataRequired()])


class GroupForm(TermFields):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=120)])
    chamber = SelectField(_l("Chamber"), coerce=int, validators=[Optional()])
    enterprises = EnterpriseListField(_l("Enterprises (up to five small or micro firms)"))
    lawyers = SelectMultipleField(
        _l("Counsel lawyers (one or two)"), coerce=int, widget=LongSelect(multiple=True)
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, lawyers=None, written_options=None, **kwargs):
        """`lawyers`, `written_options`: as AddLawyerForm's."""
        super().__init__(*args, **kwargs)
        self.chamber.choices = chamber_choices()
        self.lawyers.choices = lawyer_choices() if lawyers is None else lawyers
        self.lawyers.written_options = written_options


class SuggestFilterForm(FlaskForm):
    class Meta:
        csrf = False

    chamber = SelectField(_l("Chamber"), coerce=int, validators=[Optional()], default=0)
    industry = SelectField(_l("Industry"), validators=[Optional()], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chamber.choices = chamber_choices()
        self.industry.choices = [("", _l("(any)"))] + industry_choices()


class AddMemberForm(FlaskForm):
    enterprise = EnterpriseField(_l("Enterprise"), validators=[DataRequired(), Length(max=200)])


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
