"""Who may see and do what in dashboard."""
