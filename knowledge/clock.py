"""The time ask-a-lawyer stamps on records; the demo loader sets it to tell a past story."""

from contextlib import contextmanager
from datetime import datetime

from portal.core.db import utcnow

_frozen: list[datetime] = []


def now() -> datetime:
    return _frozen[-1] if _frozen else utcnow()


@contextmanager
def frozen(at: datetime):
    _frozen.append(at)
    try:
        yield at
    finally:
        _frozen.pop()
