"""URL parameters and query strings: bad values are refused once, here, with a message (never a 500).

- `<int:...>` in every URL rule is a converter bounded to a 32-bit database integer, so
  `/questions/2147483648` is a 404 (PostgreSQL would fail the query; SQLite overflows past 2^63).
- `request.args.get(name, type=int)` (and `request.form`) refuse numbers outside that range
  with a 400 and a message; `page` and `per_page`, which Flask-SQLAlchemy reads itself, too;
  text a view reads itself with `request.form.get` is refused when it holds control characters.
- a query-string value that is a date or a month (`9999-12`, `0001-01-01`) outside years
  1900-2199 is a 400 with a message: date arithmetic and the conversion to UTC overflow there.
- control characters (NUL ...) in a query string are a 400, in a URL path a 404: PostgreSQL
  cannot store or compare NUL. Forms check their own fields (portal.core.forms).
"""

import re

from flask import Request, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter

from portal.core.forms import (
    EARLIEST_DATE,
    INT_MAX,
    INT_MIN,
    LATEST_DATE,
    has_control_characters,
)

PAGINATION_PARAMETERS = ("page", "per_page")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_DATE_OR_MONTH = re.compile(r"^\s*(\d{4,})-\d{1,2}(-\d{1,2})?\s*$")


class BadInput(BadRequest):
    """A 400 whose description is a translated sentence for the user (shown on the error page)."""


def _too_large():
    return BadInput(_("A number in the address is too large."))


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that never matches a number the database cannot hold: a 404, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BoundedParameters(ImmutableMultiDict):
    """What a view reads itself with `request.args.get` / `request.form.get` is checked here:
    integers the database cannot hold and text with control characters are a 400 with a
    message. (Forms read through `getlist` and give their own, per-field messages.)"""

    def get(self, key, default=None, type=None):
        value = super().get(key, default=default, type=type)
        if type is int and isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
            raise _too_large()
        if has_control_characters(value):
            raise BadInput(_("The form contains control characters; remove them and try again."))
        return value


class PortalRequest(Request):
    parameter_storage_class = BoundedParameters


def query_problem(key: str, value: str) -> str | None:
    """Why a query-string value is refused, as a sentence; None when it is acceptable."""
    if has_control_characters(key) or has_control_characters(value):
        return _("The address contains control characters; remove them and try again.")
    is_integer = key in PAGINATION_PARAMETERS and _INTEGER.match(value)
    if is_integer and not INT_MIN <= int(value) <= INT_MAX:
        return _("A number in the address is too large.")
    match = _DATE_OR_MONTH.match(value)
    if match and not EARLIEST_DATE.year <= int(match.group(1)) <= LATEST_DATE.year:
        return _(
            "Dates must lie between %(start)s and %(end)s.",
            start=EARLIEST_DATE.isoformat(),
            end=LATEST_DATE.isoformat(),
        )
    return None


def check_request_parameters():
    """before_request: refuse a bad URL path or query string before any view sees it."""
    for value in (request.view_args or {}).values():
        if has_control_characters(value):
            raise NotFound()
    for key, value in request.args.items(multi=True):
        problem = query_problem(key, value)
        if problem:
            raise BadInput(problem)


def configure_parameters(app):
    """Before any blueprint is registered: the `int` converter is looked up when rules are added."""
    app.request_class = PortalRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request_parameters)
