"""Referrals into the general appeal register and their follow-up until the enterprise is satisfied."""
