"""Accounts: users, enterprises, chambers, lawyer profiles, log-in and registration."""
