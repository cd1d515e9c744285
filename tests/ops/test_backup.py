"""Backups: create (SQLite online backup or pg_dump + uploads + manifest), restore into an empty
database, and every table's rows compared."""

import json
import os

import psycopg
import pytest
from sqlalchemy import select, text

import portal
from portal.config import TestingConfig
from portal.core import backup
from portal.core.db import db
from portal.core.uploads import store_bytes
from portal.notifications.operations import notify
from tests.fixtures.app import ON_POSTGRES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _rows():
    """Every table's rows, in primary-key order (the comparison the restore must pass)."""
    rows = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(r) for r in db.session.execute(select(table).order_by(*order))]
    return rows


def _target_url(tmp_path):
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'restored.db'}"
    source = os.environ["TEST_DATABASE_URL"]
    server, name = source.rsplit("/", 1)
    target = f"{name}_restore"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{target}"')
    return f"{server}/{target}"


def _drop_target(url):
    if ON_POSTGRES:
        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_has_every_row_of_every_table_and_every_upload(
    app, committing_db, tmp_path, create_question, dummy_case
):
    question = create_question()
    stored = store_bytes(PDF, "合同.pdf", allowed_kinds={"pdf"})
    notify([question.asker], "备份测试")
    db.session.commit()
    key = stored.storage_key
    before = _rows()
    assert sum(len(r) for r in before.values()) > 20

    result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "bk")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["tables"]["questions"] == 1
    # The session's upload folder also holds other tests' files: every one is in the backup.
    keys = [u["key"] for u in manifest["uploads"]]
    assert key in keys and len(keys) == len(set(keys))

    url = _target_url(tmp_path)

    class Target(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = str(tmp_path / "restored-uploads")
        SEARCH_INDEX_DIR = str(tmp_path / "restored-index")

    target = portal.create_app(Target)
    try:
        # The CLI runs in the active app context: make it the target's.
        with target.app_context():
            result = target.test_cli_runner().invoke(
                args=["backup", "restore", "--no-search-rebuild", str(tmp_path / "bk")]
            )
            assert result.exit_code == 0, result.output
            assert _rows() == before
            # Then the restore's last step: the index is rebuilt from the restored rows.
            assert backup.rebuild_search() >= 2  # the question and the mediation case at least
            from portal.core.uploads import storage

            assert storage().read(key) == PDF
            assert all(storage().read(k) for k in keys)
            # A second restore refuses: the database is no longer empty.
            again = target.test_cli_runner().invoke(
                args=["backup", "restore", str(tmp_path / "bk")]
            )
            assert again.exit_code != 0 and "not empty" in again.output
            db.session.remove()
            db.engine.dispose()
    finally:
        _drop_target(url)


def test_a_tampered_backup_is_refused_before_anything_is_restored(app, tmp_path, monkeypatch):
    folder = tmp_path / "bk"
    folder.mkdir()
    (folder / "database.sqlite3").write_bytes(b"not what was dumped")
    manifest = {
        "format": 1,
        "database": {"dialect": "sqlite", "file": "database.sqlite3", "sha256": "0" * 64},
        "tables": {},
        "uploads": [],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(folder)])
    assert result.exit_code != 0
    assert "does not match its checksum" in result.output
    assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_backup_into_a_folder_with_files_is_refused(app, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path)])
    assert result.exit_code != 0 and "not empty" in result.output


def test_a_folder_without_manifest_is_not_a_backup(app, tmp_path):
    with pytest.raises(backup.BackupError, match="not a backup"):
        backup.verify(str(tmp_path))


@pytest.mark.parametrize("command", ["verify", "restore"])
def test_a_folder_without_manifest_is_refused_in_one_line(app, tmp_path, command):
    result = app.test_cli_runner().invoke(args=["backup", command, str(tmp_path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a click error, not an escaped BackupError
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path} has no manifest.json: not a backup"
    ]
