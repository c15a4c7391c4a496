"""The outbox: each local change is queued with its optimistic rows in one durable transaction,
under a local key. The wire id is given when the row is first sent and kept for every replay; a
row never sent has none and can simply be deleted. Results from the server settle the rows.

Rows are deleted only once the server's result is known and final (ok, duplicate) and a pull has
acknowledged it; refusals and conflicts stay, visible, until the user deals with them. Nothing
queued is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from alin_tui.sqlite import durable

__all__ = ["Row", "durable", "enqueue", "rows", "pending", "settle"]

REF = "$ref"  # a local reference inside queued arguments: {"$ref": kind, "id": local id}


class InvalidMutation(ValueError):
    """Arguments that do not fit the catalogue: a programming error, never queued."""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Row:
    key: int  # local, stable, never sent
    service: str
    mutation_id: int | None  # the wire id, given at first send
    name: str
    args: dict[str, Any]  # as queued (may hold local references)
    sent_args: dict[str, Any] | None  # as first sent, replayed unchanged
    base_version: int | None
    created_at: str
    sent_at: str | None
    state: str
    result: dict[str, Any] | None

    def wire(self) -> dict[str, Any]:
        assert self.mutation_id is not None and self.sent_args is not None
        m: dict[str, Any] = {"id": self.mutation_id, "name": self.name, "args": self.sent_args}
        if self.base_version is not None:
            m["base_version"] = self.base_version
        return m


def ref(kind: str, local_id: str) -> dict[str, str]:
    return {REF: kind, "id": local_id}


def refs(args: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(argument, kind, local id) of each local reference in queued arguments."""
    for name, value in args.items():
        if isinstance(value, Mapping) and REF in value:
            yield name, str(value[REF]), str(value.get("id"))


def client_id(conn: sqlite3.Connection) -> str:
    """This store's client id (one per profile), created on first use."""
    row = conn.execute("SELECT value FROM client_meta WHERE key = 'client_id'").fetchone()
    if row:
        return str(row[0])
    new = f"c-{secrets.token_hex(8)}"
    conn.execute("INSERT OR IGNORE INTO client_meta (key, value) VALUES ('client_id', ?)", (new,))
    return str(conn.execute("SELECT value FROM client_meta WHERE key = 'client_id'").fetchone()[0])


def _spec(name: str, args: Mapping[str, Any], base_version: int | None):
    from alin_tui import protocol as p

    spec = p.MUTATIONS.get(name)
    if spec is None:
        raise InvalidMutation(f"unknown mutation {name!r}")
    wire = {k: ("<ref>" if k in {r[0] for r in refs(args)} else v) for k, v in args.items()}
    try:
        spec.args.model_validate(wire)
    except ValueError as exc:
        raise InvalidMutation(f"{name}: {exc}") from exc
    if spec.base_version and base_version is None:
        raise InvalidMutation(f"{name} needs a base_version")
    return spec


def enqueue(
    conn: sqlite3.Connection,
    name: str,
    args: dict[str, Any],
    base_version: int | None = None,
) -> Row:
    """Queue one mutation and write its optimistic rows; call inside `durable(conn)` together
    with any other local change. Arguments are checked against the catalogue."""
    from alin_tui.store import applicant

    spec = _spec(name, args, base_version)
    created = now()
    cur = conn.execute(
        "INSERT INTO outbox (service, name, args, base_version, created_at) VALUES (?, ?, ?, ?, ?)",
        (spec.service, name, json.dumps(args, ensure_ascii=False), base_version, created),
    )
    key = int(cur.lastrowid or 0)
    if spec.effect is not None:
        shown = applicant.shown_values(conn)
        write_local_rows(conn, key, spec.effect(args, shown, str(key)))
    return Row(
        key, spec.service, None, name, args, None, base_version, created, None, "pending", None
    )


def write_local_rows(conn: sqlite3.Connection, key: int, local: list) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO local_rows (outbox_key, type, id, value, creates) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (key, r.type, r.id, json.dumps(r.value, ensure_ascii=False), int(r.create))
            for r in local
        ],
    )


def rebuild_local_rows(conn: sqlite3.Connection) -> None:
    """Write the optimistic rows of queued changes carried over from a version without them."""
    from alin_tui import protocol as p
    from alin_tui.store import applicant

    with durable(conn):
        for row in rows(conn, states=("pending", "done")):
            spec = p.MUTATIONS.get(row.name)
            if spec is not None and spec.effect is not None:
                conn.execute("DELETE FROM local_rows WHERE outbox_key = ?", (row.key,))
                shown = applicant.shown_values(conn)
                write_local_rows(conn, row.key, spec.effect(row.args, shown, str(row.key)))
        conn.execute("DELETE FROM client_meta WHERE key = 'rebuild_local_rows'")


_COLS = (
    "key, service, mutation_id, name, args, sent_args, base_version, created_at, sent_at, "
    "state, result"
)


def _row(r: tuple) -> Row:
    return Row(
        r[0],
        r[1],
        r[2],
        r[3],
        json.loads(r[4]),
        json.loads(r[5]) if r[5] else None,
        r[6],
        r[7],
        r[8],
        r[9],
        json.loads(r[10]) if r[10] else None,
    )


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
    return [_row(r) for r in conn.execute(sql + " ORDER BY service, key", params)]


def pending(conn: sqlite3.Connection, service: str | None = None) -> list[Row]:
    return rows(conn, service=service, states=("pending",))


def get(conn: sqlite3.Connection, key: int) -> Row | None:
    r = conn.execute(f"SELECT {_COLS} FROM outbox WHERE key = ?", (key,)).fetchone()
    return _row(r) if r else None


def referencing(conn: sqlite3.Connection, kind: str, local_id: str) -> list[Row]:
    """Pending rows whose arguments hold a local reference to (kind, local id)."""
    return [
        r for r in pending(conn) if any(k == kind and i == local_id for _, k, i in refs(r.args))
    ]


# --- sending -----------------------------------------------------------------------------


def assign_ids(
    conn: sqlite3.Connection, service: str, resolved: list[tuple[Row, dict[str, Any]]]
) -> tuple[list[Row], set[int]]:
    """Give wire ids to the rows of a batch not sent before, in order, and record the arguments
    as sent; rows sent before keep theirs. Each row is read again under the write lock: another
    process syncing the same profile may have sent it (it keeps that id, and is sent as a
    replay) or settled it (it is left out). Returns the rows still to send, as they now stand,
    and the keys of those given an id here."""
    out: list[Row] = []
    given: set[int] = set()
    with durable(conn):
        for row, wire_args in resolved:
            current = get(conn, row.key)
            if current is None or current.state != "pending":
                continue
            if current.mutation_id is None:
                found = conn.execute(
                    "SELECT next_id FROM next_ids WHERE service = ?", (service,)
                ).fetchone()
                mutation_id = found[0] if found else 1
                conn.execute(
                    "INSERT INTO next_ids (service, next_id) VALUES (?, ?) "
                    "ON CONFLICT (service) DO UPDATE SET next_id = excluded.next_id",
                    (service, mutation_id + 1),
                )
                conn.execute(
                    "UPDATE outbox SET mutation_id = ?, sent_args = ?, sent_at = ? WHERE key = ?",
                    (mutation_id, json.dumps(wire_args, ensure_ascii=False), now(), row.key),
                )
                given.add(row.key)
            fresh = get(conn, row.key)
            assert fresh is not None
            out.append(fresh)
    return out, given


def release_unreceived(conn: sqlite3.Connection, service: str, from_id: int) -> None:
    """The server answered that it counted no id from `from_id` on (a request it refused
    outright, or `out_of_order`): those ids were never received, so the rows holding them are
    unsent again and take ids afresh when next sent. Call inside a transaction.

    Settled rows holding such ids mean the server has lost what it counted (a rebuilt server
    at the same address): their ids will be given again, so done rows go with their
    optimistic rows (the next pull says what the server holds), and refused or conflicting
    rows, kept for the user to see, let go of their id."""
    conn.execute(
        "UPDATE outbox SET mutation_id = NULL, sent_args = NULL, sent_at = NULL "
        "WHERE service = ? AND state = 'pending' AND mutation_id >= ?",
        (service, from_id),
    )
    conn.execute(
        "DELETE FROM local_rows WHERE outbox_key IN (SELECT key FROM outbox "
        "WHERE service = ? AND state = 'done' AND mutation_id >= ?)",
        (service, from_id),
    )
    conn.execute(
        "DELETE FROM outbox WHERE service = ? AND state = 'done' AND mutation_id >= ?",
        (service, from_id),
    )
    conn.execute(
        "UPDATE outbox SET mutation_id = NULL "
        "WHERE service = ? AND state IN ('failed', 'conflict') AND mutation_id >= ?",
        (service, from_id),
    )
    conn.execute(
        "INSERT INTO next_ids (service, next_id) VALUES (?, ?) "
        "ON CONFLICT (service) DO UPDATE SET next_id = excluded.next_id",
        (service, from_id),
    )


# --- settling ----------------------------------------------------------------------------


def settle(conn: sqlite3.Connection, key: int, result: dict[str, Any]) -> None:
    """Apply one server result, inside a transaction: ok/duplicate → done (its optimistic rows
    stay until a pull acknowledges it, and the catalogue's settlement may store what the answer
    names); rejected → failed; conflict → conflict (the optimistic rows go: nothing changed)."""
    from alin_tui import protocol as p
    from alin_tui.store import applicant, records

    row = get(conn, key)
    if row is None or row.state != "pending":
        return
    status = result.get("status")
    if status in ("ok", "duplicate"):
        conn.execute(
            "UPDATE outbox SET state = 'done', result = ? WHERE key = ?",
            (json.dumps(result, ensure_ascii=False), key),
        )
        spec = p.MUTATIONS.get(row.name)
        if spec is not None and spec.settle is not None:
            stored = spec.settle(row.args, result, applicant.shown_values(conn))
            for r in stored:
                records.put(conn, row.service, r.type, r.id, 0, r.value)
            if stored:  # the server's answer replaces the guess
                conn.execute("DELETE FROM local_rows WHERE outbox_key = ?", (key,))
    elif status in ("rejected", "conflict"):
        fail(conn, key, result, state="failed" if status == "rejected" else "conflict")


def fail(
    conn: sqlite3.Connection, key: int, result: dict[str, Any], *, state: str = "failed"
) -> None:
    """The change did not happen: keep the row, visible, with why; drop its optimistic rows."""
    conn.execute(
        "UPDATE outbox SET state = ?, result = ? WHERE key = ?",
        (state, json.dumps(result, ensure_ascii=False), key),
    )
    conn.execute("DELETE FROM local_rows WHERE outbox_key = ?", (key,))


def acknowledge(conn: sqlite3.Connection, service: str, acked: int) -> None:
    """The pulled data includes every mutation up to `acked`: done rows go, and so do the
    optimistic rows of rows still waiting for their (lost) answer. Inside a transaction."""
    conn.execute(
        "DELETE FROM local_rows WHERE outbox_key IN "
        "(SELECT key FROM outbox WHERE service = ? AND mutation_id <= ?)",
        (service, acked),
    )
    conn.execute(
        "DELETE FROM outbox WHERE service = ? AND state = 'done' AND mutation_id <= ?",
        (service, acked),
    )


def delete_unsent(conn: sqlite3.Connection, key: int) -> bool:
    """Delete a queued row never sent (its optimistic rows go with it)."""
    cur = conn.execute(
        "DELETE FROM outbox WHERE key = ? AND mutation_id IS NULL AND state = 'pending'", (key,)
    )
    return cur.rowcount > 0


def dismiss(conn: sqlite3.Connection, key: int) -> None:
    """The user has seen a refusal or settled a conflict: forget the row."""
    conn.execute("DELETE FROM outbox WHERE key = ? AND state IN ('failed', 'conflict')", (key,))
