"""How checkups plugs into the portal: blueprint, navigation, demo data, statistics."""

from datetime import time, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.hooks import (
    add_demo_loader,
    add_home_section,
    add_nav,
    add_record_type,
    add_stats,
)
from portal.core.nav import SERVICE_NAMES


def _visible(user):
    from portal.checkups.permissions import can_use_checkups

    return can_use_checkups(user)


def _describe_checkup(checkup_id):
    from portal.checkups.models import Checkup
    from portal.core.db import db

    checkup = db.session.get(Checkup, checkup_id)
    if checkup is None:
        return (_("Check-up #%(id)s", id=checkup_id), "")
    return (
        _("Legal check-up: %(label)s", label=str(checkup)),
        url_for("checkups.view", checkup_id=checkup_id),
    )


def _describe_finding(finding_id):
    from portal.checkups.models import Finding
    from portal.core.db import db

    finding = db.session.get(Finding, finding_id)
    if finding is None:
        return (_("Check-up finding #%(id)s", id=finding_id), "")
    return (
        _("Check-up finding: %(title)s", title=finding.title),
        url_for("checkups.view", checkup_id=finding.checkup_id, _anchor=f"f{finding_id}"),
    )


def _home_section(user):
    from sqlalchemy import select

    from portal.accounts.models import Role
    from portal.checkups.models import Checkup, CheckupLawyer, Status
    from portal.checkups.operations import to_local, to_utc
    from portal.core.db import db, utcnow
    from portal.core.i18n import format_moment

    def item(checkup, extra=""):
        when = format_moment(checkup.start_dt)  # 2026年12月1日 10:30
        return (
            f"{when} {checkup.enterprise.name} · {extra or checkup.status_label}",
            url_for("checkups.view", checkup_id=checkup.id),
        )

    if not (user and user.is_authenticated):
        return None
    now = utcnow()
    if user.is_staff:
        today = to_local(now).date()
        start = to_utc(today - timedelta(days=today.weekday()), time(0))
        rows = db.session.scalars(
            select(Checkup)
            .where(
                Checkup.start_dt >= start,
                Checkup.start_dt < start + timedelta(days=7),
                Checkup.status != Status.cancelled,
            )
            .order_by(Checkup.start_dt)
            .limit(10)
        ).all()
        return {
            "title": _("Check-ups this week"),
            "items": [item(c, "、".join(lawyer.name for lawyer in c.lawyers)) for c in rows],
            "empty": _("No check-ups this week."),
            "link": (_("Calendar"), url_for("checkups.calendar")),
        }
    if user.role == Role.lawyer:
        mine = select(CheckupLawyer.checkup_id).where(CheckupLawyer.lawyer_id == user.id)
        upcoming = db.session.scalars(
            select(Checkup)
            .where(
                Checkup.id.in_(mine),
                Checkup.end_dt >= now,
                Checkup.status.in_(
                    [Status.scheduled, Status.confirmed, Status.reschedule_requested]
                ),
            )
            .order_by(Checkup.start_dt)
            .limit(5)
        ).all()
        to_write = db.session.scalars(
            select(Checkup)
            .where(
                Checkup.id.in_(mine),
                Checkup.status.in_([Status.in_progress, Status.report_draft]),
            )
            .order_by(Checkup.start_dt)
            .limit(5)
        ).all()
        return {
            "title": _("My check-ups"),
            "items": [item(c) for c in upcoming]
            + [item(c, _("report to write")) for c in to_write],
            "empty": _("No upcoming check-ups and no reports to write."),
            "link": (_("All my check-ups"), url_for("checkups.index")),
        }
    if user.role == Role.enterprise and user.is_verified:
        rows = db.session.scalars(
            select(Checkup)
            .where(Checkup.enterprise_id == user.enterprise_id, Checkup.status != Status.cancelled)
            .order_by(Checkup.start_dt.desc())
            .limit(5)
        ).all()
        return {
            "title": _("My legal check-ups and reports"),
            "items": [item(c) for c in rows],
            "empty": _("No legal check-ups yet."),
            "link": (_("All check-ups"), url_for("checkups.index")),
        }
    return None


def _stats(start, end, chamber_id=None):
    from portal.checkups.stats import summary

    return summary(start, end, chamber_id)


def _demo(app):
    from portal.checkups.demo import load

    return load(app)


def init_app(app):
    from portal.checkups import (
        models,  # noqa: F401  (tables known to migrations)
        search,
    )
    from portal.checkups.blueprint import bp
    from portal.core.hooks import add_search_source, add_visibility_listener

    add_search_source(
        app, search.KIND, search.checkup_document, search.checkup_ids, search.checkups_allowed
    )
    add_visibility_listener(app, search.requeue_on_visibility_change)

    app.register_blueprint(bp)
    add_nav(app, "checkups.index", SERVICE_NAMES["checkups"], _visible)
    add_home_section(app, _home_section)
    add_record_type(app, "checkups", _describe_checkup)
    add_record_type(app, "checkup_findings", _describe_finding)
    add_stats(app, "checkups", _stats)
    from portal.checkups.front import firms_checked
    from portal.core.hooks import add_public_figure

    add_public_figure(app, _l("firms given a legal check-up"), firms_checked, order=30)
    add_demo_loader(app, 60, "checkups", _demo)
