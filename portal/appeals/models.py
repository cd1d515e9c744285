"""Models of appeals."""
