"""Backups: the database (SQLite online backup API, or pg_dump), every upload, and a manifest
with checksums; restore into an empty database, verifying every checksum first."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text

from portal.core.db import db
from portal.core.uploads import storage

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; str(exc) says why, in one line."""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_url(url) -> str:
    """A URL pg_dump understands (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_env(url):
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def _counts(connection) -> dict[str, int]:
    """Rows per table of our metadata present in the database behind `connection`."""
    present = set(inspect(connection).get_table_names())
    return {
        table.name: connection.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar()
        for table in db.metadata.sorted_tables
        if table.name in present  # names from our own metadata, never from input
    }


def table_counts() -> dict[str, int]:
    return _counts(db.session.connection())


def _sqlite_file_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        present = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        return {
            t.name: connection.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in db.metadata.sorted_tables
            if t.name in present
        }
    finally:
        connection.close()


def create(directory: str) -> dict:
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; give a new directory")
    target.mkdir(parents=True, exist_ok=True)
    url = db.engine.url
    dialect = db.engine.dialect.name
    db.session.commit()  # nothing of ours is left in a transaction during the dump
    db.session.remove()
    if dialect == "sqlite":
        dump = target / "database.sqlite3"
        source = db.engine.raw_connection()
        try:
            destination = sqlite3.connect(dump)
            with destination:
                source.driver_connection.backup(destination)  # consistent even while in use
            destination.close()
        finally:
            source.close()
        counts = _sqlite_file_counts(dump)
    elif dialect == "postgresql":
        dump = target / "database.pgdump"
        # Count the rows in the very snapshot pg_dump dumps (exported from this transaction).
        with db.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
                counts = _counts(connection)
                result = subprocess.run(
                    [
                        _tool("pg_dump"),
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(dump),
                        "--dbname",
                        _libpq_url(url),
                    ],
                    env=_pg_env(url),
                    capture_output=True,
                    text=True,
                )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"no backup method for {dialect}")

    store, uploads = storage(), []
    for key in store.iter_keys():
        data = store.read(key)
        path = target / "uploads" / key[:2] / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        uploads.append({"key": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})

    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {
            "dialect": dialect,
            "file": dump.name,
            "size": dump.stat().st_size,
            "sha256": _sha256_file(dump),
        },
        "tables": counts,
        "uploads": uploads,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def verify(directory: str) -> dict:
    """The manifest, once every file's checksum matches; BackupError on the first mismatch."""
    source = Path(directory)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST}: not a backup") from None
    except ValueError as exc:
        raise BackupError(f"{MANIFEST} is unreadable: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    dump = source / manifest["database"]["file"]
    if not dump.is_file() or _sha256_file(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump.name} is missing or does not match its checksum")
    for item in manifest["uploads"]:
        path = source / "uploads" / item["key"][:2] / item["key"]
        if not path.is_file() or _sha256_file(path) != item["sha256"]:
            raise BackupError(f"upload {item['key']} is missing or does not match its checksum")
    return manifest


def restore(directory: str) -> dict:
    manifest = verify(directory)
    source = Path(directory)
    dialect = db.engine.dialect.name
    if manifest["database"]["dialect"] != dialect:
        raise BackupError(
            f"the backup is of {manifest['database']['dialect']}, the database is {dialect}"
        )
    with db.engine.connect() as connection:
        existing = inspect(connection).get_table_names()
    if existing:
        raise BackupError(
            f"the database is not empty ({len(existing)} tables, e.g. {existing[0]}); "
            "restore into a new, empty database"
        )
    db.session.remove()
    dump = source / manifest["database"]["file"]
    if dialect == "sqlite":
        backup = sqlite3.connect(dump)
        destination = db.engine.raw_connection()
        try:
            backup.backup(destination.driver_connection)
        finally:
            destination.close()
            backup.close()
    else:
        url = db.engine.url
        result = subprocess.run(
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                _libpq_url(url),
                str(dump),
            ],
            env=_pg_env(url),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    db.engine.dispose()  # new connections see the restored schema

    store = storage()
    for item in manifest["uploads"]:
        store.save(item["key"], (source / "uploads" / item["key"][:2] / item["key"]).read_bytes())

    restored = table_counts()
    db.session.commit()
    if restored != manifest["tables"]:
        differ = sorted(k for k in manifest["tables"] if restored.get(k) != manifest["tables"][k])
        raise BackupError(f"row counts differ after restore: {', '.join(differ)}")
    return manifest


def rebuild_search() -> int | None:
    """Rebuild the search index from the restored database (when the search package is there)."""
    rebuild = current_app.extensions.get("portal.search_rebuild")
    if rebuild is None:
        try:
            from knowledge.search import engine
        except ImportError:
            return None
        rebuild = engine.rebuild
    return rebuild()
