"""The sync status, computed from the store's tables (never from flags kept in memory)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class SyncStatus:
    state: str  # "never" | "synced" | "offline" | "error"
    last_sync_at: str | None
    error: str | None


def read_status(conn: sqlite3.Connection) -> SyncStatus:
    rows = conn.execute(
        "SELECT last_pull_at, last_error, last_error_kind FROM sync_state ORDER BY service"
    ).fetchall()
    pulls = [t for t, _, _ in rows if t]
    last = min(pulls) if len(pulls) == 2 else None
    for _, message, kind in rows:
        if message:
            return SyncStatus(kind or "error", last, message)
    if last is None:
        return SyncStatus("never", None, None)
    return SyncStatus("synced", last, None)
