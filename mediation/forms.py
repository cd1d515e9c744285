"""Forms of mediation."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from mediation.models import (
    AGREEMENT_KIND_LABELS,
    CASE_SOURCE_LABELS,
    DECLINE_REASON_LABELS,
    MEMBER_ROLE_LABELS,
    MEMBER_STATUS_LABELS,
    PARTY_KIND_LABELS,
    PERFORMANCE_LABELS,
    RETENTION_LABELS,
    CaseSource,
    MemberStatus,
)
from portal.core.forms import FlaskForm, OnceForm

MARKDOWN_HELP = _l("You can use Markdown: **bold**, lists with -, headings with #.")


def _choices(labels):
    return [(str(key), label) for key, label in labels.items()]


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class CommitteeForm(FlaskForm):
    chamber_id = SelectField(_l("Chamber"), coerce=_optional_int, validators=[DataRequired()])
    name = StringField(_l("Name of the committee"), validators=[DataRequired(), Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=80)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    contact_email = StringField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])
    dossier_prefix = StringField(
        _l("Dossier number prefix"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example 沈商调"),
    )
    dossier_pattern = StringField(
        _l("Dossier number pattern"),
        default="{prefix}〔{year}〕{seq}号",
        validators=[DataRequired(), Length(max=80)],
        description=_l("Use {prefix}, {year} and {seq}, e.g. {prefix}〔{year}〕{seq}号"),
    )
    duration_limit_days = IntegerField(
        _l("Case duration limit (days from acceptance)"),
        default=30,
        validators=[DataRequired(), NumberRange(min=1, max=365)],
    )
    is_active = BooleanField(_l("The committee is working"), default=True)

    def validate_dossier_pattern(self, field):
        if "{year}" not in field.data or "{seq" not in field.data:
            raise ValidationError(_l("The pattern must contain {year} and {seq}."))
        try:
            field.data.format(prefix="x", year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError(_l("Only {prefix}, {year} and {seq} can be used.")) from exc


class FoundingStepForm(FlaskForm):
    done_on = DateField(_l("Date"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    file = FileField(_l("Paper (PDF, image or Word document)"))


class RulesForm(FlaskForm):
    body = TextAreaField(_l("Text"), description=MARKDOWN_HELP, render_kw={"rows": 18})


class MemberForm(FlaskForm):
    user_id = SelectField(_l("Mediator (user)"), coerce=_optional_int, validators=[DataRequired()])
    role = SelectField(_l("Role on the committee"), choices=_choices(MEMBER_ROLE_LABELS))
    qualification = StringField(
        _l("Qualification"),
        validators=[Optional(), Length(max=200)],
        description=_l("E.g. lawyer, retired judge, certified mediator"),
    )
    specialities = SelectMultipleField(_l("Specialities"), coerce=int, validators=[Optional()])
    training_hours = IntegerField(
        _l("Training hours"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)]
    )
    appointed_on = DateField(_l("Appointed on"), validators=[DataRequired()])


class MemberEditForm(FlaskForm):
    role = SelectField(_l("Role on the committee"), choices=_choices(MEMBER_ROLE_LABELS))
    status = SelectField(
        _l("Status"),
        choices=[(str(k), v) for k, v in MEMBER_STATUS_LABELS.items() if k != MemberStatus.removed],
    )
    qualification = StringField(_l("Qualification"), validators=[Optional(), Length(max=200)])
    specialities = SelectMultipleField(_l("Specialities"), coerce=int, validators=[Optional()])
    training_hours = IntegerField(
        _l("Training hours"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)]
    )


class RemoveMemberForm(FlaskForm):
    removed_on = DateField(_l("Removed on"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class _CaseFields(FlaskForm):
    title = StringField(
        _l("Short title of the dispute"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("E.g. 货款纠纷 with the other party's name"),
    )
    category_id = SelectField(_l("Type of dispute"), coerce=_optional_int, validators=[Optional()])
    amount = DecimalField(
        _l("Amount in dispute (yuan)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=10**12)],
    )
    facts = TextAreaField(
        _l("Facts and reasons"),
        validators=[DataRequired()],
        description=MARKDOWN_HELP,
        render_kw={"rows": 6},
    )
    claims = TextAreaField(
        _l("Claims"),
        validators=[DataRequired()],
        description=_l("What you ask the other party to do"),
        render_kw={"rows": 3},
    )
    respondent_kind = SelectField(_l("Other party is"), choices=_choices(PARTY_KIND_LABELS))
    respondent_name = StringField(
        _l("Other party's name"), validators=[DataRequired(), Length(max=200)]
    )
    respondent_id_number = StringField(
        _l("Other party's credit code or ID number"), validators=[Optional(), Length(max=40)]
    )
    respondent_representative = StringField(
        _l("Other party's representative"), validators=[Optional(), Length(max=80)]
    )
    respondent_phone = StringField(
        _l("Other party's phone"), validators=[DataRequired(), Length(max=40)]
    )
    respondent_address = StringField(
        _l("Other party's address"), validators=[Optional(), Length(max=255)]
    )

    def party(self, prefix):
        return {
            "kind": getattr(self, f"{prefix}_kind").data,
            "name": getattr(self, f"{prefix}_name").data or "",
            "id_number": getattr(self, f"{prefix}_id_number").data or "",
            "representative": getattr(self, f"{prefix}_representative").data or "",
            "phone": getattr(self, f"{prefix}_phone").data or "",
            "address": getattr(self, f"{prefix}_address").data or "",
        }

    def case_fields(self):
        return {
            "title": self.title.data.strip(),
            "category_id": self.category_id.data,
            "amount": self.amount.data,
            "facts": self.facts.data,
            "claims": self.claims.data,
        }


class ApplicationForm(OnceForm, _CaseFields):
    committee_id = SelectField(
        _l("Mediation committee"), coerce=_optional_int, validators=[DataRequired()]
    )


class EntryForm(OnceForm, _CaseFields):
    source = SelectField(
        _l("How the case came in"),
        choices=[
            (str(s), CASE_SOURCE_LABELS[s])
            for s in (CaseSource.oral, CaseSource.court, CaseSource.government)
        ],
    )
    source_reference = StringField(
        _l("Referring court or department and its reference"),
        validators=[Optional(), Length(max=200)],
    )
    applicant_kind = SelectField(_l("Applicant is"), choices=_choices(PARTY_KIND_LABELS))
    applicant_name = StringField(
        _l("Applicant's name"), validators=[DataRequired(), Length(max=200)]
    )
    applicant_id_number = StringField(
        _l("Applicant's credit code or ID number"), validators=[Optional(), Length(max=40)]
    )
    applicant_representative = StringField(
        _l("Applicant's representative"), validators=[Optional(), Length(max=80)]
    )
    applicant_phone = StringField(
        _l("Applicant's phone"), validators=[DataRequired(), Length(max=40)]
    )
    applicant_address = StringField(
        _l("Applicant's address"), validators=[Optional(), Length(max=255)]
    )


class PartyForm(FlaskForm):
    side = SelectField(
        _l("Side"), choices=[("applicant", _l("Applicant")), ("respondent", _l("Respondent"))]
    )
    kind = SelectField(_l("Party is"), choices=_choices(PARTY_KIND_LABELS))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    id_number = StringField(_l("Credit code or ID number"), validators=[Optional(), Length(max=40)])
    representative = StringField(_l("Representative"), validators=[Optional(), Length(max=80)])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=40)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class DeclineForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=_choices(DECLINE_REASON_LABELS))
    note = TextAreaField(
        _l("Explanation for the parties"), validators=[DataRequired(), Length(max=2000)]
    )


class AssignForm(FlaskForm):
    members = SelectMultipleField(_l("Mediators"), coerce=int, validators=[DataRequired()])
    lead = SelectField(_l("Lead mediator"), coerce=_optional_int, validators=[Optional()])


class ChooseForm(FlaskForm):
    member_id = SelectField(
        _l("The mediator we choose"), coerce=_optional_int, validators=[DataRequired()]
    )


class RecuseForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the mediator steps aside"), validators=[DataRequired(), Length(max=500)]
    )


class SessionForm(FlaskForm):
    held_dt = DateTimeLocalField(
        _l("Started at"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    ended_dt = DateTimeLocalField(_l("Ended at"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    is_online = BooleanField(_l("Held online"))
    place = StringField(_l("Place or meeting link"), validators=[Optional(), Length(max=255)])
    attendees = TextAreaField(_l("Attendees"), validators=[DataRequired()], render_kw={"rows": 2})
    record = TextAreaField(
        _l("Record of the session"),
        validators=[DataRequired()],
        description=MARKDOWN_HELP,
        render_kw={"rows": 10},
    )


class InvestigationForm(FlaskForm):
    investigated_dt = DateTimeLocalField(
        _l("Date and time"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=255)])
    investigators = StringField(_l("Investigators"), validators=[DataRequired(), Length(max=255)])
    interviewee = StringField(_l("Person interviewed"), validators=[Optional(), Length(max=255)])
    record = TextAreaField(
        _l("Record"), validators=[DataRequired()], description=MARKDOWN_HELP, render_kw={"rows": 8}
    )


class EvidenceForm(FlaskForm):
    title = StringField(_l("What it is"), validators=[DataRequired(), Length(max=200)])
    submitted_by = StringField(_l("Submitted by"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional()], render_kw={"rows": 2})
    file = FileField(_l("File (PDF, image or Word document)"))


class PrivateNoteForm(FlaskForm):
    body = TextAreaField(
        _l("Private note (mediators only)"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )


class AgreementForm(FlaskForm):
    """Required contents are checked by the operation (Art. 29), so every message is per field."""

    kind = SelectField(_l("Kind of agreement"), choices=_choices(AGREEMENT_KIND_LABELS))
    parties_text = TextAreaField(
        _l("The parties' basic facts"), validators=[Optional()], render_kw={"rows": 3}
    )
    facts = TextAreaField(
        _l("Main facts and points in dispute"), validators=[Optional()], render_kw={"rows": 4}
    )
    responsibilities = TextAreaField(
        _l("Each party's responsibility"), validators=[Optional()], render_kw={"rows": 3}
    )
    terms = TextAreaField(_l("What was agreed"), validators=[Optional()], render_kw={"rows": 4})
    performance_manner = TextAreaField(
        _l("How it is performed"), validators=[Optional()], render_kw={"rows": 2}
    )
    performance_deadline = DateField(_l("Performed by"), validators=[Optional()])
    oral_record = TextAreaField(
        _l("Record of the oral agreement"),
        validators=[Optional()],
        description=_l("Only for an oral agreement"),
        render_kw={"rows": 4},
    )
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    effective_on = DateField(
        _l("Takes effect on"),
        validators=[Optional()],
        description=_l("When the parties, the mediator and the committee have signed and sealed"),
    )

    def values(self):
        return {
            name: (getattr(self, name).data or "")
            if isinstance(getattr(self, name), TextAreaField)
            else getattr(self, name).data
            for name in (
                "parties_text",
                "facts",
                "responsibilities",
                "terms",
                "performance_manner",
                "performance_deadline",
                "oral_record",
                "signed_on",
                "effective_on",
            )
        }


class FailForm(FlaskForm):
    note = TextAreaField(_l("Why mediation ended"), validators=[DataRequired(), Length(max=2000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ReturnVisitForm(FlaskForm):
    visited_on = DateField(_l("Visited on"), validators=[DataRequired()])
    method = StringField(
        _l("How"),
        validators=[Optional(), Length(max=80)],
        description=_l("Phone, visit, meeting..."),
    )
    performance = SelectField(_l("Performance"), choices=_choices(PERFORMANCE_LABELS))
    record = TextAreaField(_l("Record"), validators=[DataRequired()], render_kw={"rows": 4})


class ConfirmationForm(FlaskForm):
    applied_on = DateField(_l("Applied on"), validators=[DataRequired()])
    court = StringField(_l("Court"), validators=[DataRequired(), Length(max=200)])
    result = StringField(_l("Result"), validators=[Optional(), Length(max=500)])


class ArchiveForm(FlaskForm):
    retention_period = SelectField(_l("Retention period"), choices=_choices(RETENTION_LABELS))
    note = TextAreaField(_l("Closing note"), validators=[Optional(), Length(max=2000)])
