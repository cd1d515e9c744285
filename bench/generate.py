"""Build a realistic large database for benchmarks: `python -m bench.generate --scale 1`.

It writes bench/out/bench.db (SQLite, schema from the migrations) or, with
`--database-url postgresql://.../bench_<something>`, a PostgreSQL database whose name starts with
"bench" (its public schema is dropped and rebuilt), runs the house's demo loader (so the demo log-ins work), then every generator in GENERATORS in order.

A package adds its rows with a module bench/<package>.py that registers a generator:

    from bench.generate import generator

    @generator(order=20, name="knowledge")
    def questions(app, scale, rng):
        ...                      # add rows through db.session (bulk: add_all, flush, commit)
        return "100,000 questions and answers"

Every module in bench/ is imported, so nothing else needs editing. A generator receives the
app (inside its app context), the scale (1 = the issue's "scale 1") and a seeded random.Random.
"""

import argparse
import importlib
import pkgutil
import random
import sys
import time
from pathlib import Path

from sqlalchemy import text

OUT = Path(__file__).resolve().parent / "out"
DB_PATH = OUT / "bench.db"
NOT_GENERATORS = {
    "generate",
    "http",
    "hello",
    "baseline",
    "pages",
    "questions",
    "queue",
    "search",
}

# (order, name, function(app, scale, rng) -> summary)
GENERATORS: list[tuple[int, str, object]] = []


def generator(order: int, name: str):
    def register(function):
        GENERATORS.append((order, name, function))
        return function

    return register


def bench_config(db_path: Path = DB_PATH, database_url: str | None = None):
    from portal.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{db_path}"
        UPLOAD_DIR = str(db_path.parent / "uploads")
        SEARCH_INDEX_DIR = str(db_path.parent / "search-index")
        SEARCH_INDEX_INLINE = False

    return BenchConfig


def discover():
    """Import every bench module so their @generator registrations run."""
    package = Path(__file__).resolve().parent
    for module in pkgutil.iter_modules([str(package)]):
        if module.name not in NOT_GENERATORS and not module.name.startswith("_"):
            importlib.import_module(f"bench.{module.name}")


def bench_database_name(database_url: str) -> str:
    """The PostgreSQL database's name; refuses any not starting with "bench" (it is wiped)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise SystemExit("bench.generate: --database-url must be a postgresql:// URL")
    if not (url.database or "").startswith("bench"):
        raise SystemExit(
            "bench.generate: the PostgreSQL database's name must start with 'bench' (it is wiped)"
        )
    return url.database


def generated_database_url(args, tool: str) -> str:
    """The database a measuring tool reads: --database-url (a PostgreSQL bench database) or the
    SQLite file --db that `bench.generate` made."""
    if args.database_url:
        bench_database_name(args.database_url)
        return args.database_url
    if not args.db.exists():
        raise SystemExit(f"{tool}: no {args.db}; run `python -m bench.generate` first")
    return f"sqlite:///{args.db.resolve()}"


def _wipe_postgres(database_url: str):
    from sqlalchemy import create_engine, text

    bench_database_name(database_url)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build(
    scale: float, db_path: Path = DB_PATH, seed: int = 2026, database_url: str | None = None
) -> list[str]:
    from flask_migrate import upgrade

    import bench.portal_accounts  # noqa: F401  (the house's generator)
    import portal
    from portal.core.db import db
    from portal.demo import load_core

    discover()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if database_url:
        _wipe_postgres(database_url)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    app = portal.create_app(bench_config(db_path, database_url))
    report = []
    with app.app_context():
        upgrade()
        report.append(f"demo core: {load_core(app)}")
        db.session.commit()
        rng = random.Random(seed)
        for _order, name, function in sorted(GENERATORS, key=lambda item: item[0]):
            started = time.monotonic()
            summary = function(app, scale, rng)
            db.session.commit()
            report.append(f"{name}: {summary} ({time.monotonic() - started:.1f} s)")
        # Planner statistics for the fresh rows (both engines understand ANALYZE).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 5,000 enterprises")
    parser.add_argument("--out", type=Path, default=DB_PATH, help="SQLite file to write")
    parser.add_argument(
        "--database-url",
        help="write to this PostgreSQL database instead (its name must start with 'bench')",
    )
    args = parser.parse_args(argv)
    if args.database_url:
        bench_database_name(args.database_url)
    if not 0 < args.scale <= 20:
        parser.exit(2, "bench.generate: --scale must be above 0 and at most 20\n")
    started = time.monotonic()
    args.out = args.out.resolve()  # the app resolves relative SQLite paths elsewhere
    for line in build(args.scale, args.out, database_url=args.database_url):
        print(line)
    print(f"wrote {args.database_url or args.out} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    # Run the importable module, so generators registered by other modules land in ITS list.
    from bench import generate

    sys.exit(generate.main())
