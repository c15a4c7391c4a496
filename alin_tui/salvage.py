"""A damaged store set aside without losing what it still holds: the changes queued in it are
read out first (as far as the file can still be read), the damaged files move to a private
folder beside it with those changes written as JSON, and a fresh store takes the changes that
never left, to be sent at the next sync. Changes that left but whose answer never came are kept
in the JSON and counted: the next sync shows whether the server has them."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Salvage:
    folder: Path  # where the damaged files and the queued changes now are
    requeued: int  # changes that never left, queued again in the fresh store
    unanswered: int  # changes sent whose answer never came back (kept in the JSON)
    unreadable: bool  # the queue itself could not be read at all


def _queued(path: Path) -> tuple[list[dict], bool]:
    """The outbox rows still waiting, read through a read-only connection, row by row so that a
    damaged page loses only what lies on it."""
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    rows: list[dict] = []
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error:
        return rows, True
    try:
        cursor = conn.execute(
            "SELECT service, mutation_id, name, args, base_version, created_at, sent_at "
            "FROM outbox WHERE state = 'pending' ORDER BY key"
        )
        while True:
            try:
                row = cursor.fetchone()
            except sqlite3.Error:
                break  # the rest of the table is beyond repair: keep what was read
            if row is None:
                break
            service, mutation_id, name, args, base, created, sent = row
            rows.append(
                {
                    "service": service,
                    "mutation_id": mutation_id,
                    "name": name,
                    "args": json.loads(args),
                    "base_version": base,
                    "created_at": created,
                    "sent_at": sent,
                }
            )
        return rows, False
    except (sqlite3.Error, ValueError):
        return rows, not rows
    finally:
        conn.close()


def set_aside(store_path: Path, now: dt.datetime | None = None) -> Salvage:
    """Read out the queue, move the damaged files aside (private), start a fresh store with the
    changes that never left. Nothing is deleted."""
    from alin_tui.store import outbox
    from alin_tui.store.db import connect

    rows, unreadable = _queued(store_path)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = store_path.parent / f"base-abimee-{stamp}"
    folder.mkdir(mode=0o700)
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = store_path.with_name(store_path.name + suffix)
        if part.exists():
            os.replace(part, folder / part.name)
    saved = folder / "changements-en-file.json"
    fd = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(rows, out, ensure_ascii=False, indent=2)
    never_left = [r for r in rows if r["mutation_id"] is None]
    os.close(os.open(store_path, os.O_WRONLY | os.O_CREAT, 0o600))  # private from the start
    conn = connect(store_path)
    requeued = 0
    try:
        for row in never_left:
            try:  # one that cannot be queued again (a file sent from the old store) stays in JSON
                with outbox.durable(conn):
                    outbox.enqueue(conn, row["name"], row["args"], base_version=row["base_version"])
                requeued += 1
            except (ValueError, KeyError, sqlite3.Error):
                continue
    finally:
        conn.close()
    return Salvage(folder, requeued, len(rows) - len(never_left), unreadable)
