"""Forms of courses."""
