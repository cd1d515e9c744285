"""Benchmarks: `python -m bench.generate --scale N` builds a large database, `python -m bench.http`
measures the main pages under gunicorn beside a bare Flask app (see docs/benchmarks.md)."""
