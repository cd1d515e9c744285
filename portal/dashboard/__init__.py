"""Programme statistics and monthly reports for federation staff."""
