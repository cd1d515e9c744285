"""WSGI entry point: gunicorn and `flask --app wsgi` load the app from here."""

import gc

import portal

app = portal.create_app()

# What is loaded by now (the app, its extensions, jieba's dictionary, the catalogs) lives as long
# as the process. Frozen, the collections that every request's allocations trigger stop walking
# it (about 8% of a page's CPU, bench.pages), and gunicorn's forked workers (the app is preloaded
# in the master) no longer write to its pages when the collector would have marked them.
gc.freeze()
