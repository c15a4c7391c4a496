"""The sandbox's storage: meta (seed, clock), users and tokens, entities with a change sequence and
the versions they replaced, mutation counters; and the signed, opaque pull cursors."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alin_tui.sqlite import MigrationError, migrate, open_connection, transaction

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
TOKEN_LIFETIME = dt.timedelta(hours=24)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Cursor:
    service: str
    seq: int
    until: int  # upper bound (snapshot) of the paging chain this cursor belongs to; 0: none
    today: str


@dataclass(frozen=True)
class Entity:
    type: str
    id: str
    service: str
    owner: str | None
    seq: int
    version: int
    deleted: bool
    value: dict[str, Any]


class SandboxStore:
    """Thread-safe access to the sandbox database: one connection per thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        # Writers queue here rather than in SQLite's busy handler, whose growing sleeps make
        # the latency tail long under concurrent pushes (one process serves the sandbox).
        self._write_lock = threading.Lock()
        try:
            migrate(self.conn, MIGRATIONS, what="base du bac à sable")
        except sqlite3.DatabaseError as exc:
            raise MigrationError(
                f"La base du bac à sable {self.path} est illisible ({exc}) : "
                "mettez-la de côté ou choisissez-en une autre (--db)."
            ) from exc

    def _connect(self) -> sqlite3.Connection:
        # NORMAL in WAL mode: a commit survives the process being killed (what the crash tests
        # play); only an OS crash could lose the last commits, acceptable for a sandbox.
        conn = open_connection(self.path, busy_timeout_ms=30000)
        self._local.conn = conn
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        return conn if conn is not None else self._connect()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): committed on success, rolled back otherwise."""
        conn = self.conn
        with self._write_lock, transaction(conn):
            yield conn

    # --- meta and clock --------------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: Any, conn: sqlite3.Connection | None = None) -> None:
        (conn or self.conn).execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    def is_seeded(self) -> bool:
        return self.meta("seed") is not None

    def today(self) -> dt.date:
        """Real date (UTC) plus the stored shift in whole days."""
        return utcnow().date() + dt.timedelta(days=int(self.meta("shift_days", "0") or 0))

    def server_time(self) -> dt.datetime:
        """Sandbox time: real time plus the whole days of the shift."""
        return utcnow() + dt.timedelta(days=int(self.meta("shift_days", "0") or 0))

    # --- users and tokens ------------------------------------------------------------------

    def user_exists(self, username: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone()
        return row is not None

    def check_password(self, username: str, password: str) -> bool:
        row = self.conn.execute(
            "SELECT password FROM users WHERE username = ?", (username,)
        ).fetchone()
        return row is not None and hmac.compare_digest(row[0], password)

    def issue_token(self, username: str) -> tuple[str, dt.datetime]:
        token = secrets.token_urlsafe(32)
        expires = utcnow() + TOKEN_LIFETIME
        self.conn.execute(
            "INSERT INTO tokens (token, username, expires_at) VALUES (?, ?, ?)",
            (token, username, rfc3339(expires)),
        )
        return token, expires

    def user_for_token(self, token: str) -> str | None:
        if not token:
            return None
        row = self.conn.execute(
            "SELECT username, expires_at FROM tokens WHERE token = ?", (token,)
        ).fetchone()
        if row is None:
            return None
        if dt.datetime.fromisoformat(row[1].replace("Z", "+00:00")) <= utcnow():
            return None
        return str(row[0])

    # --- entities --------------------------------------------------------------------------

    def next_seq(self, conn: sqlite3.Connection) -> int:
        row = conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'seq' RETURNING value"
        ).fetchone()
        return int(row[0])

    def get(self, conn: sqlite3.Connection, type_: str, id_: str) -> Entity | None:
        row = conn.execute(
            "SELECT type, id, service, owner, seq, version, deleted, value FROM entities "
            "WHERE type = ? AND id = ?",
            (type_, id_),
        ).fetchone()
        return _entity(row) if row else None

    def owned(self, conn: sqlite3.Connection, owner: str, type_: str) -> list[Entity]:
        rows = conn.execute(
            "SELECT type, id, service, owner, seq, version, deleted, value FROM entities "
            "WHERE owner = ? AND type = ? AND deleted = 0 ORDER BY id",
            (owner, type_),
        ).fetchall()
        return [_entity(r) for r in rows]

    def put(
        self,
        conn: sqlite3.Connection,
        *,
        type_: str,
        id_: str,
        service: str,
        owner: str | None,
        value: dict[str, Any],
        version: int | None = None,
    ) -> int:
        """Write an entity at a new sequence number, keeping the replaced version in history.
        Returns the new version (previous + 1 unless given)."""
        old = conn.execute(
            "SELECT seq, version, deleted, value, service, owner FROM entities "
            "WHERE type = ? AND id = ?",
            (type_, id_),
        ).fetchone()
        seq = self.next_seq(conn)
        if old is not None:
            conn.execute(
                "INSERT INTO history (seq, superseded_by, type, id, service, owner, version, "
                "deleted, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (old[0], seq, type_, id_, old[4], old[5], old[1], old[2], old[3]),
            )
        if version is None:
            version = (old[1] + 1) if old else 1
        conn.execute(
            "INSERT INTO entities (type, id, service, owner, seq, version, deleted, value) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (type, id) DO UPDATE SET "
            "service = excluded.service, owner = excluded.owner, seq = excluded.seq, "
            "version = excluded.version, deleted = 0, value = excluded.value",
            (type_, id_, service, owner, seq, version, json.dumps(value, ensure_ascii=False)),
        )
        return version

    def update(
        self,
        conn: sqlite3.Connection,
        entity: Entity,
        value: dict[str, Any],
        version: int | None = None,
    ) -> int:
        """A new version of an existing entity (same type, id, service, owner)."""
        return self.put(
            conn,
            type_=entity.type,
            id_=entity.id,
            service=entity.service,
            owner=entity.owner,
            value=value,
            version=version,
        )

    # --- cursors ---------------------------------------------------------------------------

    def _mac(self, payload: str) -> str:
        key = (self.meta("cursor_key") or "").encode()
        digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def encode_cursor(self, cursor: Cursor) -> str:
        payload = f"{cursor.service}.{cursor.seq}.{cursor.until}.{cursor.today}"
        return f"{payload}.{self._mac(payload)}"

    def decode_cursor(self, text: str) -> Cursor | None:
        """The cursor if this server issued it since its last reset, else None."""
        parts = text.split(".")
        if len(parts) != 5:
            return None
        payload = ".".join(parts[:4])
        if not hmac.compare_digest(self._mac(payload), parts[4]):
            return None
        try:
            return Cursor(parts[0], int(parts[1]), int(parts[2]), parts[3])
        except ValueError:
            return None


def _entity(row: tuple) -> Entity:
    return Entity(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), json.loads(row[7]))
