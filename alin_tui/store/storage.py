"""What stops the local store from writing, named for what it is: a full disk, a read-only
folder, another alin-tui holding the store, a damaged file. Each has its own sentence and its own
advice (setting a file aside is only ever advised for a damaged one, and after its queued
changes are saved out)."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

LOW_SPACE = 256 * 1024  # below this, a sync cannot write its next page: the disk is full

DISK_FULL, READ_ONLY, LOCKED, DAMAGED = "disk_full", "read_only", "locked", "damaged"


def kind_of(exc: BaseException) -> str | None:
    """The kind of a storage failure (None when it is something else)."""
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc).lower()
        if name.startswith("SQLITE_FULL") or "disk is full" in text:
            return DISK_FULL
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or "readonly" in text:
            return READ_ONLY
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return LOCKED
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
            return DAMAGED
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            return DAMAGED
        return None
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READ_ONLY
    return None


def free_bytes(path: Path) -> int | None:
    """Free space where `path` lives (None when it cannot be told)."""
    try:
        info = os.statvfs(path)
    except OSError:
        return None
    return info.f_bavail * info.f_frsize


def disk_full(path: Path) -> bool:
    free = free_bytes(path)
    return free is not None and free < LOW_SPACE


def store_file(conn: sqlite3.Connection) -> Path | None:
    """The file behind a connection (None for an in-memory store)."""
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return None
    return Path(row[2]) if row and row[2] else None


def describe(exc: BaseException, t, folder: Path | None) -> str:
    """The sentence for a storage failure, naming what happened, what was kept, what to do."""
    kind = kind_of(exc) or "other"
    return t(f"storage.{kind}", folder=str(folder) if folder else "", error=str(exc))


# When the store cannot even record that a sync failed (the disk is full), an empty file beside
# it says so: it needs no data block, only a name. The next full sync removes it.
MARK = ".failed-"


def mark_failed(conn: sqlite3.Connection, kind: str) -> None:
    path = store_file(conn)
    if path is None:
        return
    with contextlib.suppress(OSError):
        mark = path.parent / f"{path.name}{MARK}{kind}"
        os.close(os.open(mark, os.O_WRONLY | os.O_CREAT, 0o600))  # private, like the store


def clear_failed(conn: sqlite3.Connection) -> None:
    path = store_file(conn)
    if path is None:
        return
    for mark in path.parent.glob(f"{path.name}{MARK}*"):
        with contextlib.suppress(OSError):
            mark.unlink()


def failed_mark(conn: sqlite3.Connection) -> str | None:
    """The kind of the failure left marked beside the store, if any."""
    path = store_file(conn)
    if path is None:
        return None
    for mark in path.parent.glob(f"{path.name}{MARK}*"):
        return mark.name.rsplit(MARK, 1)[-1]
    return None
