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
    """Call from an operation whenever a searchable record changes or is deleted (flushes nothing)."""
    db.session.add(SearchOutbox(kind=kind, object_id=object_id))
    if has_app_context():
        # Tells the inline indexer (development) that this request has something to index.
        g.search_outbox_dirty = True
