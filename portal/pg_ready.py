"""Tell whether a PostgreSQL server answers: `python -m portal.pg_ready [--wait S] URL`.

Exits 0 when a connection succeeds, else 1 with one line saying what failed (used by
`make test` before the PostgreSQL pass, so an unreachable server is one clear message).
"""

import sys
import time

import psycopg


def main(argv: list[str]) -> int:
    wait = 0.0
    if argv[:1] == ["--wait"]:
        wait, argv = float(argv[1]), argv[2:]
    if len(argv) != 1:
        print("usage: python -m portal.pg_ready [--wait SECONDS] postgresql://…", file=sys.stderr)
        return 2
    url = argv[0]
    deadline = time.monotonic() + wait
    while True:
        try:
            with psycopg.connect(url, connect_timeout=3):
                return 0
        except psycopg.Error as exc:
            if time.monotonic() >= deadline:
                reason = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                print(f"PostgreSQL is not reachable at {url}: {reason}", file=sys.stderr)
                return 1
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
