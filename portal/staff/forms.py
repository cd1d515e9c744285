"""Forms for staff settings."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.core.forms import FlaskForm


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    is_workday = BooleanField(_l("Working day (make-up day); leave unticked for a holiday"))
    label = StringField(_l("Label"), validators=[Optional(), Length(max=80)])


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name_zh = StringField(_l("Chinese name"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("English name"), validators=[DataRequired(), Length(max=120)])
    is_active = BooleanField(_l("In use"), default=True)
