"""How appeals plugs into the portal: blueprint, navigation, demo data, statistics."""

import click
from flask import url_for
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.hooks import (
    add_demo_loader,
    add_escalation_target,
    add_home_section,
    add_nav,
    add_record_type,
    add_stats,
)

appeals_cli = AppGroup("appeals", help="Appeal referrals.")


@appeals_cli.command("escalate")
def escalate_command():
    """Escalate overdue referrals (idempotent; run daily from a timer)."""
    from portal.appeals.workflow import escalate_overdue
    from portal.core.db import db

    count = escalate_overdue()
    db.session.commit()
    click.echo(f"{count} overdue referrals escalated")


def init_app(app):
    from portal.appeals import (
        models,  # noqa: F401  (tables known to migrations)
        search,
    )
    from portal.appeals.blueprint import bp
    from portal.core.hooks import add_search_source, add_visibility_listener

    add_search_source(
        app, search.KIND, search.referral_document, search.referral_ids, search.referrals_allowed
    )
    add_visibility_listener(app, search.requeue_on_visibility_change)

    app.config.setdefault("APPEALS_STAGE_WORKING_DAYS", 10)
    app.register_blueprint(bp)
    app.cli.add_command(appeals_cli)
    add_nav(app, "appeals.index", _l("Appeal referrals"), _sees_appeals)
    add_home_section(app, home_section)
    add_stats(app, "appeals", _stats)
    add_record_type(app, "appeal_referrals", describe_referral)
    add_escalation_target(app, "appeal", _l("Appeal register"), escalation_available, escalate)
    add_demo_loader(app, 70, "appeals", _load_demo)


def _sees_appeals(user):
    return bool(user.is_authenticated)


def _stats(start, end):
    from portal.appeals.reports import stats

    return stats(start, end)


def _load_demo(app):
    from portal.appeals.demo import load

    return load(app)


def describe_referral(referral_id):
    from portal.appeals.models import AppealReferral
    from portal.core.db import db

    item = db.session.get(AppealReferral, referral_id)
    if item is None:
        return (_("Deleted appeal referral"), "")
    return (
        _(
            "Appeal referral: %(summary)s (%(status)s)",
            summary=item.summary,
            status=item.status_label,
        ),
        url_for("appeals.referral", referral_id=referral_id),
    )


def escalation_available(user, source) -> bool:
    from portal.appeals.permissions import can_refer

    return can_refer(user) and getattr(source, "enterprise", None) is not None


def escalate(source, by, **data):
    """A referral for the source's firm; uses only source.title/body/enterprise."""
    from portal.appeals.models import AppealCategory
    from portal.appeals.operations import create_referral

    category = data.get("category") or "other"
    if category not in AppealCategory.__members__:
        category = "other"
    return create_referral(
        enterprise=source.enterprise,
        summary=data.get("summary") or getattr(source, "title", "") or _("Referred matter"),
        details=data.get("details") or getattr(source, "body", "") or "",
        category=category,
        by=by,
    )


def home_section(user):
    from sqlalchemy import func, select

    from portal.accounts.models import Role
    from portal.appeals.models import AppealReferral, AppealStatus
    from portal.core.db import db
    from portal.core.permissions import is_staff, is_verified

    if is_staff(user):
        from datetime import date

        open_items = db.session.scalars(
            select(AppealReferral)
            .where(
                AppealReferral.status != AppealStatus.closed,
                AppealReferral.stage_due_date < date.today(),
            )
            .order_by(AppealReferral.stage_due_date)
            .limit(5)
        ).all()
        items = [
            (
                _("Overdue: %(summary)s", summary=r.summary),
                url_for("appeals.referral", referral_id=r.id),
            )
            for r in open_items
        ]
        waiting = db.session.scalar(
            select(func.count())
            .select_from(AppealReferral)
            .where(AppealReferral.status == AppealStatus.revisited)
        )
        if waiting:
            items.append(
                (
                    _("%(n)s referrals waiting for the enterprise's answer", n=waiting),
                    url_for("appeals.index", status="revisited"),
                )
            )
        return {
            "title": _("Appeal referrals"),
            "items": items,
            "empty": _("No overdue referrals."),
            "link": (_("Monthly ledger"), url_for("appeals.ledger")),
        }
    if is_verified(user, Role.enterprise):
        mine = db.session.scalars(
            select(AppealReferral)
            .where(
                AppealReferral.enterprise_id == user.enterprise_id,
                AppealReferral.status != AppealStatus.closed,
            )
            .order_by(AppealReferral.created_dt.desc())
            .limit(5)
        ).all()
        if not mine:
            return None
        return {
            "title": _("My appeals"),
            "items": [
                (
                    f"{r.summary} · {r.status_label}",
                    url_for("appeals.referral", referral_id=r.id),
                )
                for r in mine
            ],
            "empty": "",
            "link": (_("All my appeals"), url_for("appeals.index")),
        }
    return None
