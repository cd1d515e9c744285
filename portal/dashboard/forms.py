"""Forms of dashboard."""
