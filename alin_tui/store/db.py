"""Open the client's local store: the shared pragmas, then the client migrations (top-level
`migrations/`, shipped in the wheel as `alin_tui/_migrations`). A plain `sqlite3` connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alin_tui.sqlite import MigrationError, migrate, open_connection


def client_migrations_dir() -> Path:
    """`alin_tui/_migrations` in an installed wheel, else the repository's `migrations/`."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_migrations", package.parent / "migrations"):
        if candidate.is_dir():
            return candidate
    raise MigrationError(
        "Les migrations de la base locale sont introuvables : réinstallez alin-tui."
    )


def connect(
    path: Path | str, *, migrations: Path | None = None, what: str = "base locale"
) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the store; a damaged file is refused in words."""
    conn = None
    try:
        conn = open_connection(path)
        migrate(conn, migrations or client_migrations_dir(), what=what)
        if migrations is None:
            _carry_over(conn)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise MigrationError(
            f"La {what} {path} est illisible ({exc}). Rien n'a été effacé : mettez ce fichier "
            "de côté (il peut contenir des envois en attente) et relancez, une nouvelle base "
            "sera créée puis synchronisée."
        ) from exc
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return conn


def _carry_over(conn: sqlite3.Connection) -> None:
    """Queued changes from a version that kept no optimistic rows get theirs written once."""
    flag = conn.execute("SELECT 1 FROM client_meta WHERE key = 'rebuild_local_rows'").fetchone()
    if flag:
        from alin_tui.store import outbox

        outbox.rebuild_local_rows(conn)
