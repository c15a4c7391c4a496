"""The outbox: a local change and its queued mutation commit in one transaction, with gap-free
mutation ids per service; results from the server settle the rows.

Rows are deleted only once the server's result is known and final (ok, duplicate); refusals and
conflicts stay, visible, until the user deals with them. Nothing queued is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from alin_tui.sqlite import transaction

SERVICE_OF = {
    "demand.update": "sne",
    "demand.renew": "sne",
    "document.attach": "sne",
    "document.remove": "sne",
    "link.create": "alin",
    "situation.refresh": "alin",
    "application.create": "alin",
    "application.withdraw": "alin",
}


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Row:
    service: str
    mutation_id: int
    name: str
    args: dict[str, Any]
    base_version: int | None
    created_at: str
    sent_at: str | None
    state: str
    result: dict[str, Any] | None

    def wire(self) -> dict[str, Any]:
        m: dict[str, Any] = {"id": self.mutation_id, "name": self.name, "args": self.args}
        if self.base_version is not None:
            m["base_version"] = self.base_version
        return m


@contextmanager
def durable(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE with synchronous=FULL: what the user was told is saved survives a crash."""
    conn.execute("PRAGMA synchronous = FULL")
    try:
        with transaction(conn):
            yield conn
    finally:
        conn.execute("PRAGMA synchronous = NORMAL")


def client_id(conn: sqlite3.Connection) -> str:
    """This store's client id (one per profile), created on first use."""
    row = conn.execute("SELECT value FROM client_meta WHERE key = 'client_id'").fetchone()
    if row:
        return str(row[0])
    new = f"c-{secrets.token_hex(8)}"
    conn.execute("INSERT OR IGNORE INTO client_meta (key, value) VALUES ('client_id', ?)", (new,))
    return str(conn.execute("SELECT value FROM client_meta WHERE key = 'client_id'").fetchone()[0])


def enqueue(
    conn: sqlite3.Connection, name: str, args: dict[str, Any], base_version: int | None = None
) -> Row:
    """Queue one mutation; call inside `durable(conn)` together with its local change."""
    service = SERVICE_OF[name]
    row = conn.execute("SELECT next_id FROM next_ids WHERE service = ?", (service,)).fetchone()
    mutation_id = row[0] if row else 1
    conn.execute(
        "INSERT INTO next_ids (service, next_id) VALUES (?, ?) "
        "ON CONFLICT (service) DO UPDATE SET next_id = excluded.next_id",
        (service, mutation_id + 1),
    )
    created = now()
    conn.execute(
        "INSERT INTO outbox (service, mutation_id, name, args, base_version, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (service, mutation_id, name, json.dumps(args, ensure_ascii=False), base_version, created),
    )
    return Row(service, mutation_id, name, args, base_version, created, None, "pending", None)


def _row(r: tuple) -> Row:
    return Row(
        r[0],
        r[1],
        r[2],
        json.loads(r[3]),
        r[4],
        r[5],
        r[6],
        r[7],
        json.loads(r[8]) if r[8] else None,
    )


_COLS = "service, mutation_id, name, args, base_version, created_at, sent_at, state, result"


def rows(
    conn: sqlite3.Connection,
    *,
    service: str | None = None,
    states: tuple[str, ...] = ("pending", "failed", "conflict"),
) -> list[Row]:
    marks = ",".join("?" * len(states))
    sql = f"SELECT {_COLS} FROM outbox WHERE state IN ({marks})"
    params: list[Any] = list(states)
    if service:
        sql += " AND service = ?"
        params.append(service)
    return [_row(r) for r in conn.execute(sql + " ORDER BY service, mutation_id", params)]


def pending(conn: sqlite3.Connection, service: str | None = None) -> list[Row]:
    return rows(conn, service=service, states=("pending",))


def mark_sent(conn: sqlite3.Connection, service: str, ids: list[int]) -> None:
    conn.executemany(
        "UPDATE outbox SET sent_at = coalesce(sent_at, ?) WHERE service = ? AND mutation_id = ?",
        [(now(), service, i) for i in ids],
    )


def settle(conn: sqlite3.Connection, service: str, result: dict[str, Any]) -> None:
    """Apply one server result: ok/duplicate → done (still shown until a pull acknowledges it);
    rejected → failed; conflict → conflict."""
    status = result.get("status")
    mid = result.get("id")
    if status in ("ok", "duplicate"):
        conn.execute(
            "UPDATE outbox SET state = 'done', result = ? WHERE service = ? AND mutation_id = ? "
            "AND state = 'pending'",
            (json.dumps(result, ensure_ascii=False), service, mid),
        )
    elif status in ("rejected", "conflict"):
        state = "failed" if status == "rejected" else "conflict"
        conn.execute(
            "UPDATE outbox SET state = ?, result = ? WHERE service = ? AND mutation_id = ? "
            "AND state = 'pending'",
            (state, json.dumps(result, ensure_ascii=False), service, mid),
        )


def drop_acknowledged(conn: sqlite3.Connection, service: str, acked: int) -> None:
    """The pulled data includes every mutation up to `acked`: their done rows can go."""
    conn.execute(
        "DELETE FROM outbox WHERE service = ? AND state = 'done' AND mutation_id <= ?",
        (service, acked),
    )


def fail_unreceived(
    conn: sqlite3.Connection, service: str, mutation_id: int, result: dict[str, Any]
) -> None:
    """The server refused the request itself (a 4xx): it never counted this id. The row stays,
    failed and visible, under a local id outside the sequence, and the later rows move down so
    that the ids the server sees stay gap-free."""
    low = conn.execute(
        "SELECT min(mutation_id) FROM outbox WHERE service = ?", (service,)
    ).fetchone()[0]
    local_id = min(int(low or 0), 0) - 1
    conn.execute(
        "UPDATE outbox SET mutation_id = ?, state = 'failed', result = ? "
        "WHERE service = ? AND mutation_id = ?",
        (local_id, json.dumps(result, ensure_ascii=False), service, mutation_id),
    )
    _shift_down(conn, service, mutation_id)


def _shift_down(conn: sqlite3.Connection, service: str, freed: int) -> None:
    for (mid,) in conn.execute(
        "SELECT mutation_id FROM outbox WHERE service = ? AND mutation_id > ? ORDER BY mutation_id",
        (service, freed),
    ).fetchall():
        conn.execute(
            "UPDATE outbox SET mutation_id = ? WHERE service = ? AND mutation_id = ?",
            (mid - 1, service, mid),
        )
    conn.execute("UPDATE next_ids SET next_id = next_id - 1 WHERE service = ?", (service,))


def drop_unsent(conn: sqlite3.Connection, service: str, mutation_id: int) -> bool:
    """Remove a queued row never sent, renumbering the later unsent rows to stay gap-free."""
    row = conn.execute(
        "SELECT sent_at FROM outbox WHERE service = ? AND mutation_id = ?", (service, mutation_id)
    ).fetchone()
    if row is None or row[0] is not None:
        return False
    sent_after = conn.execute(
        "SELECT count(*) FROM outbox WHERE service = ? AND mutation_id > ? AND sent_at IS NOT NULL",
        (service, mutation_id),
    ).fetchone()[0]
    if sent_after:
        return False
    conn.execute("DELETE FROM outbox WHERE service = ? AND mutation_id = ?", (service, mutation_id))
    _shift_down(conn, service, mutation_id)
    return True


def renumber_from(conn: sqlite3.Connection, service: str, expected: int) -> None:
    """The server expects `expected` but our oldest row is higher (rows were lost locally, never
    received by the server): shift the pending rows down so that they start at `expected`."""
    first = conn.execute(
        "SELECT min(mutation_id) FROM outbox WHERE service = ? AND state = 'pending'", (service,)
    ).fetchone()[0]
    if first is None or first <= expected:
        return
    shift = first - expected
    for (mid,) in conn.execute(
        "SELECT mutation_id FROM outbox WHERE service = ? AND mutation_id >= ? "
        "ORDER BY mutation_id",
        (service, first),
    ).fetchall():
        conn.execute(
            "UPDATE outbox SET mutation_id = ? WHERE service = ? AND mutation_id = ?",
            (mid - shift, service, mid),
        )
    conn.execute("UPDATE next_ids SET next_id = next_id - ? WHERE service = ?", (shift, service))


def dismiss(conn: sqlite3.Connection, service: str, mutation_id: int) -> None:
    """The user has seen a refusal or settled a conflict: forget the row."""
    conn.execute(
        "DELETE FROM outbox WHERE service = ? AND mutation_id = ? AND state != 'pending'",
        (service, mutation_id),
    )
