#!/bin/sh
# The production layout on this machine (`make prod-local`): gunicorn (4 workers, app preloaded,
# jieba initialised once), the search indexer, the mail sender and the appeal register sender as
# long-running workers, against the local PostgreSQL and Redis. Ctrl-C stops everything it started.
set -eu
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv}
export PORTAL_ENV=production
export DATABASE_URL=${PROD_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/portal_local}
export REDIS_URL=${PROD_REDIS_URL:-redis://127.0.0.1:6379/0}
export SECRET_KEY=${SECRET_KEY:-$("$VENV/bin/python" -c "import secrets; print(secrets.token_urlsafe(48))")}
export PORTAL_BIND=${PORTAL_BIND:-127.0.0.1:8000}
export PORTAL_WORKERS=${PORTAL_WORKERS:-4}
# Plain http on loopback: the session cookie may not be marked Secure here (it is in production).
export PORTAL_SESSION_COOKIE_SECURE=${PORTAL_SESSION_COOKIE_SECURE:-false}
STATE=${PROD_STATE_DIR:-instance/prod-local}
mkdir -p "$STATE"
export UPLOAD_DIR=${UPLOAD_DIR:-$STATE/uploads}
export SEARCH_INDEX_DIR=${SEARCH_INDEX_DIR:-$STATE/search-index}
FLASK="$VENV/bin/flask --app wsgi"

# The database exists, is migrated, and has demo data the first time.
db=${DATABASE_URL##*/}
server=${DATABASE_URL%/*}
if ! psql "$server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
  psql "$server/postgres" -qc "CREATE DATABASE \"$db\""
  fresh=1
fi
$FLASK db upgrade
if [ "${fresh:-0}" = 1 ] || [ "${DEMO:-0}" = 1 ]; then $FLASK demo load; fi

pids=""
stop() { trap - INT TERM EXIT; for p in $pids; do kill "$p" 2>/dev/null || true; done; wait; }
trap stop INT TERM EXIT
$VENV/bin/gunicorn -c docs/deploy/gunicorn.conf.py wsgi:app & pids="$pids $!"
nice -n 10 $FLASK search work --loop --interval 2 & pids="$pids $!"  # background: pages first
$FLASK mail send --loop --interval 5 & pids="$pids $!"
$FLASK appeals deliver --loop --interval 10 & pids="$pids $!"
echo "portal on http://$PORTAL_BIND ($PORTAL_WORKERS workers), database $DATABASE_URL, redis $REDIS_URL"
echo "workers: search indexer, mail sender, appeal register sender. Periodic jobs: $FLASK jobs run NAME (see jobs list)."
wait
