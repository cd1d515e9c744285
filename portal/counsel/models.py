"""Models of counsel."""
