"""Offers: typed columns for filtering and paging, a folded text for full-text search."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from alin_tui.domain.search import fold

_COLUMNS = (
    "reference",
    "residence_title",
    "address",
    "commune",
    "postal_code",
    "department",
    "zone",
    "typology",
    "surface_m2",
    "floor",
    "lift",
    "rent_cents",
    "charges_cents",
    "financing",
    "available_on",
    "closes_on",
    "status",
)


def search_text(value: dict[str, Any]) -> str:
    parts = (
        value.get(k) or ""
        for k in ("reference", "residence_title", "address", "commune", "postal_code")
    )
    return fold(" ".join(str(p) for p in parts))


def put(conn: sqlite3.Connection, id_: str, version: int, value: dict[str, Any]) -> None:
    row = [value.get(c) for c in _COLUMNS]
    row[_COLUMNS.index("lift")] = int(bool(value.get("lift")))
    cols = ", ".join(("id", "version", *_COLUMNS, "search_text", "value"))
    marks = ", ".join("?" * (len(_COLUMNS) + 4))
    updates = ", ".join(
        f"{c} = excluded.{c}" for c in ("version", *_COLUMNS, "search_text", "value")
    )
    conn.execute(
        f"INSERT INTO offers ({cols}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}",
        (id_, version, *row, search_text(value), json.dumps(value, ensure_ascii=False)),
    )


def delete(conn: sqlite3.Connection, id_: str) -> None:
    conn.execute("DELETE FROM offers WHERE id = ?", (id_,))


def count(conn: sqlite3.Connection, *, include_closed: bool = False, query: str = "") -> int:
    where, params = _where(include_closed, query)
    return int(conn.execute(f"SELECT count(*) FROM offers o {where}", params).fetchone()[0])


def page(
    conn: sqlite3.Connection,
    *,
    offset: int = 0,
    limit: int = 100,
    include_closed: bool = False,
    query: str = "",
) -> list[dict[str, Any]]:
    """A window of offers, soonest deadline first: the UI never loads the whole list."""
    where, params = _where(include_closed, query)
    rows = conn.execute(
        f"SELECT o.id, o.value FROM offers o {where} ORDER BY o.closes_on, o.id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return [{"id": id_, **json.loads(value)} for id_, value in rows]


def _where(include_closed: bool, query: str) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = []
    params: list[Any] = []
    if not include_closed:
        clauses.append("o.status = 'open'")
    folded = fold(query)
    if folded:
        terms = " ".join(f'"{w}"*' for w in folded.split())
        clauses.append("o.rowid IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH ?)")
        params.append(terms)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", tuple(params)


def get(conn: sqlite3.Connection, id_: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT value FROM offers WHERE id = ?", (id_,)).fetchone()
    return {"id": id_, **json.loads(row[0])} if row else None
