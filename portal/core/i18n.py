"""Language choice (user setting, then session, then Accept-Language) and locale formatting."""

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, support
from flask import current_app, has_request_context, request, session
from flask_babel import Domain, format_date, format_datetime, format_decimal, get_locale
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
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""


# How a Chinese office writes a moment: 2026年11月10日（周二）19:30, never Babel's
# "2026年11月10日星期二 中国标准时间 19:30:00"; English gets the same shape.
MOMENT_PATTERNS = {
    "zh_CN": {"medium": "y年M月d日 HH:mm", "long": "y年M月d日（EEE）HH:mm"},
    "en": {"medium": "d MMM y, HH:mm", "long": "EEE d MMM y, HH:mm"},
}
DAY_PATTERNS = {
    "zh_CN": {"medium": "y年M月d日", "long": "y年M月d日（EEE）"},
    "en": {"medium": "d MMM y", "long": "EEE d MMM y"},
}


def format_moment(dt, fmt="medium") -> str:
    """A UTC datetime in the user's time zone: short (numeric), medium, long/full (weekday)."""
    if not dt:
        return ""
    language = current_language()
    if fmt == "short":
        pattern = _short_moment_pattern(language)
    else:
        pattern = MOMENT_PATTERNS[language]["medium" if fmt == "medium" else "long"]
    parts = _compiled(pattern, language)
    if parts is None:
        return format_datetime(dt, pattern)
    return "".join(part(_local(dt)) for part in parts)


def format_day(day, fmt="medium") -> str:
    """A date: short (numeric), medium (2026年11月10日), long/full (with the weekday)."""
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


# Babel's format_datetime costs ~40 µs a call (time zone and locale look-ups, pattern
# parsing): 2 ms of a 50-row list. The fields the house's patterns use, compiled once per
# pattern and language, give the same text (tests/portal/test_i18n_moments.py compares them
# with Babel's); a pattern with any other field is left to Babel.
def _local(dt: datetime) -> datetime:
    # The portal's one time zone (BABEL_DEFAULT_TIMEZONE is the clock's too).
    return clock.to_local(dt) if dt.tzinfo is None else dt.astimezone(clock.LOCAL_ZONE)


@lru_cache(maxsize=8)
def _short_moment_pattern(language: str) -> str:
    locale = _parsed(language)
    return (
        str(locale.datetime_formats["short"])
        .replace("{0}", locale.time_formats["short"].pattern)
        .replace("{1}", locale.date_formats["short"].pattern)
    )


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
