"""SQLite helpers shared by the client store and the sandbox: opening a connection with the
project's pragmas, explicit transactions, numbered migrations.

Neutral ground: it imports nothing of ours, so the sandbox and the client store can both use it
without the sandbox ever importing the client's store. Connections are plain `sqlite3`
connections in autocommit mode (`isolation_level=None`); every write goes through `transaction`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alin_tui.sqlite.migrate import MigrationError, migrate

__all__ = ["MigrationError", "durable", "migrate", "open_connection", "transaction"]


def open_connection(path: Path | str, *, busy_timeout_ms: int = 5000) -> sqlite3.Connection:
    """Open (creating the folder if needed) in autocommit mode, WAL, synchronous=NORMAL, foreign
    keys on. NORMAL in WAL mode: a commit survives the process being killed; `durable` asks for
    FULL where what the user was told is saved must survive an OS crash too."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


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


@contextmanager
def durable(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A transaction with synchronous=FULL: what the user was told is saved survives a crash."""
    conn.execute("PRAGMA synchronous = FULL")
    try:
        with transaction(conn):
            yield conn
    finally:
        conn.execute("PRAGMA synchronous = NORMAL")
