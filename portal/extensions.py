"""The Flask extension objects, created once and bound in create_app."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from portal.core.db import db

# Translations and time zones; the selectors are set in portal.core.i18n.
babel = Babel()

# Bootstrap 5 assets served from the package, never from a CDN (closed networks).
bootstrap = Bootstrap5()

# Sessions of logged-in users; the loader lives in portal.accounts.auth.
login_manager = LoginManager()

# Alembic migrations; render_as_batch so SQLite can alter tables.
migrate = Migrate(render_as_batch=True, compare_type=True)

# CSRF tokens on every form and every state-changing request.
csrf = CSRFProtect()

__all__ = ["babel", "bootstrap", "csrf", "db", "login_manager", "migrate"]
