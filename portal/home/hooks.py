"""Navigation of the shell and the staff settings."""

from flask_babel import lazy_gettext as _l

from portal.core.hooks import add_health_check, add_home_section, add_nav, add_stats
from portal.core.permissions import is_staff


def init_app(app):
    add_nav(app, "accounts.staff_users", _l("Accounts"), is_staff, order=90)
    add_nav(app, "staff.calendar", _l("Settings"), is_staff, order=91)
    add_nav(app, "audit.log", _l("Audit log"), is_staff, order=92)
    from portal.home.sections import lawyer_conflicts, pending_verifications

    add_home_section(app, pending_verifications, order=10)
    add_home_section(app, lawyer_conflicts, order=90)
    from portal.accounts.stats import account_statistics

    add_stats(app, _l("Accounts and registrations"), account_statistics)
    from portal.notifications.operations import outbox_health

    add_health_check(app, "mail", outbox_health)
    register_demo(app)


def register_demo(app):
    from portal.core.hooks import add_demo_loader
    from portal.demo import load_core

    add_demo_loader(app, 0, "portal", load_core)
