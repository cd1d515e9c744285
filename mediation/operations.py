"""Every state change of mediation; flushes, never commits."""
