"""The house FlaskForm: every form's text, numbers and dates are checked once, here.

Every package's forms subclass this class instead of Flask-WTF's (a house-rule test checks it).
`Meta.bind_field` puts the input checks in front of each field's own validators, so they run
before `Optional()` (which would otherwise skip a value that is only control characters):

- text fields refuse control characters (NUL and friends: PostgreSQL cannot store NUL, and
  they break XML exports); tab, line feed and carriage return are allowed;
- integer fields refuse numbers outside a 32-bit database integer, decimal fields outside
  ±10^12 or not finite; date fields refuse dates outside years 1900-2199 (date arithmetic and the
  conversion to UTC overflow near year 1 and 9999);
- a multi-select whose values cannot be read (`chambers=`) is a form error even when the field
  is optional (WTForms' Optional() would otherwise hide the error and leave `data` as None).

`OnceForm` adds the one-time submission token of create forms (see portal.core.once).
"""

import re
import uuid
from datetime import date, datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskWTFForm
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    DateTimeField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Optional, Regexp, StopValidation
from wtforms.widgets import Select, html_params

# C0 controls except tab, LF, CR; DEL; and the two non-characters XML refuses.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
DECIMAL_LIMIT = 10**12  # what Numeric(14, 2) holds
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2199, 12, 31)


def has_control_characters(text) -> bool:
    return isinstance(text, str) and CONTROL_CHARACTERS.search(text) is not None


def refuse_control_characters(form, field):
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    raw = field.raw_data or []
    if any(has_control_characters(v) for v in [*values, *raw]):
        raise StopValidation(
            _l("This field contains control characters that cannot be stored; remove them.")
        )


def refuse_out_of_range_integer(form, field):
    if field.data is not None and not INT_MIN <= field.data <= INT_MAX:
        raise StopValidation(_l("This number is too large."))


def refuse_out_of_range_decimal(form, field):
    if field.data is None:
        return
    if not field.data.is_finite():  # NaN / Infinity: comparing them raises
        raise StopValidation(_l("Enter a number."))
    if not -DECIMAL_LIMIT < field.data < DECIMAL_LIMIT:
        raise StopValidation(_l("This number is too large."))


def refuse_out_of_range_date(form, field):
    value = field.data
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):  # TimeField is a DateTimeField too
        return
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise StopValidation(
            _l(
                "Enter a date between %(start)s and %(end)s.",
                start=EARLIEST_DATE.isoformat(),
                end=LATEST_DATE.isoformat(),
            )
        )


def refuse_unreadable_choices(form, field):
    if field.process_errors:
        raise StopValidation(_l("Choose from the list."))


def input_checks(field) -> list:
    """The house checks for one bound field, in the order they run."""
    if isinstance(field, StringField):  # also TextArea, Email, Password, Hidden, Search ...
        return [refuse_control_characters]
    if isinstance(field, IntegerField):
        return [refuse_out_of_range_integer]
    if isinstance(field, DecimalField):
        return [refuse_out_of_range_decimal]
    if isinstance(field, DateField | DateTimeField | DateTimeLocalField):
        return [refuse_out_of_range_date]
    if isinstance(field, SelectMultipleField):
        return [refuse_unreadable_choices, refuse_control_characters]
    return []


class FlaskForm(_FlaskWTFForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = unbound_field.bind(form=form, **options)
            checks = input_checks(field)
            if checks:
                field.validators = [*checks, *field.validators]
            return field


def new_submission_token() -> str:
    return uuid.uuid4().hex


class OnceForm(FlaskForm):
    """A create form: carries a one-time token so a repeated submission makes one record."""

    submission_token = HiddenField(
        default=new_submission_token,
        validators=[Optional(), Regexp(r"^[0-9a-f]{32}$", message=_l("The form has expired."))],
    )


class LongSelect(Select):
    """WTForms' select, writing each plain option (no per-option attributes) as one f-string:
    its own way (a dict, attribute sorting and escaping per option) costs ~4 µs an option, over
    a millisecond for the ~330 lawyers of a counsel group's "add a lawyer" list. The same HTML."""

    def __call__(self, field, **kwargs):
        # A field given its options already written (`written_options`, escaped once and kept
        # with its choices) writes them as they are while nothing is chosen: the HTML each option
        # would give, without ~330 options' escaping per page.
        written = getattr(field, "written_options", None)
        if written is None or field.data is not None:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{written}</select>")

    @classmethod
    def written_options(cls, choices) -> str:
        """The <option>s of `choices` (value, label) with none chosen, for `written_options`.
        Choices of plain text are written once for as long as they stay the same (the same
        lawyers, the same names): escaping ~330 of them again cost every form page ~0.3 ms.
        Translated labels are written each time (their text depends on the request)."""
        choices = tuple((value, label) for value, label in choices)  # pairs given as lists too
        if all(type(label) is str and type(value) in (int, str) for value, label in choices):
            return _written_options(cls, choices)
        return "".join(cls.render_option(value, label, False) for value, label in choices)

    @classmethod
    def render_option(cls, value, label, selected, **kwargs):
        if kwargs or value is True:
            return super().render_option(value, label, selected, **kwargs)
        chosen = "selected " if selected else ""
        return Markup(f'<option {chosen}value="{escape(value)}">{escape(label)}</option>')


@lru_cache(maxsize=16)
def _written_options(widget, choices: tuple) -> str:
    """LongSelect.written_options of plain-text choices, kept by their values and labels."""
    return "".join(widget.render_option(value, label, False) for value, label in choices)
