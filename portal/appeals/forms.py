"""Forms of appeals."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, Regexp

from portal.accounts.lookup import EnterpriseField
from portal.appeals.models import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    EVALUATION_METHOD_LABELS,
    MEETING_KIND_LABELS,
    ROUTE_LABELS,
    STAFF_CHANNELS,
    STATUS_LABELS,
    TIER_LABELS,
    EvaluationMethod,
    OrganisationKind,
    label_texts,
)
from portal.core.forms import FlaskForm, LongSelect, OnceForm
from portal.core.i18n import format_day
from portal.core.reference import uscc_problem

# The departments seen in the second city's reports; staff edit the list on the organisations page.
DEFAULT_DEPARTMENTS = (
    ("市委政法委", "Political and Legal Affairs Commission"),
    ("市中级人民法院", "Intermediate People's Court"),
    ("市人民检察院", "People's Procuratorate"),
    ("市公安局", "Public Security Bureau"),
    ("市司法局", "Justice Bureau"),
    ("市人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("市市场监督管理局", "Market Regulation Administration"),
    ("市税务局", "Tax Bureau"),
    ("市自然资源局", "Natural Resources Bureau"),
    ("市住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("市工业和信息化局", "Industry and Information Technology Bureau"),
    ("市发展和改革委员会", "Development and Reform Commission"),
)
BUREAU = ("市营商环境建设局", "Business Environment Bureau")


def category_choices():
    # As text in the request's language, kept per language (the page's select wrote 18 lazy labels).
    labels = label_texts("category", CATEGORY_LABELS)
    return [(c.value, labels[c]) for c in CATEGORY_LABELS]


def organisation_choices(blank=True):
    from portal.appeals.organisations import departments

    choices = [(o.id, o.label) for o in departments()]
    return ([(0, _l("(choose)"))] if blank else []) + choices


SCORES = [(str(n), str(n)) for n in range(5, 0, -1)]


class RegisterFields(FlaskForm):
    category = SelectField(_l("Category"), choices=category_choices, widget=LongSelect())
    register_ref = StringField(
        _l("Register reference number"),
        validators=[
            Optional(),
            Length(max=60),
            Regexp(r"^[\w\-/〔〕()（）]+$", message=_l("Letters, digits and - / only.")),
        ],
    )
    register_url = StringField(
        _l("Link to the record in the city register"),
        validators=[Optional(), Length(max=500), URL(message=_l("Enter a full web address."))],
    )


class ReferralForm(OnceForm, RegisterFields):
    """Staff record an item collected through any channel."""

    enterprise = EnterpriseField(
        _l("Enterprise"), validators=[DataRequired(), Length(max=250)], verified_only=False
    )
    channel = SelectField(
        _l("Channel"), choices=[(c.value, CHANNEL_LABELS[c]) for c in STAFF_CHANNELS]
    )
    collected_on = DateField(_l("Date collected"), validators=[Optional()])
    collected_by = StringField(
        _l("Collected by"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("The staff member, cadre or chamber who took the appeal."),
    )
    meeting = SelectField(_l("Raised at meeting"), coerce=int, validators=[Optional()])
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=200)])
    details = TextAreaField(
        _l("Details"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Markdown is supported."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from sqlalchemy import select

        from portal.appeals.models import AppealMeeting
        from portal.core.db import db

        self.meeting.choices = [(0, _l("(none)"))] + [
            (m.id, f"{format_day(m.held_on)} {m.title}")
            for m in db.session.scalars(
                select(AppealMeeting).order_by(AppealMeeting.held_on.desc()).limit(50)
            )
        ]


# The blank ReferralForm's fields as written (not its CSRF and submission tokens), kept
# NEW_FORM_TTL seconds per language in the short shared cache (views.new): building the form
# (its latest 50 meetings read) and writing its eleven fields was half the page. Saving a
# meeting drops them at commit (meetings.save_meeting); a meeting loaded otherwise
# (`flask demo load`) is offered within NEW_FORM_TTL.
NEW_FORM_TTL = 60


def new_form_key(language: str) -> str:
    return f"appeals:new-form:{language}"


class PublicAppealForm(OnceForm):
    """网络平台征集: any enterprise, signed in or not."""

    firm_name = StringField(_l("Enterprise name"), validators=[DataRequired(), Length(max=200)])
    uscc = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(min=18, max=18)]
    )
    contact = StringField(
        _l("Contact person and telephone"), validators=[DataRequired(), Length(max=200)]
    )
    category = SelectField(_l("Category"), choices=category_choices, widget=LongSelect())
    summary = StringField(
        _l("Your appeal in one line"), validators=[DataRequired(), Length(max=200)]
    )
    details = TextAreaField(
        _l("What happened and what you ask for"), validators=[DataRequired(), Length(max=20000)]
    )

    def validate_uscc(self, field):
        field.data = (field.data or "").strip().upper()
        problem = uscc_problem(field.data)
        if problem:
            raise ValidationError(str(problem))


class TriageForm(FlaskForm):
    enterprise = EnterpriseField(
        _l("Enterprise"), validators=[Optional(), Length(max=250)], verified_only=False
    )
    category = SelectField(_l("Category"), choices=category_choices, widget=LongSelect())
    tier = RadioField(
        _l("Tier"),
        choices=[(str(int(t)), label) for t, label in TIER_LABELS.items()],
        validators=[DataRequired()],
    )
    tier_reason = TextAreaField(
        _l("Reason for the tier"), validators=[DataRequired(), Length(max=5000)]
    )
    route = RadioField(
        _l("Route"),
        choices=[(r.value, label) for r, label in ROUTE_LABELS.items()],
        validators=[DataRequired()],
    )

    def __init__(self, *args, needs_enterprise=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_enterprise:
            del self.enterprise


class MergeForm(FlaskForm):
    into = SelectField(_l("Duplicate of"), coerce=int, validators=[DataRequired()])


class StepForm(FlaskForm):
    """The next step of the handling: status, department when distributing, note, result, files."""

    to = SelectField(_l("Next step"), validators=[DataRequired()])
    organisation = SelectField(_l("Department"), coerce=int, validators=[Optional()])
    note = TextAreaField(
        _l("Note (a reason is required when returning)"), validators=[Optional(), Length(max=5000)]
    )
    result = TextAreaField(
        _l("Result (when recording the result)"), validators=[Optional(), Length(max=20000)]
    )
    files = MultipleFileField(_l("Attachments"))

    def __init__(self, allowed, *args, with_departments=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.to.choices = [(s.value, STATUS_LABELS[s]) for s in allowed]
        # The item page shows the department select only when distributing is a next step: it
        # builds the form without reading the departments otherwise.
        self.organisation.choices = organisation_choices() if with_departments else []


class ProgressForm(FlaskForm):
    note = TextAreaField(_l("Progress"), validators=[DataRequired(), Length(max=5000)])
    files = MultipleFileField(_l("Attachments"))


class EvaluationForm(FlaskForm):
    method = SelectField(_l("How the evaluation was taken"))
    timeliness = RadioField(_l("Timeliness"), choices=SCORES, validators=[DataRequired()])
    result = RadioField(_l("Handling result"), choices=SCORES, validators=[DataRequired()])
    attitude = RadioField(_l("Attitude"), choices=SCORES, validators=[DataRequired()])
    satisfied = RadioField(
        _l("Is the enterprise satisfied?"),
        choices=[
            ("yes", _l("Yes, satisfied: the item may be closed")),
            ("no", _l("No, not satisfied: reopen it")),
        ],
        validators=[DataRequired()],
    )
    comment = TextAreaField(
        _l("Comment (required when not satisfied)"), validators=[Optional(), Length(max=5000)]
    )

    def __init__(self, *args, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:  # the firm itself, on the portal
            del self.method
            return
        methods = [m for m in EvaluationMethod if m != EvaluationMethod.portal]
        self.method.choices = [(m.value, EVALUATION_METHOD_LABELS[m]) for m in methods]


class ConfirmForm(FlaskForm):
    """A bare POST button: only the CSRF token."""


class CloseForm(FlaskForm):
    note = TextAreaField(_l("Closing remarks"), validators=[Optional(), Length(max=5000)])


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=[
            (OrganisationKind.department.value, _l("Department")),
            (OrganisationKind.bureau.value, _l("Business-environment bureau")),
        ],
    )
    is_active = SelectField(_l("In use"), choices=[("1", _l("Yes")), ("0", _l("No"))])


class NewAccountForm(FlaskForm):
    """An account for someone acting for the organisation; the first password is shown once."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    new_email = StringField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[
            ("department_handler", _l("Department handler")),
            ("bureau_coordinator", _l("Business-environment bureau coordinator")),
        ],
    )


class MemberForm(FlaskForm):
    email = StringField(_l("Account e-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class PlanForm(FlaskForm):
    principles = TextAreaField(
        _l("Basic principles"), validators=[DataRequired(), Length(max=10000)]
    )
    direction = TextAreaField(_l("Direction"), validators=[DataRequired(), Length(max=10000)])
    lead = SelectField(_l("Lead responsible body"), coerce=int, validators=[DataRequired()])
    cooperating = SelectMultipleField(_l("Co-operating bodies"), coerce=int)
    deadline = DateField(
        _l("Completion deadline"),
        validators=[DataRequired()],
        description=_l("A deadline on a holiday moves to the next working day."),
    )
    team = TextAreaField(
        _l("Work team"),
        validators=[Optional(), Length(max=5000)],
        description=_l("One member a line: name, unit, role."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead.choices = organisation_choices()
        self.cooperating.choices = organisation_choices(blank=False)


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), validators=[DataRequired(), Length(max=200)])
    due_date = DateField(_l("Due"), validators=[DataRequired()])


class MeetingForm(FlaskForm):
    kind = SelectField(
        _l("Kind of meeting"),
        choices=[(k.value, label) for k, label in MEETING_KIND_LABELS.items()],
    )
    title = StringField(_l("Meeting name"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    hosts = StringField(_l("Hosts"), validators=[Optional(), Length(max=500)])
    departments = SelectMultipleField(_l("Departments present"), coerce=int)
    firms_attending = TextAreaField(
        _l("Enterprises attending"), validators=[Optional(), Length(max=5000)]
    )
    minutes = TextAreaField(_l("Meeting minutes"), validators=[Optional(), Length(max=50000)])
    files = MultipleFileField(_l("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments.choices = organisation_choices(blank=False)


class LedgerForm(FlaskForm):
    class Meta:
        csrf = False

    month = StringField(_l("Month (YYYY-MM)"), validators=[Optional(), Regexp(r"^\d{4}-\d{2}$")])
    start = DateField(_l("Or from"), validators=[Optional()])
    end = DateField(_l("to"), validators=[Optional()])


# The `field` macro's HTML of a field shown without errors, kept by everything it is written
# from: the form's and field's class, name, label and description (in the request's language),
# flags, choices and value. The item page writes seven such fields and the ledger three, each
# costing a macro call and WTForms' widget; the same key always gives the same HTML, so nothing
# kept can be stale. Process-local, at most WRITTEN_FIELDS_KEPT entries (then started afresh).
WRITTEN_FIELDS_KEPT = 1024
_written_fields: dict = {}


def _written_key(form, field):
    choices = getattr(field, "choices", None)
    if callable(choices):
        choices = choices()
    value = field._value() if hasattr(field, "_value") else None
    return (
        type(form).__qualname__,
        type(field).__qualname__,
        field.name,
        field.id,
        str(field.label.text),
        str(field.description),
        tuple(sorted(vars(field.flags).items())),
        tuple(sorted((k, str(v)) for k, v in (field.render_kw or {}).items())),
        tuple((str(c[0]), str(c[1])) for c in choices) if choices is not None else None,
        value,
        repr(field.data),
    )


def written_field(form, name: str):
    """macros.html's `field(form[name])`, kept for a field without errors (see above)."""
    from flask import get_template_attribute
    from markupsafe import Markup

    field = form[name]
    if field.errors:
        return get_template_attribute("macros.html", "field")(field)
    key = _written_key(form, field)
    html = _written_fields.get(key)
    if html is None:
        html = Markup(get_template_attribute("macros.html", "field")(field))
        if len(_written_fields) >= WRITTEN_FIELDS_KEPT:
            _written_fields.clear()
        _written_fields[key] = html
    return html
