"""Server time and SQL statements of each logged-in page, in process, as a multiple of the fair
baseline's (a bare Flask + SQLAlchemy + Jinja page of 50 rows, rendered in the same run):

    python -m bench.pages [--db instance/bench.db | --database-url postgresql://.../bench_x]
                          [--repeat 5] [--only question lawyer] [--profile] [--cache null]

The same pages as `bench.http`, rendered through Flask's test client as the demo staff user (the
other roles' pages as a user of that role, `bench.http.role_pages`), and `bench.baseline`'s page through its own test client on the same database; each the best of
--repeat runs after one warm-up (the short-lived caches are each worker's own, as
`bench.http --cache memory`; `--cache null` measures every figure computed afresh). The baseline is measured again before every page and its fastest
run of the whole session is the reference. "× base" is the page's CPU time over it: the goal
"at least 50% of the baseline's throughput" reads "× base ≤ 2". CPU time of the one thread
is what waiting for a core on a shared machine does not inflate, so the ratio stays steadier
under load than requests per second. --profile prints each page's cProfile top 25.
"""

import argparse
import cProfile
import gc
import os
import pstats
import sys
from pathlib import Path

from bench.generate import DB_PATH, generated_database_url
from bench.timing import Best, best_of

TARGET_COST = 2.0  # at least 50% of the baseline's throughput


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DB_PATH, help="SQLite bench database")
    parser.add_argument("--database-url", help="a PostgreSQL bench database")
    parser.add_argument("--repeat", type=int, default=5, help="runs per page (at most 50)")
    parser.add_argument("--only", nargs="*", help="only pages whose label has a word")
    parser.add_argument("--profile", action="store_true", help="cProfile each page once")
    parser.add_argument(
        "--cache",
        choices=("memory", "null"),
        default="memory",
        help="the short shared cache: the process's own (memory, the default) or none (null: "
        "what a page costs its first viewer, every figure computed afresh)",
    )
    args = parser.parse_args(argv)
    database_url = generated_database_url(args, "bench.pages")
    folder = args.db.resolve().parent
    os.environ.update(
        PORTAL_ENV="production",
        SECRET_KEY="bench-" + os.urandom(8).hex(),
        DATABASE_URL=database_url,
        UPLOAD_DIR=str(folder / "uploads"),
        SEARCH_INDEX_DIR=str(folder / "search-index"),
        CACHE_BACKEND=args.cache,
    )
    from sqlalchemy import event

    import portal
    from bench import baseline
    from bench.http import STAFF, role_pages, staff_pages
    from portal.core.db import db

    app = portal.create_app()
    gc.freeze()  # as wsgi.py does for the served app
    app.config["WTF_CSRF_ENABLED"] = False
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
    clients = {}

    def client_of(email):
        """One logged-in test client per user, as each user has their own session."""
        if email not in clients:
            client = clients[email] = app.test_client()
            response = client.post("/account/login", data={"email": email, "password": STAFF[1]})
            if response.status_code != 302:
                raise SystemExit(f"bench.pages: could not log in as {email}")
        return clients[email]

    repeat = max(1, min(args.repeat, 50))
    base_client = baseline.app.test_client()

    def base_page():
        return base_client.get("/")

    base = best_of(base_page, repeat)
    results = []
    print(
        f"best of {repeat} after a warm-up; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the start"
    )
    header = f"{'page':<32} {'status':>6} {'ms':>7} {'CPU ms':>7} {'SQL':>4} {'× base':>7}  target"
    pages = [(label, path, STAFF[0]) for label, path in staff_pages(database_url)]
    for label, path, email in pages + role_pages(database_url):
        if args.only and not any(word in label for word in args.only):
            continue
        client = client_of(email)

        def page(path=path, client=client):
            statements.clear()
            return client.get(path)

        again = best_of(base_page, repeat)
        base = Best(min(base.wall, again.wall), min(base.cpu, again.cpu), again.result)
        best = best_of(page, repeat)
        results.append((label, best, len(statements)))
        if args.profile:
            print(label)
            profiler = cProfile.Profile()
            profiler.runcall(page)
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    print(header)
    print("-" * len(header))
    print(f"{'baseline: 50 rows':<32} {200:>6} {base.wall * 1000:>7.1f} {base.cpu * 1000:>7.1f}")
    missed = []
    for label, best, sql in results:
        cost = best.cpu / base.cpu if base.cpu else 0.0
        ok = cost <= TARGET_COST and best.result.status_code == 200
        if not ok:
            missed.append(label)
        print(
            f"{label:<32} {best.result.status_code:>6} {best.wall * 1000:>7.1f} "
            f"{best.cpu * 1000:>7.1f} {sql:>4} {cost:>6.1f}×  "
            f"{'met' if ok else 'MISSED'}"
        )
    print(
        f"target: CPU time ≤ {TARGET_COST:.0f}× the baseline's (≥ 50% of its throughput); "
        f"{len(missed)} missed; load average at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
