"""The applicant's records (demand, persons, documents, link, applications) as pulled and stored."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from alin_tui.domain.entities import Demand, Link, Slot


def put(
    conn: sqlite3.Connection,
    service: str,
    type_: str,
    id_: str,
    version: int,
    value: dict[str, Any],
) -> None:
    conn.execute(
        "INSERT INTO records (type, id, service, version, value) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (type, id) DO UPDATE SET service = excluded.service, "
        "version = excluded.version, value = excluded.value",
        (type_, id_, service, version, json.dumps(value, ensure_ascii=False)),
    )


def delete(conn: sqlite3.Connection, type_: str, id_: str) -> None:
    conn.execute("DELETE FROM records WHERE type = ? AND id = ?", (type_, id_))


def values(conn: sqlite3.Connection, type_: str) -> list[tuple[str, dict[str, Any]]]:
    rows = conn.execute(
        "SELECT id, value FROM records WHERE type = ? ORDER BY id", (type_,)
    ).fetchall()
    return [(id_, json.loads(value)) for id_, value in rows]


def demand(conn: sqlite3.Connection) -> Demand | None:
    rows = values(conn, "demand")
    return Demand.from_value(rows[0][1]) if rows else None


def link(conn: sqlite3.Connection) -> Link | None:
    rows = values(conn, "link")
    return Link.from_value(rows[0][1]) if rows else None


def slots(conn: sqlite3.Connection) -> list[Slot]:
    return [Slot.from_value(id_, v) for id_, v in values(conn, "document")]


def values_by_id(conn: sqlite3.Connection, type_: str, id_: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT value FROM records WHERE type = ? AND id = ?", (type_, id_)
    ).fetchone()
    return json.loads(row[0]) if row else None
