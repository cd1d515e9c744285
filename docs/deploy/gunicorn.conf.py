"""gunicorn settings for the portal: `gunicorn -c docs/deploy/gunicorn.conf.py wsgi:app`."""

import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PORTAL_WORKERS", "4"))
# Load the app once in the master: jieba's dictionary (about a second and 50 MB) is built once
# and shared by the forked workers copy-on-write.
preload_app = True
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# Recycle workers now and then (memory growth in long-lived processes); jittered so they do
# not all restart at once.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    import jieba

    server.log.info("jieba initialised in the master: %s", bool(jieba.dt.initialized))


def post_fork(server, worker):
    # Connections opened in the master (if any) must not be shared by the forked workers.
    from portal.core.db import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
