"""The search form (GET, no CSRF: it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Optional

from knowledge.search.engine import MAX_QUERY_LENGTH
from portal.core.forms import FlaskForm


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search for"), render_kw={"maxlength": MAX_QUERY_LENGTH, "type": "search"})
    kind = SelectField(_l("Type"), choices=[], validators=[Optional()], validate_choice=False)
    category = SelectField(
        _l("Legal area"), choices=[], validators=[Optional()], validate_choice=False
    )
    industry = SelectField(
        _l("Industry"), choices=[], validators=[Optional()], validate_choice=False
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    page = IntegerField(validators=[Optional()])
