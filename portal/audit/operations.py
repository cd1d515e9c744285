"""Writing the audit log; every operation that changes a record calls log()."""

from flask import has_request_context, request
from sqlalchemy import insert

from portal.audit.models import AuditEntry
from portal.core.db import db


def client_address() -> str:
    if not has_request_context():
        return "cli"
    return request.remote_addr or ""


def _entry(action, obj, by, summary, data, object_type, object_id) -> dict:
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    return {
        "user_id": getattr(by, "id", None),
        "action": action,
        "object_type": object_type or "",
        "object_id": str(object_id if object_id is not None else ""),
        "summary": summary[:500],
        "data": data or {},
        "address": client_address(),
    }


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
    entry = AuditEntry(**_entry(action, obj, by, summary, data, object_type, object_id))
    db.session.add(entry)
    return entry


# The insert of log_read(), built once (the table's: no ORM bulk-insert machinery).
_INSERT_ENTRY = insert(AuditEntry.__table__)


def read_entry(
    action: str,
    obj,
    *,
    by=None,
    summary: str = "",
    data: dict | None = None,
) -> dict:
    """The entry log() would record for reading a record that is audited (a confidential
    mediation case's page, its files), as values for log_read(): taken while `obj` and `by` are
    loaded, so that the request's reads may end before it is written. `obj` must be a stored
    record (it has its id)."""
    return _entry(action, obj, by, summary, data, None, None)


def log_read(entry: dict) -> None:
    """Write an entry of read_entry() at once, by one INSERT in the session's transaction,
    instead of an object for the session to flush. A read's entry is usually the request's only
    write, and the session's unit of work for it cost the case page a tenth of its time."""
    db.session.execute(_INSERT_ENTRY, [entry])
