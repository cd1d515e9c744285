"""Forms of courses."""

from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from courses import transcripts
from courses.operations import upload_limits
from portal.core import clock
from portal.core.forms import FlaskForm
from portal.core.uploads import detect_kind

# A time typed in Beijing time -> naive UTC as stored, and back (naive Beijing wall clock).
local_to_utc = clock.local_to_utc
utc_to_local = clock.to_local_naive


def _peek(field, limit: int) -> bytes | None:
    """The uploaded bytes (up to limit + 1), leaving the stream where store_upload expects it."""
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    data = storage.stream.read(limit + 1)
    storage.stream.seek(0)
    return data


BINARY_KINDS = {"pdf", "png", "jpeg", "mp4", "webm", "mp3", "docx", "xlsx"}


def _check_upload(field, kinds, limit, *, text_kinds=False):
    """Size and type by content, as store_upload will check them; text files are only
    refused when they are recognisably binary (their encoding is checked when parsed)."""
    data = _peek(field, limit)
    if data is None:
        return None
    if not data:
        raise ValidationError(_l("The file is empty."))
    if len(data) > limit:
        raise ValidationError(
            _l("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024) or 1)
        )
    kind = detect_kind(data[:512], data)
    if (kind in BINARY_KINDS or b"\x00" in data[:4096]) if text_kinds else kind not in kinds:
        raise ValidationError(
            _l(
                "This type of file is not accepted here. Accepted: %(kinds)s.",
                kinds=", ".join(sorted(kinds)),
            )
        )
    return data


def _http_url(form, field):
    value = (field.data or "").strip()
    field.data = value
    if not value:
        return
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationError(_l("Give a web address starting with http:// or https://."))


class LectureForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    series_id = SelectField(_l("Series"), coerce=int, validators=[Optional()])
    speaker_id = SelectField(
        _l("Speaker (volunteer lawyer)"),
        coerce=int,
        validators=[Optional()],
        description=_l("Or leave empty and give a guest speaker's name."),
    )
    guest_speaker = StringField(_l("Guest speaker"), validators=[Length(max=120)])
    starts = DateTimeLocalField(
        _l("Starts (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), default=90, validators=[InputRequired(), NumberRange(5, 600)]
    )
    category_id = SelectField(_l("Legal category"), coerce=int, validators=[Optional()])
    industry = SelectField(_l("Industry"), validators=[Optional()])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    notes = TextAreaField(
        _l("Lecture notes (Markdown)"),
        validators=[Length(max=50000)],
        description=_l("Cite statutes like [[民法典 第五百七十七条]]."),
    )
    video_file = FileField(
        _l("Video file (MP4 or WebM)"),
        description=_l("Leave empty to keep the current video."),
    )
    video_url = StringField(
        _l("Or video address (http/https)"), validators=[Length(max=500), _http_url]
    )
    remove_video = BooleanField(_l("Remove the uploaded video"))
    slides_file = FileField(_l("Slides (PDF)"))
    remove_slides = BooleanField(_l("Remove the slides"))
    transcript_file = FileField(
        _l("Transcript file (WebVTT or SRT)"),
        description=_l("Leave empty to keep the current transcript."),
    )
    transcript_text = TextAreaField(
        _l("Or paste the transcript"),
        description=_l(
            "WebVTT or SRT text, or one line per sentence starting with its time: [00:01:05] text."
        ),
    )
    remove_transcript = BooleanField(_l("Remove the transcript"))

    parsed_cues = None
    transcript_name = ""

    def validate_video_file(self, field):
        _check_upload(field, {"mp4", "webm"}, upload_limits()["video"])

    def validate_slides_file(self, field):
        _check_upload(field, {"pdf"}, upload_limits()["slides"])

    def validate_transcript_file(self, field):
        data = _check_upload(field, {"vtt", "srt"}, upload_limits()["transcript"], text_kinds=True)
        if data is None:
            return
        if (self.transcript_text.data or "").strip():
            raise ValidationError(_l("Upload a file or paste the text, not both."))
        try:
            self.parsed_cues = transcripts.parse_bytes(data)
        except transcripts.TranscriptError as exc:
            raise ValidationError(str(exc)) from None
        self.transcript_name = field.data.filename

    def validate_transcript_text(self, field):
        text = field.data or ""
        if not text.strip():
            return
        if len(text.encode("utf-8")) > upload_limits()["transcript"]:
            raise ValidationError(_l("The pasted transcript is too long."))
        try:
            self.parsed_cues = transcripts.parse(text)
        except transcripts.TranscriptError as exc:
            raise ValidationError(str(exc)) from None
        self.transcript_name = str(_l("pasted text"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if (
            "speaker_id" in self
            and "guest_speaker" in self
            and not self.speaker_id.data
            and not (self.guest_speaker.data or "").strip()
        ):
            self.guest_speaker.errors = [
                *self.guest_speaker.errors,
                _l("Choose a speaker or give a guest speaker's name."),
            ]
            ok = False
        return ok


class SeriesForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=10000)])


class StatusForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Length(max=500)])


class CheckinForm(FlaskForm):
    code = StringField(_l("Check-in code"), validators=[DataRequired(), Length(max=12)])


class AttendanceImportForm(FlaskForm):
    file = FileField(
        _l("Attendance list (CSV)"),
        description=_l(
            "One firm per line: its unified social credit code, or a user's e-mail address, "
            "in the first column."
        ),
    )
    text = TextAreaField(_l("Or paste the list"))

    data_bytes = None

    def validate_file(self, field):
        data = _check_upload(field, {"csv"}, upload_limits()["attendance"], text_kinds=True)
        if data is not None:
            self.data_bytes = data

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.data_bytes is None:
            if (self.text.data or "").strip():
                self.data_bytes = self.text.data.encode("utf-8")
            else:
                self.text.errors = [*self.text.errors, _l("Upload a file or paste the list.")]
                ok = False
        return ok
