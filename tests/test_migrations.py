"""The local store's migrations: fresh, upgrades, idempotence, atomic failure, newer refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from alin_tui.sqlite import MigrationError, migrate
from alin_tui.sqlite.migrate import discover
from alin_tui.store.db import client_migrations_dir, connect


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _partial_dir(tmp_path: Path, upto: int) -> Path:
    target = tmp_path / f"mig{upto}"
    target.mkdir()
    for m in discover(client_migrations_dir())[:upto]:
        shutil.copy(m.path, target / m.path.name)
    return target


def _schema(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()


LATEST = len(discover(client_migrations_dir()))


def test_a_fresh_store_reaches_the_latest_version_in_wal(tmp_path: Path) -> None:
    conn = connect(tmp_path / "store.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert {"records", "sync_state", "offers", "offers_fts"} <= {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }


@pytest.mark.parametrize("start", range(0, LATEST))
def test_upgrade_from_every_earlier_version_keeps_the_data(tmp_path: Path, start: int) -> None:
    path = tmp_path / "store.db"
    conn = _open(path)
    migrate(conn, _partial_dir(tmp_path, start))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == start
    if start >= 1:
        conn.execute("INSERT INTO records VALUES ('demand', 'd1', 'sne', 3, '{\"nur\": \"x\"}')")
    conn.close()

    db = connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    if start >= 1:
        assert db.execute("SELECT version FROM records WHERE id = 'd1'").fetchone() == (3,)
    fresh = connect(tmp_path / "fresh.db")
    assert _schema(db) == _schema(fresh)


def test_running_the_migrations_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    connect(path).close()
    conn = _open(path)
    before = _schema(conn)
    assert migrate(conn, client_migrations_dir()) == LATEST
    assert _schema(conn) == before


def test_a_failing_migration_leaves_the_previous_version_untouched(tmp_path: Path) -> None:
    directory = _partial_dir(tmp_path, LATEST)
    (directory / f"{LATEST + 1:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\n"
        "INSERT INTO records VALUES ('demand', 'd2', 'sne', 1, '{}');\n"
        "THIS IS NOT SQL;\n"
    )
    path = tmp_path / "store.db"
    conn = _open(path)
    migrate(conn, client_migrations_dir())
    before = _schema(conn)
    with pytest.raises(MigrationError, match="reste au schéma"):
        migrate(conn, directory)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert _schema(conn) == before
    assert conn.execute("SELECT count(*) FROM records").fetchone() == (0,)
    assert not conn.in_transaction


def test_a_store_from_a_newer_version_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    connect(path).close()
    conn = _open(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.close()
    with pytest.raises(MigrationError, match="version plus récente") as info:
        connect(path)
    assert "--data-dir" in str(info.value)
    assert _open(path).execute("PRAGMA user_version").fetchone()[0] == LATEST + 5


def test_the_wheel_ships_the_migrations(tmp_path: Path) -> None:
    """A non-editable install must find them: build the wheel and look inside."""
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(root)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("alin_tui-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for m in discover(client_migrations_dir()):
        assert f"alin_tui/_migrations/{m.path.name}" in names
    assert "alin_tui/sandbox/migrations/0001_sandbox.sql" in names
    assert "alin_tui/ui/app.tcss" in names
    assert "alin_tui/domain/data/communes.csv" in names


def test_a_corrupt_store_is_refused_with_a_clear_message_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(MigrationError, match="illisible") as info:
        connect(path)
    assert "Rien n'a été effacé" in str(info.value)
    assert path.read_bytes() == garbage


def test_the_command_line_says_so_in_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    store = tmp_path / "data" / "profiles" / "default" / "store.db"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"garbage" * 500)
    env = {**os.environ, "ALIN_DATA_DIR": str(tmp_path / "data")}
    r = subprocess.run(
        [sys.executable, "-m", "alin_tui", "status", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1
    assert "endommagée" in r.stderr and "Traceback" not in r.stderr
