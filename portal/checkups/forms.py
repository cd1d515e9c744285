"""Forms of checkups."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from portal.accounts.lookup import EnterpriseField
from portal.checkups.models import LEVEL_LABELS, MODE_LABELS, Level, Mode
from portal.core.forms import FlaskForm, LongSelect, OnceForm


def _mode_choices():
    return [(m.value, MODE_LABELS[m]) for m in Mode]


class _WhenMixin:
    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The end time must be after the start time."))


class ScheduleForm(_WhenMixin, OnceForm):
    enterprise = EnterpriseField(_l("Enterprise"), validators=[DataRequired(), Length(max=250)])
    lawyers = SelectMultipleField(
        _l("Lawyers"), coerce=int, validators=[DataRequired()], widget=LongSelect(multiple=True)
    )
    mode = SelectField(_l("How"), choices=_mode_choices, default=Mode.onsite.value)
    address = StringField(
        _l("Address (on site)"),
        validators=[Optional(), Length(max=255)],
        description=_l("Leave empty to use the firm's registered address."),
    )
    meeting_url = StringField(
        _l("Meeting link (online)"), validators=[Optional(), URL(), Length(max=500)]
    )
    day = DateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Start time"), validators=[DataRequired()])
    end_time = TimeField(_l("End time"), validators=[DataRequired()])


class BatchForm(FlaskForm):
    chamber = SelectField(_l("Chamber"), coerce=int, validators=[DataRequired()])
    lawyers = SelectMultipleField(
        _l("Lawyers"), coerce=int, validators=[DataRequired()], widget=LongSelect(multiple=True)
    )
    mode = SelectField(_l("How"), choices=_mode_choices, default=Mode.onsite.value)
    meeting_url = StringField(
        _l("Meeting link (online)"), validators=[Optional(), URL(), Length(max=500)]
    )
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    day_start = TimeField(_l("Day starts at"), validators=[DataRequired()])
    day_end = TimeField(_l("Day ends at"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("Minutes per firm"),
        default=90,
        validators=[DataRequired(), NumberRange(30, 480)],
        description=_l("Rounded up to whole half hours."),
    )

    def validate_last_day(self, field):
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day must not be before the first day."))

    def validate_day_end(self, field):
        if self.day_start.data and field.data and field.data <= self.day_start.data:
            raise ValidationError(_l("The end time must be after the start time."))


class RescheduleForm(_WhenMixin, FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Start time"), validators=[DataRequired()])
    end_time = TimeField(_l("End time"), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class RequestSlotForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you need another slot?"), validators=[DataRequired(), Length(max=2000)]
    )


class FindingForm(FlaskForm):
    area = SelectField(_l("Risk area"), coerce=int, validators=[DataRequired()])
    level = SelectField(
        _l("Risk level"),
        choices=lambda: [(level.value, LEVEL_LABELS[level]) for level in Level],
        validators=[DataRequired()],
    )
    facts = TextAreaField(_l("Facts"), validators=[DataRequired(), Length(max=20000)])
    legal_basis = TextAreaField(
        _l("Legal basis"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Markdown; cite statutes like [[民法典 第五百七十七条]]."),
    )
    recommendation = TextAreaField(_l("Recommendation"), validators=[Optional(), Length(max=20000)])


class SummaryForm(FlaskForm):
    summary = TextAreaField(
        _l("Overall opinion"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Markdown."),
    )


class ChecklistForm(FlaskForm):
    areas = TextAreaField(
        _l("Risk areas"),
        validators=[DataRequired()],
        description=_l("One area per line: Chinese name | English name | description."),
    )
    note = StringField(_l("What changed"), validators=[Optional(), Length(max=255)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
