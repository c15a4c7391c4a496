"""Open the local store: WAL, busy timeout, foreign keys, migrations; wrapped by sqlite-utils."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from alin_tui.store.migrate import MigrationError, client_migrations_dir, migrate

BUSY_TIMEOUT_MS = 5000


def connect(path: Path | str, *, migrations: Path | None = None, what: str = "base locale"):
    """Open (creating if needed) and migrate a database; return a `sqlite_utils.Database`."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, migrations or client_migrations_dir(), what=what)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise MigrationError(
            f"La {what} {path} est illisible ({exc}). Rien n'a été effacé : mettez ce fichier "
            "de côté (il peut contenir des envois en attente) et relancez, une nouvelle base "
            "sera créée puis synchronisée."
        ) from exc
    except Exception:
        conn.close()
        raise
    return sqlite_utils.Database(conn)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (connections are autocommit)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
