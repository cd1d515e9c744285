"""Every state change of appeals; flushes, never commits."""
