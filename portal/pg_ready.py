"""Tell whether a PostgreSQL server answers: `python -m portal.pg_ready [--wait S] [--create] URL`.

Exits 0 when a connection succeeds, else 1 with one line saying what failed (used by
`make test` before the PostgreSQL pass, so an unreachable server is one clear message).
With --create, a server that answers but lacks the URL's database gets it (a fresh machine's
server has only `postgres` and the templates; the test pass needs its own).
"""

import sys
import time

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


def create_database_if_missing(url: str) -> bool:
    """Create the URL's database through the server's `postgres` database; True if created."""
    name = conninfo_to_dict(url).get("dbname")
    if not name or name == "postgres":
        return False
    with psycopg.connect(make_conninfo(url, dbname="postgres"), connect_timeout=3) as admin:
        admin.autocommit = True
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def main(argv: list[str]) -> int:
    wait, create = 0.0, False
    while argv[:1] in (["--wait"], ["--create"]):
        if argv[0] == "--create":
            create, argv = True, argv[1:]
        else:
            wait, argv = float(argv[1]), argv[2:]
    if len(argv) != 1:
        print(
            "usage: python -m portal.pg_ready [--wait SECONDS] [--create] postgresql://…",
            file=sys.stderr,
        )
        return 2
    url = argv[0]
    deadline = time.monotonic() + wait
    while True:
        try:
            with psycopg.connect(url, connect_timeout=3):
                return 0
        except psycopg.Error as exc:
            try:
                if create and create_database_if_missing(url):
                    print(f"created the database of {url}", file=sys.stderr)
                    continue
            except psycopg.Error:
                pass  # the server itself does not answer: reported below
            if time.monotonic() >= deadline:
                reason = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                print(f"PostgreSQL is not reachable at {url}: {reason}", file=sys.stderr)
                return 1
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
