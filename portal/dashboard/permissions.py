"""Who may see the statistics."""

from portal.core.permissions import is_staff


def can_view_statistics(user) -> bool:
    return is_staff(user)
