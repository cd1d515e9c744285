"""Forms of checkups."""
