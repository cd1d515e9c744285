"""Forms of counsel."""
