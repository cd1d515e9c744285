"""Forms of appeals."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp

from portal.appeals.models import CATEGORY_LABELS, STATUS_LABELS
from portal.core.forms import FlaskForm, OnceForm

# Where the business-environment bureau usually sends appeals; staff can change the list
# with the APPEALS_DEPARTMENTS setting.
DEFAULT_DEPARTMENTS = (
    "市中级人民法院",
    "市司法局",
    "市公安局",
    "市市场监督管理局",
    "市税务局",
    "市人力资源和社会保障局",
    "市自然资源局",
    "市住房和城乡建设局",
    "市发展和改革委员会",
    "市工业和信息化局",
    "市地方金融监督管理局",
    "区人民政府",
)


def department_choices():
    names = current_app.config.get("APPEALS_DEPARTMENTS") or DEFAULT_DEPARTMENTS
    return [("", _l("(not distributed)"))] + [(name, name) for name in names]


def category_choices():
    return [(c.value, label) for c, label in CATEGORY_LABELS.items()]


class RegisterFields(FlaskForm):
    category = SelectField(_l("Category"), choices=category_choices)
    register_ref = StringField(
        _l("Register reference number"),
        validators=[
            Optional(),
            Length(max=60),
            Regexp(r"^[\w\-/〔〕()（）]+$", message=_l("Letters, digits and - / only.")),
        ],
    )
    register_url = StringField(
        _l("Link to the record in the general register"),
        validators=[Optional(), Length(max=500), URL(message=_l("Enter a full web address."))],
    )


class ReferralForm(OnceForm, RegisterFields):
    enterprise = SelectField(_l("Enterprise"), coerce=int, validators=[DataRequired()])
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=200)])
    details = TextAreaField(
        _l("Details"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Markdown is supported."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from sqlalchemy import select

        from portal.accounts.models import Enterprise
        from portal.core.db import db

        self.enterprise.choices = [
            (e.id, e.name) for e in db.session.scalars(select(Enterprise).order_by(Enterprise.name))
        ]


class StatusForm(FlaskForm):
    to = SelectField(_l("New status"), validators=[DataRequired()])
    department = SelectField(_l("Department"), validators=[Optional()])
    note = TextAreaField(_l("Note from the register"), validators=[Optional(), Length(max=5000)])

    def __init__(self, allowed, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.to.choices = [(s.value, STATUS_LABELS[s]) for s in allowed]
        self.department.choices = department_choices()


class RevisitForm(FlaskForm):
    satisfied = RadioField(
        _l("Are you satisfied with how the appeal was handled?"),
        choices=[
            ("yes", _l("Yes, satisfied: close it")),
            ("no", _l("No, not satisfied: reopen it")),
        ],
        validators=[DataRequired()],
    )
    comment = TextAreaField(
        _l("Comment (required when not satisfied)"), validators=[Optional(), Length(max=5000)]
    )


class LedgerForm(FlaskForm):
    class Meta:
        csrf = False

    month = StringField(_l("Month (YYYY-MM)"), validators=[Optional(), Regexp(r"^\d{4}-\d{2}$")])
    start = DateField(_l("Or from"), validators=[Optional()])
    end = DateField(_l("to"), validators=[Optional()])
