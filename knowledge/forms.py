"""Forms of knowledge."""
