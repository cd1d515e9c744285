"""Models of dashboard."""
