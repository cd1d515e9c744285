"""Every state change of dashboard; flushes, never commits."""
