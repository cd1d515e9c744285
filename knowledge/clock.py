"""Ask-a-lawyer's clock is the portal's one clock (portal.core.clock); these names stay for callers."""

from portal.core.clock import frozen, now_utc

now = now_utc

__all__ = ["frozen", "now"]
