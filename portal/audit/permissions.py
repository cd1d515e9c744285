"""Who may read the audit log."""


def can_view_audit_log(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)
