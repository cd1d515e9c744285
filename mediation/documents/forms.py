"""Forms of the documents area."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.core.forms import FlaskForm


class TemplateForm(FlaskForm):
    body = TextAreaField(
        _l("Template text"),
        validators=[DataRequired(), Length(max=50000)],
        description=_l(
            "Jinja text with the case's fields. Lines starting with @@title, @@heading, "
            "@@row a ‖ b, @@sign, @@seal, @@right lay out the document."
        ),
    )
    comment = StringField(_l("What changed"), validators=[Optional(), Length(max=255)])
