"""The sync engine, headless: uploads, then push, then pull, for both services.

- Push sends the outbox in order, in batches; each result settles its row in one durable
  transaction; a lost answer is harmless (the server replays stored results for known ids).
- Pull pages are validated in full, then applied in one transaction with their cursor; a 410
  restarts from no cursor and keeps the outbox.
- Failures are recorded in `sync_state` (kind, message, failures, next try): the status is read
  from the tables, never from memory. Backoff is full-jitter exponential, Retry-After honoured.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from alin_tui import protocol as p
from alin_tui.faults import fault
from alin_tui.store import outbox, records, sync_state
from alin_tui.sync import dropfolder, refs
from alin_tui.sync.client import (
    BadResponse,
    Client,
    CursorReset,
    NotModified,
    Offline,
    RequestRefused,
    ServerError,
    SyncError,
    Unauthorized,
)

SERVICES = ("sne", "alin")
PAGE_SIZE = 500
MAX_BATCH = 100
MAX_BATCH_BYTES = 200 * 1024
BACKOFF_BASE = 1.0  # seconds: the first retry comes within a second
BACKOFF_CAP = 300.0  # five minutes
IDLE_PULL_INTERVAL = 60.0
CHUNK_MIN, CHUNK_MAX, CHUNK_START = 64 * 1024, 4 * 1024 * 1024, 256 * 1024
CHUNK_TARGET_SECONDS = 2.0


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def backoff_delay(failures: int, rng: Callable[[], float] = random.random) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2^(failures-1))]."""
    if failures <= 0:
        return 0.0
    return rng() * min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (failures - 1))


def next_delay(conn: sqlite3.Connection) -> float:
    """Seconds until the next cycle: the backoff after a failure, else the idle interval (a
    second when something waits in the outbox)."""
    times = [sync_state.get(conn, s).get("next_try_at") for s in SERVICES]
    times = [t for t in times if t]
    if times:
        when = min(dt.datetime.fromisoformat(t) for t in times)
        return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    if outbox.pending(conn):
        return 1.0
    return IDLE_PULL_INTERVAL


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
    pushed: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)  # this run's refusals
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    uploaded: int = 0
    dropped: dropfolder.IntakeReport = field(default_factory=dropfolder.IntakeReport)
    error: SyncError | None = None

    @property
    def changes(self) -> int:
        return sum(r.changes for r in self.pulls)


class Credentials(Protocol):
    """Gives the engine a token, kept apart from what it sends: `ensure` before a cycle (log in
    when there is no token), `renew` after a 401 (log in again; False when it cannot)."""

    def ensure(self) -> None: ...

    def renew(self) -> bool: ...


class TokenOnly:
    """A stored token and nothing to log in with: a 401 stays a 401."""

    def ensure(self) -> None:
        return None

    def renew(self) -> bool:
        return False


class Engine:
    def __init__(
        self,
        db: sqlite3.Connection,
        client: Client,
        *,
        credentials: Credentials | None = None,
        drop_folder: Path | None = None,
        staging: Path | None = None,
        now: Callable[[], str] = _now,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.db = db
        self.client = client
        self.credentials: Credentials = credentials or TokenOnly()
        self.drop_folder = drop_folder
        self.staging = staging
        self.now = now
        self.rng = rng
        self.progress: Callable[[str, int, int], None] | None = None
        self.last_report = SyncReport()
        self._single = False  # after a 4xx on a batch, send one mutation at a time to find it
        self.settle = dropfolder.SETTLE_SECONDS  # a dropped file rests this long before intake
        self.intake_wait = 0.0  # a one-shot run waits this long for fresh files to settle

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db

    # --- the cycle -------------------------------------------------------------------------

    def sync_once(self) -> SyncReport:
        """One attempt at each step. A transport or server failure stops the cycle and is
        recorded with its next try; refusals are results, not failures. A 401 asks the
        credentials for a new token, then the cycle runs once more (the outbox is untouched)."""
        report = self._cycle()
        if isinstance(report.error, Unauthorized) and self._renewed(report):
            report = self._cycle()
        return report

    def _renewed(self, report: SyncReport) -> bool:
        try:
            return self.credentials.renew()
        except SyncError as exc:
            self._record_failure(exc)
            report.error = exc
            return False

    def _cycle(self) -> SyncReport:
        report = self.last_report = SyncReport()
        try:
            self.credentials.ensure()
            if self.drop_folder is not None and self.staging is not None:
                if not records.values(self.conn, "document"):
                    for service in SERVICES:  # the slots must be known to take files in
                        report.pulls.append(self.pull(service))
                report.dropped = dropfolder.intake(
                    self.conn,
                    self.drop_folder,
                    self.staging,
                    settle=self.settle,
                    wait=self.intake_wait,
                )
            report.uploaded = self.upload_all()
            for service in SERVICES:
                self.push(service, report)
            for service in SERVICES:
                report.pulls.append(self.pull(service))
        except (
            Offline,
            ServerError,
            BadResponse,
            Unauthorized,
            RequestRefused,
            CursorReset,
        ) as exc:
            self._record_failure(exc)
            report.error = exc
            return report
        except sqlite3.Error as exc:  # the store cannot write: a full disk, a read-only folder…
            self._record_local_failure(exc)
            raise
        self._record_success()
        return report

    def _record_local_failure(self, exc: sqlite3.Error) -> None:
        """Say in the store that this sync did not finish, so that `status` and the app never
        call it synced; on a full disk that write may fail too, and `status` then sees the disk
        itself (`storage.disk_full`)."""
        from alin_tui.store import storage

        kind = storage.kind_of(exc) or "other"
        try:
            for service in SERVICES:
                sync_state.set_error(self.conn, service, "storage", kind, failures=1)
        except sqlite3.Error:
            storage.mark_failed(self.conn, kind)

    def _record_failure(self, exc: SyncError) -> None:
        kind = "offline" if isinstance(exc, Offline) else "error"
        for service in SERVICES:
            state = sync_state.get(self.conn, service)
            failures = int(state.get("failures") or 0) + 1
            delay = backoff_delay(failures, self.rng)
            if isinstance(exc, ServerError) and exc.retry_after is not None:
                delay = max(delay, exc.retry_after)
            when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)
            sync_state.set_error(
                self.conn,
                service,
                kind,
                exc.message,
                failures=failures,
                next_try_at=when.isoformat(timespec="seconds"),
            )

    def _record_success(self) -> None:
        from alin_tui.store import storage

        for service in SERVICES:
            sync_state.clear_error(self.conn, service)
        storage.clear_failed(self.conn)

    def next_delay(self) -> float:
        return next_delay(self.conn)

    # --- push ------------------------------------------------------------------------------

    def push(self, service: str, report: SyncReport | None = None) -> int:
        """Send the pending rows of a service in order, in batches. Wire ids are given to rows
        when first sent and kept for every replay; ids the server says it never counted (a
        request refused outright, `out_of_order`) are given back and taken afresh."""
        report = report or SyncReport()
        cid = outbox.client_id(self.conn)
        sent_total = 0
        realigned = False
        while True:
            batch = self._batch(service, report)
            if not batch:
                return sent_total
            rows, fresh = outbox.assign_ids(self.conn, service, batch)
            if not rows:  # another process syncing this profile sent and settled them
                continue
            try:
                answer = self.client.push(service, cid, [r.wire() for r in rows])
            except RequestRefused as exc:
                expected = exc.extra.get("expected")
                if exc.code == "out_of_order" and isinstance(expected, int) and not realigned:
                    with outbox.durable(self.conn):
                        outbox.release_unreceived(self.conn, service, expected)
                    realigned = True
                    continue
                if exc.status == 409:
                    raise
                # Refused outright (a 4xx): nothing of it was applied, its new ids were not
                # counted. Then one row at a time, to find the one the server will not take.
                first_fresh = [r.mutation_id for r in rows if r.key in fresh]
                with outbox.durable(self.conn):
                    if first_fresh:
                        outbox.release_unreceived(self.conn, service, int(first_fresh[0] or 0))
                    if len(rows) == 1:
                        failed = {
                            "status": "rejected",
                            "code": exc.code or f"http_{exc.status}",
                            "message": exc.message,
                        }
                        outbox.fail(self.conn, rows[0].key, failed)
                if len(rows) > 1:
                    self._single = True
                else:
                    report.rejected.append(
                        {"service": service, "id": None, "name": rows[0].name, **failed}
                    )
                    self._single = False
                continue
            fault("after_push_answer")
            by_id = {r.mutation_id: r for r in rows}
            with outbox.durable(self.conn):
                for result in answer.results:
                    row = by_id.get(result.id)
                    if row is None:
                        continue
                    value = result.model_dump(exclude_none=True)
                    outbox.settle(self.conn, row.key, value)
                    refs.settled(self.conn, row, value)
                    if result.status == "rejected":
                        report.rejected.append({"service": service, "name": row.name, **value})
                    elif result.status == "conflict":
                        report.conflicts.append({"service": service, "name": row.name, **value})
            sent_total += len(rows)
            report.pushed += len(rows)

    def _batch(self, service: str, report: SyncReport) -> list[tuple[outbox.Row, dict[str, Any]]]:
        """Pending rows in order with their arguments as they go on the wire: as first sent for
        a replay, else with their local references resolved. Stops before a row that cannot go
        yet; a row that never can fails locally and takes no id."""
        batch: list[tuple[outbox.Row, dict[str, Any]]] = []
        size = 0
        for row in outbox.pending(self.conn, service):
            if batch and self._single:
                break
            if row.sent_args is not None:
                wire_args: dict[str, Any] = row.sent_args
            else:
                found = refs.resolve_args(self.conn, row.args)
                if isinstance(found, refs.Hold):
                    break
                if isinstance(found, refs.Never):
                    failed = {"status": "rejected", "code": found.code, "message": found.message}
                    with outbox.durable(self.conn):
                        outbox.fail(self.conn, row.key, failed)
                    report.rejected.append(
                        {"service": service, "id": None, "name": row.name, **failed}
                    )
                    continue
                wire_args = found
            size += len(str(wire_args)) + len(row.name) + 32
            if len(batch) >= MAX_BATCH or (batch and size > MAX_BATCH_BYTES):
                break
            batch.append((row, wire_args))
        return batch

    # --- uploads ---------------------------------------------------------------------------

    def upload_all(self) -> int:
        done = 0
        for up in dropfolder.unfinished(self.conn):
            self._upload(up)
            done += 1
        return done

    def _upload(self, up: dropfolder.Upload) -> None:
        location, offset = up.location, up.offset
        if location is not None:
            try:
                offset = self.client.upload_offset(location)  # resume from the server's offset
            except RequestRefused as exc:
                if exc.status in (404, 410):
                    location, offset = None, 0
                else:
                    raise
        if location is None:
            try:
                location = self.client.upload_create(
                    up.length, {"filename": up.filename, "slot_id": up.slot_id, "sha256": up.sha256}
                )
            except RequestRefused as exc:
                dropfolder.refuse(self.conn, up, exc.code or "refused", exc.message)
                return
            offset = 0
        if not dropfolder.set_progress(self.conn, up.local_id, location, offset):
            return  # taken back by the user meanwhile
        self._report_progress(up, offset)
        chunk_size = CHUNK_START
        try:
            f = open(up.staged, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            dropfolder.refuse(self.conn, up, "lost_copy", "")
            return
        with f:
            while offset < up.length:
                f.seek(offset)
                chunk = f.read(chunk_size)
                started = time.monotonic()
                try:
                    new_offset = self.client.upload_chunk(location, offset, chunk)
                except RequestRefused as exc:
                    if exc.code == "offset_mismatch":
                        offset = self.client.upload_offset(location)
                        continue
                    if exc.code in ("unsupported_file_type", "too_large"):
                        dropfolder.refuse(self.conn, up, exc.code, exc.message)
                        return
                    raise
                elapsed = max(time.monotonic() - started, 1e-3)
                rate = len(chunk) / elapsed
                chunk_size = int(min(CHUNK_MAX, max(CHUNK_MIN, rate * CHUNK_TARGET_SECONDS)))
                offset = new_offset
                if not dropfolder.set_progress(self.conn, up.local_id, location, offset, rate):
                    return  # taken back by the user: the server's unfinished upload expires
                self._report_progress(up, offset)
                fault("mid_upload")
        dropfolder.mark_uploaded(self.conn, up.local_id)

    def _report_progress(self, up: dropfolder.Upload, offset: int) -> None:
        if self.progress is not None:
            self.progress(up.local_id, offset, up.length)

    # --- pull ------------------------------------------------------------------------------

    def pull(self, service: str) -> PullReport:
        report = PullReport(service)
        cursor = sync_state.get(self.conn, service)["cursor"]
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
                sync_state.touch(self.conn, service, pulled_at=self.now())
                report.not_modified = True
                return report
            changes = [_validated(service, c) for c in answer.changes]
            sync_state.apply_page(
                self.conn,
                service,
                cursor=answer.cursor,
                changes=changes,
                server_today=answer.today.isoformat(),
                server_time=answer.server_time.isoformat(),
                pulled_at=None if answer.has_more else self.now(),
                last_mutation_ids=dict(answer.last_mutation_ids),
                reset=cursor is None,
                before_commit=lambda: fault("mid_pull_apply"),
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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
