"""Numbered SQL migrations, applied in order, each in one transaction with `PRAGMA user_version`.

Shared by the client store (top-level `migrations/`, shipped in the wheel as
`alin_tui/_migrations`, found by `alin_tui.store.db`) and the sandbox (its own directory). A failing migration rolls back to the
previous version untouched; a database written by a newer version is refused with a clear message.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """The database cannot be brought to this version of the software; message in French."""


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def sql(self) -> str:
        return self.path.read_text("utf-8")


def discover(directory: Path) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.iterdir()):
        m = _NAME.match(path.name)
        if m:
            found.append(Migration(int(m.group(1)), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(versions) + 1)):
        raise MigrationError(f"Migrations non consécutives dans {directory} : {versions}")
    return found


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, directory: Path, *, what: str = "base locale") -> int:
    """Bring `conn` to the latest version in `directory`; return the version reached.

    `conn` must be in autocommit mode (isolation_level=None): each migration is its own explicit
    transaction, so a failure leaves the previous version in place.
    """
    migrations = discover(directory)
    latest = migrations[-1].version if migrations else 0
    version = current_version(conn)
    if version > latest:
        raise MigrationError(
            f"La {what} ({conn_path(conn)}) a été créée par une version plus récente d'alin-tui "
            f"(schéma {version}, celle-ci connaît jusqu'au schéma {latest}). "
            "Mettez alin-tui à jour, ou utilisez un autre dossier de données (--data-dir)."
        )
    for migration in migrations:
        if migration.version <= version:
            continue
        script = (
            "BEGIN IMMEDIATE;\n"
            + migration.sql()
            + f"\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
        )
        try:
            conn.executescript(script)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise MigrationError(
                f"La migration {migration.path.name} de la {what} a échoué ({exc}) ; "
                f"la base reste au schéma {version}, intacte."
            ) from exc
        version = migration.version
    return version


def conn_path(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] or ":memory:"
