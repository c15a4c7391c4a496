"""The sandbox's storage: meta (seed, clock), users and tokens, entities with a change sequence,
mutation counters; and the signed, opaque pull cursors."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alin_tui.store.migrate import migrate

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
    until: int  # upper bound of the paging chain this cursor belongs to (0: none)
    today: str


class SandboxStore:
    """Thread-safe access to the sandbox database: one connection per thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        conn = self._connect()
        migrate(conn, MIGRATIONS, what="base du bac à sable")

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        self._local.conn = conn
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        return conn if conn is not None else self._connect()

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
        start = dt.date.fromisoformat(self.meta("start_day") or dt.date.today().isoformat())
        return start + dt.timedelta(days=int(self.meta("day_offset", "0") or 0))

    def server_time(self) -> dt.datetime:
        """Sandbox time: real time plus the whole days the clock was moved."""
        now = utcnow()
        shift = self.today() - now.date()
        return now + dt.timedelta(days=shift.days)

    # --- users and tokens ------------------------------------------------------------------

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
        row = self.conn.execute(
            "SELECT username, expires_at FROM tokens WHERE token = ?", (token,)
        ).fetchone()
        if row is None:
            return None
        if dt.datetime.fromisoformat(row[1].replace("Z", "+00:00")) <= utcnow():
            return None
        return str(row[0])

    # --- change sequence -------------------------------------------------------------------

    def next_seq(self, conn: sqlite3.Connection) -> int:
        row = conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'seq' RETURNING value"
        ).fetchone()
        return int(row[0])

    def put_entity(
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
        """Insert or replace an entity at a new sequence number; return its new version."""
        if version is None:
            row = conn.execute(
                "SELECT version FROM entities WHERE type = ? AND id = ?", (type_, id_)
            ).fetchone()
            version = (row[0] + 1) if row else 1
        conn.execute(
            "INSERT INTO entities (type, id, service, owner, seq, version, deleted, value) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (type, id) DO UPDATE SET "
            "service = excluded.service, owner = excluded.owner, seq = excluded.seq, "
            "version = excluded.version, deleted = 0, value = excluded.value",
            (
                type_,
                id_,
                service,
                owner,
                self.next_seq(conn),
                version,
                json.dumps(value, ensure_ascii=False),
            ),
        )
        return version

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
