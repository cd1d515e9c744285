"""Forms of ask-a-lawyer and the knowledge base."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from knowledge.models import ROUTING_MODE_LABELS, URGENCY_LABELS
from knowledge.operations import MAX_BODY
from portal.core.forms import FlaskForm, LongSelect, OnceForm
from portal.core.reference import industry_choices

MARKDOWN_HELP = _l(
    "Markdown: **bold**, lists with -, links. Cite statutes like 《民法典》第五百七十七条."
)


def _body_field(label):
    return TextAreaField(
        label,
        validators=[DataRequired(), Length(max=MAX_BODY)],
        description=MARKDOWN_HELP,
        render_kw={"rows": 8},
    )


class QuestionForm(OnceForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = _body_field(_l("Your question"))
    category = SelectField(_l("Legal category"), validators=[DataRequired()])
    urgency = SelectField(
        _l("Urgency"), choices=[(k.value, v) for k, v in URGENCY_LABELS.items()], default="normal"
    )
    attachments = MultipleFileField(
        _l("Attachments"),
        description=_l(
            "Optional: contract scans and documents (PDF, Word, Excel, PNG, JPEG; up to 10 MB each)."
        ),
    )
    consent_to_publish = BooleanField(
        _l("Staff may publish the question and answer anonymously in the public knowledge base")
    )
    save_draft = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Send to a lawyer"))


class MessageForm(FlaskForm):
    body = _body_field(_l("Message"))
    submit = SubmitField(_l("Send"))


class ReplyForm(FlaskForm):
    body = _body_field(_l("Your reply"))
    attachments = MultipleFileField(_l("Attachments"))
    submit = SubmitField(_l("Send reply"))


class RatingForm(FlaskForm):
    rating = RadioField(
        _l("How helpful was the answer?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        validators=[InputRequired()],
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Rate and close"))


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Confirm"))


class ReassignForm(FlaskForm):
    # ~330 lawyers: their options written by LongSelect (the same HTML, a fraction of the cost).
    lawyer = SelectField(_l("Lawyer"), coerce=int, validators=[DataRequired()], widget=LongSelect())
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Assign"))


class RoutingRuleForm(FlaskForm):
    mode = SelectField(
        _l("Routing"), choices=[(k.value, v) for k, v in ROUTING_MODE_LABELS.items()]
    )
    deadline_days = IntegerField(
        _l("Deadline (working days)"), validators=[InputRequired(), NumberRange(min=1, max=30)]
    )
    submit = SubmitField(_l("Save"))


CAPACITY_MAX = 100


class CapacityForm(FlaskForm):
    weekly_capacity = IntegerField(
        _l("Weekly capacity"), validators=[InputRequired(), NumberRange(min=0, max=CAPACITY_MAX)]
    )
    submit = SubmitField(_l("Save"))


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    question_text = _body_field(_l("Question (anonymised)"))
    answer_text = _body_field(_l("Answer (anonymised)"))
    category = SelectField(_l("Legal category"), validators=[DataRequired()])
    industry = SelectField(_l("Industry"), choices=[("", "—")], validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = [("", "—"), *industry_choices()]
