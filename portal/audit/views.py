"""The staff page that filters the audit log."""

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.audit.labels import action_label, record_type_label, summary_label
from portal.audit.models import AuditEntry
from portal.audit.permissions import can_view_audit_log
from portal.core import clock
from portal.core.db import db
from portal.core.permissions import require


def _parse_date(value):
    """A Beijing date typed as YYYY-MM-DD (the filter's days are Beijing days)."""
    return clock.parse_day(value) if value and len(value.strip()) == 10 else None


@login_required
def audit_log():
    require(can_view_audit_log(current_user))
    args = request.args
    stmt = select(AuditEntry).options(joinedload(AuditEntry.user)).order_by(AuditEntry.id.desc())
    if args.get("user"):
        stmt = stmt.join(User, AuditEntry.user_id == User.id).where(
            User.email.contains(args["user"].lower())
        )
    if args.get("action"):
        stmt = stmt.where(AuditEntry.action.startswith(args["action"]))
    if args.get("object_type"):
        stmt = stmt.where(AuditEntry.object_type == args["object_type"])
    if args.get("object_id"):
        stmt = stmt.where(AuditEntry.object_id == args["object_id"])
    if start := _parse_date(args.get("start")):
        stmt = stmt.where(AuditEntry.created_dt >= clock.day_start_utc(start))
    if end := _parse_date(args.get("end")):
        stmt = stmt.where(AuditEntry.created_dt < clock.day_bounds_utc(end)[1])
    entries = db.paginate(stmt, per_page=50, error_out=False)
    object_types = db.session.scalars(
        select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    )
    return render_template(
        "audit/log.html",
        entries=entries,
        args=args,
        object_types=list(object_types),
        action_label=action_label,
        record_type_label=record_type_label,
        summary_label=summary_label,
    )
