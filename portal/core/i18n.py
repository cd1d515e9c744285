"""Language choice (user setting, then session, then Accept-Language) and locale formatting."""

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, support
from flask import current_app, has_request_context, request, session
from flask_babel import Domain, format_date, format_decimal, get_locale
from flask_login import current_user

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
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best == "en":
        return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The request's language as one of LANGUAGES ("zh_CN" or "en")."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"


class CatalogDomain(Domain):
    """Merges every area's catalog, found under its short folder name (zh_CN).

    Babel parses "zh_CN" as zh_Hans_CN, for which gettext would only look in zh_Hans_CN/ and
    zh/; so each catalog is looked up under both the full and the language_TERRITORY name.
    """

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
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


def configure_i18n(app):
    from portal.extensions import babel

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel keeps its default domain in a cached_property; ours replaces it.
    babel.__dict__["domain_instance"] = CatalogDomain()
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["moment_range"] = format_moment_range
    app.jinja_env.filters["date"] = format_day
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
    if language == "en":
        text = f"{local.day} {months[local.month]} {local.year}, {local:%H:%M}"
        return f"{weekdays[local.weekday()]} {text}" if fmt == "long" else text
    weekday = f"（{weekdays[local.weekday()]}）" if fmt == "long" else " "
    return f"{local.year}年{local.month}月{local.day}日{weekday}{local:%H:%M}"


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
    language = current_language()
    if fmt == "short":
        pattern = _parsed(language).date_formats["short"].pattern
    else:
        pattern = DAY_PATTERNS[language]["medium" if fmt == "medium" else "long"]
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
