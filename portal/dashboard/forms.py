"""The period chosen on the statistics page (a GET form: bookmarkable, no CSRF needed)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional, Regexp

from portal.core.forms import FlaskForm

MAX_DAYS = 5 * 366


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    month = StringField(
        _l("Month"),
        description=_l("For example 2026-10."),
        validators=[Optional(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Use YYYY-MM."))],
    )
    start = DateField(_l("Or from"), validators=[Optional()])
    end = DateField(_l("to"), validators=[Optional()])
    chamber = SelectField(_l("Chamber"), choices=[], validate_choice=False, default="")

    def set_chambers(self, chambers):
        """All chambers (the default) or one of them."""
        self.chamber.choices = [("", _l("All chambers"))] + [(str(c.id), c.name) for c in chambers]

    @property
    def chamber_id(self) -> int | None:
        """The chosen chamber's id, or None (all chambers, or something unreadable)."""
        value = self.chamber.data or ""
        known = {key for key, _label in self.chamber.choices}
        return int(value) if value in known and value.isdigit() else None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.chamber.data and self.chamber_id is None:
            self.chamber.errors = [*self.chamber.errors, _l("Choose a chamber from the list.")]
            return False
        first, last = self.start.data, self.end.data
        if self.start.errors or self.end.errors:
            return False
        if bool(first) != bool(last):
            self.end.errors.append(_l("Give both the first and the last day."))
        elif first and last and last < first:
            self.end.errors.append(_l("The last day is before the first day."))
        elif first and last and (last - first).days > MAX_DAYS:
            self.end.errors.append(_l("Choose at most five years."))
        else:
            return valid
        return False
