"""Models of checkups."""
