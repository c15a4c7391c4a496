"""Pull state per service, and applying a pulled page atomically together with its cursor."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from alin_tui.sqlite import transaction
from alin_tui.store import offers, outbox, records

_KEYS = (
    "cursor",
    "server_today",
    "server_time",
    "last_pull_at",
    "last_mutation_ids",
    "last_error",
    "last_error_kind",
    "failures",
    "next_try_at",
    "last_push_at",
)


def get(conn: sqlite3.Connection, service: str) -> dict[str, Any]:
    row = conn.execute(
        f"SELECT {', '.join(_KEYS)} FROM sync_state WHERE service = ?", (service,)
    ).fetchone()
    if row is None:
        state: dict[str, Any] = dict.fromkeys(_KEYS)
        state.update(last_mutation_ids={}, failures=0)
        return state
    state = dict(zip(_KEYS, row, strict=True))
    state["last_mutation_ids"] = json.loads(state["last_mutation_ids"] or "{}")
    return state


def server_today(conn: sqlite3.Connection) -> dt.date:
    """The day the rules run on: the server's day as last pulled (the sandbox can move its
    clock); the local date before any pull."""
    for service in ("sne", "alin"):
        row = conn.execute(
            "SELECT server_today FROM sync_state WHERE service = ?", (service,)
        ).fetchone()
        if row and row[0]:
            return dt.date.fromisoformat(row[0])
    return dt.date.today()


def apply_page(
    conn: sqlite3.Connection,
    service: str,
    *,
    cursor: str,
    changes: Iterable[tuple[str, str, str, int, dict[str, Any] | None]],
    server_today: str,
    server_time: str,
    pulled_at: str | None,
    last_mutation_ids: dict[str, int],
    reset: bool = False,
    before_commit: Callable[[], None] | None = None,
) -> None:
    """One transaction: the changes (op, type, id, version, value), the cursor, the counters.

    `reset` first forgets everything of this service (a pull from no cursor after a 410 or the
    first pull) so that entities the server no longer has do not linger.
    """
    with transaction(conn):
        if reset:
            conn.execute("DELETE FROM records WHERE service = ?", (service,))
            if service == "alin":
                conn.execute("DELETE FROM offers")
        for op, type_, id_, version, value in changes:
            if type_ == "offer":
                if op == "del":
                    offers.delete(conn, id_)
                else:
                    offers.put(conn, id_, version, value or {})
            elif op == "del":
                records.delete(conn, type_, id_)
            else:
                records.put(conn, service, type_, id_, version, value or {})
        # A page before the last one moves the cursor on (a pull resumes there) but is not yet
        # a finished pull: the time of the last full pull and any failure stay as they were.
        done = pulled_at is not None
        conn.execute(
            "INSERT INTO sync_state (service, cursor, server_today, server_time, last_pull_at, "
            "last_mutation_ids, last_error) VALUES (?, ?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT (service) DO UPDATE SET cursor = excluded.cursor, "
            "server_today = excluded.server_today, server_time = excluded.server_time, "
            "last_pull_at = CASE WHEN ? THEN excluded.last_pull_at ELSE last_pull_at END, "
            "last_mutation_ids = excluded.last_mutation_ids, "
            "last_error = CASE WHEN ? THEN NULL ELSE last_error END, "
            "last_error_kind = CASE WHEN ? THEN NULL ELSE last_error_kind END",
            (
                service,
                cursor,
                server_today,
                server_time,
                pulled_at,
                json.dumps(last_mutation_ids),
                done,
                done,
                done,
            ),
        )
        # Acknowledged rows leave the outbox with the data that shows them.
        acked = last_mutation_ids.get(outbox.client_id(conn), 0)
        outbox.acknowledge(conn, service, int(acked))
        if before_commit is not None:
            before_commit()


def touch(conn: sqlite3.Connection, service: str, *, pulled_at: str) -> None:
    """A 304: nothing changed, but we did reach the server."""
    conn.execute(
        "INSERT INTO sync_state (service, last_pull_at) VALUES (?, ?) "
        "ON CONFLICT (service) DO UPDATE SET last_pull_at = excluded.last_pull_at, last_error = NULL, "
        "last_error_kind = NULL",
        (service, pulled_at),
    )


def set_error(
    conn: sqlite3.Connection,
    service: str,
    kind: str,
    message: str,
    *,
    failures: int | None = None,
    next_try_at: str | None = None,
) -> None:
    """Record why the last attempt failed (`offline`: unreachable; `error`: anything else),
    how many attempts failed in a row, and when the next one is due."""
    conn.execute(
        "INSERT INTO sync_state (service, last_error, last_error_kind, failures, next_try_at) "
        "VALUES (?, ?, ?, coalesce(?, 0), ?) "
        "ON CONFLICT (service) DO UPDATE SET last_error = excluded.last_error, "
        "last_error_kind = excluded.last_error_kind, failures = excluded.failures, "
        "next_try_at = excluded.next_try_at",
        (service, message, kind, failures, next_try_at),
    )


def clear_error(conn: sqlite3.Connection, service: str) -> None:
    conn.execute(
        "UPDATE sync_state SET last_error = NULL, last_error_kind = NULL, failures = 0, "
        "next_try_at = NULL WHERE service = ?",
        (service,),
    )
