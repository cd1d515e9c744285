"""Every state change of courses; flushes, never commits."""
