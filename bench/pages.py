"""Server time and SQL statements of each logged-in page, in process (no HTTP, no gunicorn):

    python -m bench.pages [--db instance/bench.db | --database-url postgresql://.../bench_x]
                          [--repeat 5] [--only question lawyer]

The same pages as `bench.http`, rendered through Flask's test client as the demo staff user; the
best of --repeat runs after one warm-up (the short-lived caches are each worker's own, as
`bench.http --cache memory`). On a shared machine the best of a few runs is steadier than a
throughput figure; it shows where a page spends its time, not how many users it serves.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from bench.generate import DB_PATH, bench_database_name


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DB_PATH, help="SQLite bench database")
    parser.add_argument("--database-url", help="a PostgreSQL bench database")
    parser.add_argument("--repeat", type=int, default=5, help="runs per page (at most 50)")
    parser.add_argument("--only", nargs="*", help="only pages whose label has a word")
    args = parser.parse_args(argv)
    if args.database_url:
        bench_database_name(args.database_url)
        database_url = args.database_url
    elif not args.db.exists():
        raise SystemExit(f"bench.pages: no {args.db}; run `python -m bench.generate` first")
    else:
        database_url = f"sqlite:///{args.db.resolve()}"
    folder = args.db.resolve().parent
    os.environ.update(
        PORTAL_ENV="production",
        SECRET_KEY="bench-" + os.urandom(8).hex(),
        DATABASE_URL=database_url,
        UPLOAD_DIR=str(folder / "uploads"),
        SEARCH_INDEX_DIR=str(folder / "search-index"),
        CACHE_BACKEND="memory",
    )
    from sqlalchemy import event

    import portal
    from bench.http import STAFF, staff_pages
    from portal.core.db import db

    app = portal.create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
    client = app.test_client()
    response = client.post("/account/login", data={"email": STAFF[0], "password": STAFF[1]})
    if response.status_code != 302:
        raise SystemExit("bench.pages: could not log in as the demo staff user")
    repeat = max(1, min(args.repeat, 50))
    print(f"best of {repeat} after a warm-up; load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<30} {'status':>6} {'ms':>8} {'SQL':>4}")
    for label, path in [("home (anonymous)", "/")] + staff_pages(database_url):
        if args.only and not any(word in label for word in args.only):
            continue
        if label == "home (anonymous)":
            continue  # needs a client without the log-in; bench.http measures it
        client.get(path)
        best = None
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        print(f"{label:<30} {response.status_code:>6} {best * 1000:>8.1f} {len(statements):>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
