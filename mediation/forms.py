"""Forms of mediation."""
