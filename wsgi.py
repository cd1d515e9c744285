"""WSGI entry point: gunicorn and `flask --app wsgi` load the app from here."""

import portal

app = portal.create_app()
