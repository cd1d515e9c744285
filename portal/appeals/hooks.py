"""How appeals plugs into the portal: blueprints, navigation, CLI, demo data, statistics."""

import sys

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
from portal.core.nav import SERVICE_NAMES

appeals_cli = AppGroup("appeals", help="The appeal register (涉企诉求).")


@appeals_cli.command("escalate")
def escalate_command():
    """Move overdue items up once (tier 3, leadership told); idempotent, run daily."""
    from portal.appeals.workflow import escalate_overdue
    from portal.core.db import db

    count = escalate_overdue()
    db.session.commit()
    click.echo(f"{count} overdue items escalated")


def _month_or_exit(month):
    from portal.appeals.reports import parse_month

    try:
        return parse_month(month)
    except ValueError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


def _write(out, data):
    try:
        with open(out, "wb") as handle:
            handle.write(data)
    except OSError as error:
        click.echo(f"Error: cannot write {out}: {error.strerror}", err=True)
        sys.exit(1)


@appeals_cli.command("ledger")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def ledger_command(month, out):
    """The monthly ledger (台账) as XLSX."""
    from portal.appeals.reports import figures, ledger_xlsx

    start, end = _month_or_exit(month)
    _write(out, ledger_xlsx(start, end))
    f = figures(start, end)
    click.echo(f"{out}: {f['collected']} collected, {f['resolved']} closed")


@appeals_cli.command("bulletin")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def bulletin_command(month, out):
    """The monthly bulletin (通报) as DOCX."""
    from portal.appeals.reports import bulletin_docx

    start, end = _month_or_exit(month)
    _write(out, bulletin_docx(start, end))
    click.echo(out)


@appeals_cli.command("summary")
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def summary_command(year, out):
    """The annual summary as DOCX."""
    from portal.appeals.reports import annual_summary_docx

    _write(out, annual_summary_docx(year))
    click.echo(out)


@appeals_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running, sending messages as they become due.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between polls.")
def deliver_command(loop, interval):
    """Send due outbox messages to an external city register (retries with back-off; from a
    timer, or with --loop as a service; safe on several hosts: rows are locked while sent)."""
    import time

    from portal.appeals.register import deliver_outbox
    from portal.core.db import db

    while True:
        try:
            sent, failed = deliver_outbox()
            db.session.commit()
        except Exception as exc:  # database away: say so, keep the service alive, retry
            db.session.rollback()
            if not loop:
                raise
            click.echo(f"appeals deliver failed: {type(exc).__name__}: {exc}", err=True)
            sent = failed = 0
        if not loop or sent or failed:
            click.echo(f"{sent} sent, {failed} failed")
        if not loop:
            break
        time.sleep(interval)


def init_app(app):
    from portal.appeals import (
        models,  # noqa: F401  (tables known to migrations)
        search,
    )
    from portal.appeals.api import api_bp
    from portal.appeals.blueprint import bp
    from portal.core.hooks import add_search_source, add_visibility_listener
    from portal.extensions import csrf

    add_search_source(
        app, search.KIND, search.referral_document, search.referral_ids, search.referrals_allowed
    )
    add_visibility_listener(app, search.requeue_on_visibility_change)

    app.config.setdefault("APPEALS_REGISTER", "builtin")
    app.register_blueprint(bp)
    # The register signs its webhook with HMAC; it has no session and no CSRF token.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(appeals_cli)
    add_nav(app, "appeals.index", SERVICE_NAMES["appeals"], _sees_appeals)
    add_nav(app, "appeals.submit", _l("Submit an appeal"), _anonymous, order=80)
    add_home_section(app, home_section)
    add_stats(app, "appeals", _stats)
    add_record_type(app, "appeal_referrals", describe_referral)
    add_escalation_target(app, "appeal", _l("Appeal register"), escalation_available, escalate)
    add_demo_loader(app, 70, "appeals", _load_demo)


def _sees_appeals(user):
    return bool(user.is_authenticated)


def _anonymous(user):
    return not user.is_authenticated


def _stats(start, end, chamber_id=None):
    from portal.appeals.reports import stats

    return stats(start, end, chamber_id)


def _load_demo(app):
    from portal.appeals.demo import load

    return load(app)


def describe_referral(referral_id):
    """What a source record (question, case, finding) shows: the item's stage and outcome."""
    from portal.appeals.models import AppealReferral
    from portal.core.db import db

    item = db.session.get(AppealReferral, referral_id)
    if item is None:
        return (_("Deleted appeal item"), "")
    label = _(
        "Appeal item: %(summary)s (%(status)s)", summary=item.summary, status=item.status_label
    )
    if item.department:
        label += " · " + item.department
    evaluation = item.latest_evaluation
    if item.result and item.status.value in ("handled", "reported_back", "revisited",
                                             "satisfied", "closed"):  # fmt: skip
        label += " · " + _("Result: %(result)s", result=item.result[:120])
    if evaluation is not None:
        label += " · " + (
            _("the enterprise is satisfied") if evaluation.satisfied
            else _("the enterprise is not satisfied")
        )  # fmt: skip
    return (label, url_for("appeals.referral", referral_id=referral_id))


def escalation_available(user, source) -> bool:
    from portal.appeals.permissions import can_refer

    return can_refer(user) and getattr(source, "enterprise", None) is not None


def escalate(source, by, **data):
    """An item for the source's firm, its category carried over from the source."""
    from portal.appeals.models import AppealCategory, Channel
    from portal.appeals.operations import SOURCE_KINDS, category_of_source, create_referral

    category = data.get("category")
    if category not in AppealCategory.__members__:
        category = category_of_source(source)
    return create_referral(
        enterprise=source.enterprise,
        summary=data.get("summary") or getattr(source, "title", "") or _("Referred matter"),
        details=data.get("details") or getattr(source, "body", "") or "",
        category=category,
        channel=Channel.portal_record,
        source_kind=SOURCE_KINDS.get(getattr(source, "__tablename__", ""), ""),
        by=by,
    )


def _card(title, rows, empty, link=None):
    return {
        "title": title,
        "items": [
            (f"{r.summary} · {r.status_label}", url_for("appeals.referral", referral_id=r.id))
            for r in rows
        ],
        "empty": empty,
        **({"link": link} if link else {}),
    }


def home_section(user):
    from sqlalchemy import func, select

    from portal.appeals import permissions
    from portal.appeals.models import AppealReferral, AppealStatus
    from portal.core import clock
    from portal.core.db import db
    from portal.core.permissions import is_staff

    finished = (AppealStatus.closed, AppealStatus.merged)
    if is_staff(user):
        open_items = db.session.scalars(
            select(AppealReferral)
            .where(
                AppealReferral.status.not_in(finished + (AppealStatus.satisfied,)),
                AppealReferral.stage_due_date < clock.today(),
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
        for status, text in (
            (AppealStatus.referred, _("%(n)s items waiting for verification")),
            (AppealStatus.satisfied, _("%(n)s items the enterprise is satisfied with, to close")),
        ):
            n = db.session.scalar(
                select(func.count())
                .select_from(AppealReferral)
                .where(AppealReferral.status == status)
            )
            if n:
                items.append((text % {"n": n}, url_for("appeals.index", status=status.value)))
        return {
            "title": _("Appeal items"),
            "items": items,
            "empty": _("No overdue items."),
            "link": (_("Monthly ledger"), url_for("appeals.ledger")),
        }
    if permissions.is_department_handler(user) or permissions.is_bureau(user):
        stmt = select(AppealReferral).where(AppealReferral.status.not_in(finished))
        if permissions.is_department_handler(user):
            stmt = stmt.where(
                AppealReferral.organisation_id == (permissions.organisation_id_of(user) or -1),
                AppealReferral.status.in_((AppealStatus.distributed, AppealStatus.accepted)),
            )
        else:
            stmt = stmt.where(
                AppealReferral.status.in_(
                    (AppealStatus.triaged, AppealStatus.returned, AppealStatus.handled,
                     AppealStatus.reopened)
                )
            )  # fmt: skip
        rows = db.session.scalars(stmt.order_by(AppealReferral.stage_due_date).limit(8)).all()
        return _card(_("Appeal items waiting for you"), rows, _("Nothing waiting."),
                     (_("All items"), url_for("appeals.index")))  # fmt: skip
    if permissions.is_leadership(user):
        return {
            "title": _("Appeal register"),
            "items": [(_("Monthly ledger and bulletin"), url_for("appeals.ledger"))],
            "empty": "",
            "reference": True,
            "link": (_("Tier-2 and tier-3 items"), url_for("appeals.index")),
        }
    if permissions.firm_of(user) is not None:
        mine = db.session.scalars(
            select(AppealReferral)
            .where(
                AppealReferral.enterprise_id == permissions.firm_of(user),
                AppealReferral.status.not_in(finished),
            )
            .order_by(AppealReferral.created_dt.desc())
            .limit(5)
        ).all()
        if not mine:
            return None
        return _card(_("My appeals"), mine, "", (_("All my appeals"), url_for("appeals.index")))
    return None
