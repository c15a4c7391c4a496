"""The sync engine, headless: pull both services into the local store, page by page.

Each page is validated in full before anything is written, then applied in one transaction
together with its cursor, so a killed process or a malformed page never leaves half a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from alin_tui import protocol as p
from alin_tui.store import sync_state
from alin_tui.sync.client import BadResponse, Client, CursorReset, NotModified, Offline

SERVICES = ("sne", "alin")
PAGE_SIZE = 500


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class PullReport:
    service: str
    pages: int = 0
    changes: int = 0
    not_modified: bool = False
    restarted: bool = False


@dataclass
class SyncReport:
    pulls: list[PullReport] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(r.changes for r in self.pulls)


class Engine:
    def __init__(self, db, client: Client, *, now: Callable[[], str] = _now) -> None:
        self.db = db  # sqlite_utils.Database
        self.client = client
        self.now = now

    def pull_all(self) -> SyncReport:
        report = SyncReport()
        for service in SERVICES:
            try:
                report.pulls.append(self.pull(service))
            except Exception as exc:  # recorded for the status line, then re-raised
                kind = "offline" if isinstance(exc, Offline) else "error"
                sync_state.set_error(self.db.conn, service, kind, getattr(exc, "message", str(exc)))
                raise
        return report

    def pull(self, service: str) -> PullReport:
        report = PullReport(service)
        cursor = sync_state.get(self.db.conn, service)["cursor"]
        etag = f'"{cursor}"' if cursor else None
        while True:
            try:
                answer = self.client.pull(service, cursor, limit=PAGE_SIZE, etag=etag)
            except CursorReset:
                if cursor is None or report.restarted:
                    raise
                cursor, etag, report.restarted = None, None, True
                continue
            if isinstance(answer, NotModified):
                sync_state.touch(self.db.conn, service, pulled_at=self.now())
                report.not_modified = True
                return report
            changes = [_validated(service, c) for c in answer.changes]
            sync_state.apply_page(
                self.db.conn,
                service,
                cursor=answer.cursor,
                changes=changes,
                server_today=answer.today.isoformat(),
                server_time=answer.server_time.isoformat(),
                pulled_at=self.now(),
                last_mutation_ids=dict(answer.last_mutation_ids),
                reset=cursor is None,
            )
            report.pages += 1
            report.changes += len(changes)
            if not answer.has_more:
                return report
            cursor, etag = answer.cursor, None


def _validated(service: str, change: p.Change) -> tuple[str, str, str, int, dict | None]:
    if p.SERVICE_OF[change.type] != service:
        raise BadResponse(f"Le service {service} a envoyé un {change.type} : page ignorée.")
    if change.op == "del":
        return ("del", change.type, change.id, change.version, None)
    if change.value is None:
        raise BadResponse(f"Changement {change.type} {change.id} sans valeur.")
    try:
        value = p.ENTITY_MODELS[change.type].model_validate(change.value)
    except ValidationError as exc:
        raise BadResponse(
            f"Donnée {change.type} {change.id} invalide ({exc.error_count()} erreur(s)) : "
            "page ignorée."
        ) from exc
    return ("put", change.type, change.id, change.version, value.model_dump(mode="json"))
