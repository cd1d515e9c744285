"""Every state change of knowledge; flushes, never commits."""
