"""Every state change of counsel; flushes, never commits."""
