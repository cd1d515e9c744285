"""The site's one name and the federation's contact details, read from settings."""

from flask import current_app
from flask_babel import lazy_gettext as _l

DEFAULT_SITE_NAME = _l("Shenyang FIC · Legal Services for Private Enterprises")
DEFAULT_ADDRESS = _l("Legal Services Office, Shenyang Federation of Industry and Commerce")
DEFAULT_OFFICE_HOURS = _l("Working days 8:30–11:30, 13:30–17:00")


def site_name() -> str:
    """SITE_NAME from the settings, else the translated default; used by every page and file."""
    return current_app.config.get("SITE_NAME") or str(DEFAULT_SITE_NAME)


def name_lines(name: str) -> tuple[str, str, str]:
    """The name as the header's two-line wordmark: (who, separator, what). It splits at the first
    " · " (the English default), else at the first space (the Chinese default); a name with
    neither stays on one line: (name, "", "")."""
    for separator in (" · ", " "):
        who, found, what = name.partition(separator)
        if found and who and what.strip():
            return who, separator, what
    return name, "", ""


def contact() -> dict:
    config = current_app.config
    return {
        "hotline": config.get("FEDERATION_HOTLINE") or "",
        "address": config.get("FEDERATION_ADDRESS") or str(DEFAULT_ADDRESS),
        "hours": config.get("FEDERATION_OFFICE_HOURS") or str(DEFAULT_OFFICE_HOURS),
        "email": config.get("FEDERATION_EMAIL") or "",
    }
