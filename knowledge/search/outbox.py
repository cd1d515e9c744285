"""Index changes are queued in the same transaction as the record; one indexer applies them."""

from datetime import datetime

from flask import g, has_app_context
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow


class SearchOutbox(db.Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


def enqueue(kind: str, object_id: int):
    """Call from an operation whenever a searchable record changes or is deleted (flushes nothing).

    Once per record and transaction: the indexer reads the record as it is when it applies the
    row, so a second row for it in the same transaction would only repeat the first (asking a
    question changes it three times: created, sent, routed)."""
    if (kind, object_id) not in _queued_in_this_transaction():
        db.session.add(SearchOutbox(kind=kind, object_id=object_id))
        _queued_in_this_transaction().add((kind, object_id))  # (the add began it if need be)
    if has_app_context():
        # Tells the inline indexer (development) that this request has something to index.
        g.search_outbox_dirty = True


def _queued_in_this_transaction() -> set:
    """(kind, id) queued in the session's innermost transaction so far. A new transaction (after
    a commit or rollback) or a savepoint starts afresh: a row discarded by a rollback is never
    taken as queued."""
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    entry = session.info.get("search_outbox_queued")
    if entry is None or entry[0] is not transaction:
        entry = (transaction, set())
        session.info["search_outbox_queued"] = entry
    return entry[1]
