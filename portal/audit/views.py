"""The staff page that filters the audit log."""

from datetime import datetime, timedelta

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.labels import action_label, record_type_label, summary_label
from portal.audit.models import AuditEntry
from portal.audit.permissions import can_view_audit_log
from portal.core.db import db
from portal.core.permissions import require


def _parse_date(value):
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except (TypeError, ValueError):
        return None


@login_required
def audit_log():
    require(can_view_audit_log(current_user))
    args = request.args
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
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
        stmt = stmt.where(AuditEntry.created_dt >= start - timedelta(hours=8))
    if end := _parse_date(args.get("end")):
        stmt = stmt.where(AuditEntry.created_dt < end + timedelta(days=1) - timedelta(hours=8))
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
