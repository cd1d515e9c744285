"""Language choice (user setting, then session, then Accept-Language) and locale formatting."""

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, support
from flask import current_app, g, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import (
    Domain,
    _get_current_context,
    format_date,
    format_decimal,
    get_locale,
    get_translations,
    refresh,
)
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from portal.core import clock

ROOT = Path(__file__).resolve().parents[2]

# Each area keeps its own catalog so parallel work never conflicts in one .po file;
# Flask-Babel merges them (see docs/architecture.md).
TRANSLATION_AREAS = [
    "portal",
    "portal/counsel",
    "portal/checkups",
    "portal/appeals",
    "portal/dashboard",
    "knowledge",
    "knowledge/search",
    "knowledge/laws",
    "mediation",
    "mediation/documents",
    "courses",
]


def translation_directories() -> str:
    return ";".join(str(ROOT / area / "translations") for area in TRANSLATION_AREAS)


@lru_cache(maxsize=8)
def _parsed(name: str) -> Locale:
    # Flask-Babel parses whatever the selector returns on every request (about 0.5 ms);
    # a Locale instance passes through Locale.parse untouched.
    return Locale.parse(name)


def select_locale() -> Locale:
    return _parsed(_chosen_language())


def _chosen_language() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, workers: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # The user object, resolved once: each use of the `current_user` proxy looks it up again.
    user = current_user._get_current_object()
    if user is not None and user.is_authenticated and user.locale in languages:
        return user.locale
    if session.get("locale") in languages:
        return session["locale"]
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best == "en":
        return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The request's language as one of LANGUAGES ("zh_CN" or "en")."""
    # Asked by every date and moment of a page: the locale chosen for the request is read where
    # Flask-Babel keeps it; get_locale() chooses it on the first call.
    state = _request_babel_state()
    locale = state.__dict__.get("babel_locale") if state is not None else None
    if locale is None:
        locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"


def _request_babel_state():
    """Flask-Babel's per-request state (locale, domain), or None outside an app context."""
    # Asked for each of a page's translated strings: the app context is read once, not through
    # the `g` proxy (which looks it up again for every attribute).
    context = _cv_app.get(None)
    if context is None:  # no app context: nothing to keep
        return None
    try:
        return context.g._flask_babel
    except AttributeError:
        return _get_current_context()


def request_translations():
    """The catalog of the request's language: what `_()` in a template looks up (Flask-Babel's
    own path asks for the request's domain and locale again on every string)."""
    state = _request_babel_state()
    if state is not None:
        remembered = state.__dict__.get("portal_catalog")
        if (
            remembered is not None
            and remembered[1] is state.__dict__.get("babel_locale")
            and state.__dict__.get("babel_domain", remembered[0]) is remembered[0]
        ):
            return remembered[2]
    return get_translations()


@pass_context
def template_gettext(context, string, **variables):
    """`_()` and `gettext()` in a template, 30 to 150 a page: what Jinja's newstyle gettext
    returns, in one call instead of three (`_` → `gettext` → the translating lambda, each through
    `Context.call`). A string without variables gives the same text for a catalog every time, so
    each catalog keeps what it gave (catalogs are read-only once loaded, one per locale); one
    with variables is formatted afresh."""
    translations = request_translations()
    if variables:
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables
    autoescape = context.eval_ctx.autoescape
    given = translations.__dict__.get("portal_template_strings")
    if given is None:
        given = translations.portal_template_strings = {}
    key = (string, autoescape)
    text = given.get(key)
    if text is None:
        text = translations.ugettext(string)
        if autoescape:
            text = Markup(text)
        # Jinja treats every string as a format string ("%%" gives "%"), variables or not.
        text = given[key] = text % variables
    return text


class CatalogDomain(Domain):
    """Merges every area's catalog, found under its short folder name (zh_CN).

    Babel parses "zh_CN" as zh_Hans_CN, for which gettext would only look in zh_Hans_CN/ and
    zh/; so each catalog is looked up under both the full and the language_TERRITORY name.
    """

    def get_translations(self):
        # Asked for every translated string, 50 to 150 a page: the request keeps the catalog it
        # found, with the locale it is for; another locale (force_locale, a notification in its
        # recipient's language) does not match it and looks again.
        state = _request_babel_state()
        remembered = state.__dict__.get("portal_catalog") if state is not None else None
        if (
            remembered is not None
            and remembered[0] is self
            and remembered[1] is state.__dict__.get("babel_locale")
        ):
            return remembered[2]
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        translations = self._catalog(locale)
        if state is not None:
            state.portal_catalog = (self, locale, translations)
        return translations

    def _catalog(self, locale):
        key = (str(locale), self.domain[0])
        if key not in self.cache:
            names = [str(locale)]
            if locale.territory:
                names.append(f"{locale.language}_{locale.territory}")
            translations = support.Translations()
            for dirname in self.translation_directories:
                catalog = support.Translations.load(dirname, names, self.domain[0])
                translations.merge(catalog)
                if hasattr(catalog, "plural"):
                    translations.plural = catalog.plural
            self.cache[key] = translations
        return self.cache[key]


def _choose_the_language_while_the_user_is_fresh():
    """before_request: the account's language is read before the view commits. Chosen later
    (a view's flash message after its commit, as most forms do), reading it reloaded the user
    the commit had expired: a statement on every form sent."""
    get_locale()


def _language_may_have_changed(*_args, **_kwargs):
    """Who is logged in changed (log-in, log-out): the language is chosen again when next asked."""
    if has_request_context():
        refresh()


def _account_language_changed(user, value, old, _initiator):
    """The logged-in account's own language changed (profile, language switch, log-in)."""
    if value != old and has_request_context() and g.get("_login_user") is user:
        refresh()


def configure_i18n(app):
    from flask_login import user_logged_in, user_logged_out
    from sqlalchemy import event

    from portal.accounts.models import User
    from portal.extensions import babel

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_choose_the_language_while_the_user_is_fresh)
    user_logged_in.connect(_language_may_have_changed, app)
    user_logged_out.connect(_language_may_have_changed, app)
    if not event.contains(User.locale, "set", _account_language_changed):
        event.listen(User.locale, "set", _account_language_changed)
    # Flask-Babel keeps its default domain in a cached_property; ours replaces it.
    babel.__dict__["domain_instance"] = CatalogDomain()
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # Jinja's `_` resolves `gettext` and calls it, which calls the lambda above: one call does it.
    app.jinja_env.globals.update({"_": template_gettext, "gettext": template_gettext})
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["moment_range"] = format_moment_range
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["weekday"] = format_weekday
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""


# How a Chinese office writes a moment, never Babel's "2026年11月10日星期二 中国标准时间 19:30:00"
# nor a numeric 2026/11/10 19:30; English gets the same shape. Where each form goes:
# - "long", with the weekday: a moment someone acts on or that heads a page, on detail pages and
#   in page headers (when a case was applied for, the lecture's time, the check-up's time);
# - "medium", the default: in tables, lists and timelines, where rows repeat the shape and a
#   weekday on every row is noise.
MOMENT_PATTERNS = {
    "zh_CN": {"medium": "y年M月d日 HH:mm", "long": "y年M月d日（EEE）HH:mm"},
    "en": {"medium": "d MMM y, HH:mm", "long": "EEE d MMM y, HH:mm"},
}
DAY_PATTERNS = {
    "zh_CN": {"medium": "y年M月d日", "long": "y年M月d日（EEE）"},
    "en": {"medium": "d MMM y", "long": "EEE d MMM y"},
}
# A month on its own: a monthly report's title (2026年11月 / Nov 2026).
MONTH_PATTERNS = {"zh_CN": "y年M月", "en": "MMM y"}
MOMENT_FORMATS = ("medium", "long")


@lru_cache(maxsize=4)
def _calendar_names(language: str) -> tuple[dict, dict]:
    """(abbreviated month names by number, abbreviated weekday names, Monday = 0)."""
    locale = _parsed(language)
    return locale.months["format"]["abbreviated"], locale.days["format"]["abbreviated"]


def _local(dt):
    # Naive datetimes are stored UTC (portal.core.clock); an aware one is converted.
    if dt.tzinfo is None:
        return clock.to_local(dt)
    return dt.astimezone(clock.LOCAL_ZONE)


def format_moment(dt, fmt="medium") -> str:
    """A stored (UTC) datetime in Beijing time, in MOMENT_PATTERNS' form for the request's
    language. Written out by hand rather than by Babel's format_datetime (about 1 ms a call,
    which long tables of deadlines felt); tests check both give the same text."""
    if fmt not in MOMENT_FORMATS:
        raise ValueError(f"unknown moment format {fmt!r}; use one of {MOMENT_FORMATS}")
    if not dt:
        return ""
    return _moment_text(dt, fmt, current_language())


def moment_formatter(fmt="medium"):
    """format_moment for the many rows of one page: the request's language looked up once, not
    once a row (that look-up was most of a call's cost)."""
    if fmt not in MOMENT_FORMATS:
        raise ValueError(f"unknown moment format {fmt!r}; use one of {MOMENT_FORMATS}")
    language = current_language()
    return lambda dt: _moment_text(dt, fmt, language) if dt else ""


def _moment_text(dt, fmt, language) -> str:
    local = _local(dt)
    months, weekdays = _calendar_names(language)
    # The clock as two numbers: strftime("%H:%M") of an aware datetime cost five times as much
    # (a sixth of a list's row with a moment).
    clock_text = f"{local.hour:02d}:{local.minute:02d}"
    if language == "en":
        text = f"{local.day} {months[local.month]} {local.year}, {clock_text}"
        return f"{weekdays[local.weekday()]} {text}" if fmt == "long" else text
    weekday = f"（{weekdays[local.weekday()]}）" if fmt == "long" else " "
    return f"{local.year}年{local.month}月{local.day}日{weekday}{clock_text}"


def format_moment_range(start, end, fmt="long") -> str:
    """From start to end: 2026年11月10日（周二）09:00–11:30 on one day, both in full otherwise."""
    if not start:
        return ""
    if not end:
        return format_moment(start, fmt)
    if _local(start).date() == _local(end).date():
        return f"{format_moment(start, fmt)}–{_local(end):%H:%M}"
    return f"{format_moment(start, fmt)} – {format_moment(end, fmt)}"


class LocalMoment:
    """A moment for a message that is translated later (a notification is written in each
    recipient's language): it becomes text in whatever language is current then."""

    def __init__(self, dt, fmt="long"):
        self.dt, self.fmt = dt, fmt

    def __str__(self):
        return format_moment(self.dt, self.fmt)


class LocalDay(LocalMoment):
    """A date for a message translated later: 2026年11月10日, 10 Nov 2026."""

    def __init__(self, day, fmt="medium"):
        super().__init__(day, fmt)

    def __str__(self):
        return format_day(self.dt, self.fmt)


def format_day(day, fmt="medium") -> str:
    """A date: medium (2026年11月10日), long (with the weekday); short is numeric."""
    if not day:
        return ""
    if fmt not in ("short", "medium", "long"):
        raise ValueError(f"no day format {fmt!r}: short, medium or long")
    language = current_language()
    if fmt == "short":
        pattern = _parsed(language).date_formats["short"].pattern
    else:
        pattern = DAY_PATTERNS[language]["medium" if fmt == "medium" else "long"]
    return _written(day, pattern, language)


def day_formatter(fmt="medium"):
    """format_day for the many rows of one page: the language and pattern looked up once."""
    if fmt not in ("medium", "long"):
        raise ValueError(f"no day format {fmt!r} for rows: medium or long")
    language = current_language()
    pattern = DAY_PATTERNS[language][fmt]
    # A list's rows share few days (a deadline column sorted by date, a month's entries): each
    # day is written once a page. A moment is first put on its day where the user is, as
    # _written does; the day patterns read nothing finer than the day.
    written = {}

    def day_text(day):
        if not day:
            return ""
        if isinstance(day, datetime):
            day = _local(day).date()
        text = written.get(day)
        if text is None:
            text = written[day] = _written(day, pattern, language)
        return text

    return day_text


def format_month(day) -> str:
    """The month a date falls in: 2026年11月, Nov 2026."""
    if not day:
        return ""
    language = current_language()
    return _written(day, MONTH_PATTERNS[language], language)


def format_weekday(day) -> str:
    """The day of the week alone, as a calendar's column heading: 周一, Mon."""
    if not day:
        return ""
    return _written(day, "EEE", current_language())


def _written(day, pattern: str, language: str) -> str:
    parts = _compiled(pattern, language)
    if parts is None:
        return format_date(day, pattern)
    if isinstance(day, datetime):  # a moment: its day where the user is
        day = _local(day)
    return "".join(part(day) for part in parts)


# Babel's format_date costs ~40 µs a call (locale look-ups, pattern parsing): 2 ms of a
# 50-row list. The fields the house's day patterns use, compiled once per pattern and
# language, give the same text (tests/portal/test_i18n_moments.py compares them
# with Babel's); a pattern with any other field is left to Babel.
_TOKENS = re.compile(r"'[^']*'|([A-Za-z])\1*")


@lru_cache(maxsize=32)
def _compiled(pattern: str, language: str) -> tuple | None:
    locale = _parsed(language)
    months = locale.months["format"]["abbreviated"]
    days = locale.days["format"]["abbreviated"]
    periods = locale.day_periods["format"]["abbreviated"]
    fields = {
        "y": lambda t: str(t.year),
        "yy": lambda t: f"{t.year % 100:02d}",
        "M": lambda t: str(t.month),
        "MMM": lambda t: months[t.month],
        "d": lambda t: str(t.day),
        "EEE": lambda t: days[t.weekday()],
        "HH": lambda t: f"{t.hour:02d}",
        "h": lambda t: str(t.hour % 12 or 12),
        "mm": lambda t: f"{t.minute:02d}",
        "a": lambda t: periods["pm" if t.hour >= 12 else "am"],
    }
    parts, at = [], 0
    for match in _TOKENS.finditer(pattern):
        if match.start() > at:
            parts.append(_literal(pattern[at : match.start()]))
        token = match.group()
        if token.startswith("'"):
            parts.append(_literal(token[1:-1] if token != "''" else "'"))
        elif token in fields:
            parts.append(fields[token])
        else:
            return None
        at = match.end()
    if at < len(pattern):
        parts.append(_literal(pattern[at:]))
    return tuple(parts)


def _literal(text: str):
    return lambda _t: text
