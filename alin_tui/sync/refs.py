"""Local references in queued arguments, resolved when a change is first sent.

A change may be queued before what it names exists on the server: a document attached from a file
not uploaded yet (`upload`), a withdrawal of an application whose creation has not been answered
(`application_of_offer`). Each kind says how to resolve it (the server's id, not yet, or never),
and what to do once the change that holds it is settled. The engine treats every kind alike.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from alin_tui.store import outbox, records
from alin_tui.sync import dropfolder


class Hold:
    """Not yet: the change waits (and so do the changes queued after it)."""


HOLD = Hold()


@dataclass(frozen=True)
class Never:
    """It will never resolve: the change fails locally with this reason, never reaching the
    server (and taking no wire id)."""

    code: str
    message: str


Resolved = str | Hold | Never


def _upload(conn: sqlite3.Connection, local_id: str) -> Resolved:
    upload_id = dropfolder.server_upload_id(conn, local_id)
    return HOLD if upload_id is None else upload_id


def _application_of_offer(conn: sqlite3.Connection, offer_id: str) -> Resolved:
    for app_id, value in records.values(conn, "application"):
        if value.get("offer_id") == offer_id:
            return app_id
    creating = any(
        r.name == "application.create" and r.args.get("offer_id") == offer_id
        for r in outbox.pending(conn, "alin")
    )
    if creating:
        return HOLD
    return Never(
        "application_unknown",
        "La candidature à retirer n'a jamais été créée (sa création a été refusée) : "
        "il n'y a rien à retirer.",
    )


@dataclass(frozen=True)
class Kind:
    resolve: Callable[[sqlite3.Connection, str], Resolved]
    settled: Callable[[sqlite3.Connection, str, dict[str, Any]], None] | None = None


KINDS: dict[str, Kind] = {
    "upload": Kind(_upload, settled=dropfolder.attach_result),
    "application_of_offer": Kind(_application_of_offer),
}


def resolve_args(conn: sqlite3.Connection, args: dict[str, Any]) -> dict[str, Any] | Hold | Never:
    """The arguments as they go on the wire, or why they cannot go (yet)."""
    wire = dict(args)
    for name, kind, local_id in outbox.refs(args):
        found = KINDS[kind].resolve(conn, local_id)
        if isinstance(found, Hold | Never):
            return found
        wire[name] = found
    return wire


def settled(conn: sqlite3.Connection, row: outbox.Row, result: dict[str, Any]) -> None:
    for _, kind, local_id in outbox.refs(row.args):
        hook = KINDS[kind].settled
        if hook is not None:
            hook(conn, local_id, result)
