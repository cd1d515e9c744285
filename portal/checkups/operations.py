"""Every state change of checkups; flushes, never commits."""
