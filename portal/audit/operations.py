"""Writing the audit log; every operation that changes a record calls log()."""

from flask import has_request_context, request

from portal.audit.models import AuditEntry
from portal.core.db import db


def client_address() -> str:
    if not has_request_context():
        return "cli"
    return request.remote_addr or ""


def log(
    action: str,
    obj=None,
    *,
    by=None,
    summary: str = "",
    data: dict | None = None,
    object_type: str | None = None,
    object_id=None,
) -> AuditEntry:
    """Record that `by` did `action` to `obj` (flushes so the object has its id)."""
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    entry = AuditEntry(
        user_id=getattr(by, "id", None),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id if object_id is not None else ""),
        summary=summary[:500],
        data=data or {},
        address=client_address(),
    )
    db.session.add(entry)
    return entry
