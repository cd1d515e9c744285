"""Language choice (user setting, then session, then Accept-Language) and locale formatting."""

from pathlib import Path

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal
from flask_login import current_user

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
    "courses",
]


def translation_directories() -> str:
    return ";".join(str(ROOT / area / "translations") for area in TRANSLATION_AREAS)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI jobs and the demo loader: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"]) if request else None
    if best == "en":
        return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def configure_i18n(app):
    from portal.extensions import babel

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["datetime"] = lambda dt, fmt="medium": (
        format_datetime(dt, fmt) if dt else ""
    )
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""
