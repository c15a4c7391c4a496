"""Taking one document in, from the drop folder or from the app: the same checks and the same
single transaction whichever way it came.

`take` checks the file (a PDF, JPEG or PNG by its first bytes, not empty, at most 10 MiB once a
photo is made lighter, not already sent for this slot), copies it into the profile's staging
folder (a photo over 1.5 MB made lighter on the way, the original never modified), then, in one
durable transaction, records the upload, queues `document.attach` and logs the intake. A failure
at any step leaves no copy behind and nothing queued. Reasons are keys with parameters
(`Refusal`), put into words by whoever shows them, in the reader's language.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alin_tui.store import outbox

MAX_SIZE = 10 * 1024 * 1024  # the server's limit (PROTOCOL.md §5)
MAGIC = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}
SUFFIX = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}


@dataclass(frozen=True)
class Refusal:
    """Why a file was not taken in: a stable key (`empty`, `too_large`, `bad_type`,
    `duplicate`, `unknown_slot_id`, `symlink`, `unreadable`, `disk_full`, `server`, `removed`,
    `unknown_slot`) and what the sentence needs (`size`, `date`, `message`…)."""

    reason: str
    params: dict[str, Any] = field(default_factory=dict)


class Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


class DiskFull(Exception):
    """No room left to copy the document: nothing was taken, the original stays where it is."""


@dataclass(frozen=True)
class Taken:
    local_id: str
    slot_id: str
    name: str
    length: int  # bytes to send
    source_length: int  # bytes of the original
    lightened: bool


def shown_name(name: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (kept by Python as surrogates)
    become U+FFFD, so a name of any bytes can be stored, logged and shown."""
    raw = os.fsencode(name) if isinstance(name, str) else name
    return raw.decode("utf-8", "replace").replace("\x00", "\ufffd")


def sniff(head: bytes) -> str | None:
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def looks_complete(path: Path, kind: str) -> bool:
    """Whether the file ends the way a finished file of its type does (a PDF's `%%EOF`, a
    JPEG's end marker, a PNG's `IEND` chunk). A file still being written usually does not; the
    drop folder waits longer for such a file before taking it."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 1024))
            tail = f.read()
    except OSError:
        return False
    if kind == "pdf":
        return b"%%EOF" in tail
    if kind == "jpeg":
        return tail.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
    if kind == "png":
        return b"IEND" in tail[-16:]
    return False


def check(path: Path) -> tuple[str, int]:
    """The file's type and size, or `Refused` (empty, not PDF/JPEG/PNG, unreadable). The size
    limit is checked after a photo is made lighter."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise Refused(Refusal("unreadable", {"error": exc.strerror or ""})) from exc
    if size == 0:
        raise Refused(Refusal("empty"))
    kind = sniff(head)
    if kind is None:
        raise Refused(Refusal("bad_type"))
    return kind, size


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def already_sent(conn: sqlite3.Connection, slot_id: str, source_sha256: str) -> str | None:
    """When this very file (same digest) was already queued or sent for this slot, the date.
    A file attached once and since removed (the piece is missing again, or its removal queued)
    may be sent again: putting back what was taken off by mistake."""
    from alin_tui.store import applicant

    states = ("queued", "uploading", "uploaded", "attached")
    document = applicant.load(conn).documents.get(slot_id) or {}
    if document.get("state") == "missing":
        states = ("queued", "uploading", "uploaded")
    marks = ", ".join("?" * len(states))
    row = conn.execute(
        "SELECT created_at FROM uploads WHERE slot_id = ? AND source_sha256 = ? "  # noqa: S608
        f"AND state IN ({marks}) ORDER BY created_at DESC LIMIT 1",
        (slot_id, source_sha256, *states),
    ).fetchone()
    return None if row is None else str(row[0])


def log(
    conn: sqlite3.Connection,
    name: str,
    outcome: str,
    *,
    slot_id: str | None = None,
    method: str | None = None,
    refusal: Refusal | None = None,
    local_id: str | None = None,
    seen: bool | None = None,
) -> None:
    """One line of the intake log. A refusal is unseen (« à voir ») until the user reads it;
    anything else is seen at once."""
    if seen is None:
        seen = outcome != "refused"
    conn.execute(
        "INSERT INTO intake_log (at, file, outcome, slot_id, method, reason, params, local_id, "
        "seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            outbox.now(),
            shown_name(name)[:255],
            outcome,
            slot_id,
            method,
            refusal.reason if refusal else None,
            json.dumps(refusal.params if refusal else {}, ensure_ascii=False),
            local_id,
            int(seen),
        ),
    )


def _copy(src: Path, dest: Path) -> None:
    """Copy through a temporary name, synced, then renamed: a crash or a full disk never leaves
    a partial copy under the final name, and the temporary one is removed on failure."""
    tmp = dest.with_name(dest.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, open(src, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def take(
    conn: sqlite3.Connection,
    staging: Path,
    source: Path,
    slot_id: str,
    *,
    name: str,
    origin: str,
    method: str,
    source_path: str | None = None,
    lighten: bool = True,
) -> Taken:
    """Copy `source` into staging and queue its attachment to `slot_id`, in one transaction.
    `source_path` is what is stored as the file to move once attached (None: the original is
    the user's, left where it is). Raises `Refused` (nothing queued, nothing copied) or
    `DiskFull`."""
    kind, size = check(source)
    try:
        source_sha = digest(source)
    except OSError as exc:
        raise Refused(Refusal("unreadable", {"error": exc.strerror or ""})) from exc
    when = already_sent(conn, slot_id, source_sha)
    if when is not None:
        raise Refused(Refusal("duplicate", {"date": when[:10]}))
    staging.mkdir(mode=0o700, parents=True, exist_ok=True)  # copies of private papers
    local_id = secrets.token_hex(8)
    staged = staging / f"{local_id}{SUFFIX[kind]}"
    lightened = None
    try:
        if lighten and kind in ("jpeg", "png"):
            from alin_tui.sync import photos

            lightened = photos.lighten(source, staging / f"{local_id}.jpg")
            if lightened is not None:
                staged = lightened.path
        if lightened is None:
            if size > MAX_SIZE:
                raise Refused(Refusal("too_large", {"size": size}))
            _copy(source, staged)
        length = staged.stat().st_size
        if length > MAX_SIZE:
            raise Refused(Refusal("too_large", {"size": size}))
        staged_sha = source_sha if lightened is None else digest(staged)
        shown = shown_name(name)
        if lightened is not None:
            shown = str(Path(shown).with_suffix(".jpg"))
        with outbox.durable(conn):
            conn.execute(
                "INSERT INTO uploads (local_id, slot_id, source, staged, filename, sha256, length, "
                "created_at, origin, source_sha256, source_length, updated_at, shown_name) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    local_id,
                    slot_id,
                    source_path or "",
                    str(staged),
                    shown[:200],
                    staged_sha,
                    length,
                    outbox.now(),
                    origin,
                    source_sha,
                    size,
                    outbox.now(),
                    shown_name(name)[:255],
                ),
            )
            outbox.enqueue(
                conn,
                "document.attach",
                {"slot_id": slot_id, "upload_id": outbox.ref("upload", local_id)},
            )
            log(conn, name, "taken", slot_id=slot_id, method=method, local_id=local_id)
    except OSError as exc:
        _discard(staging, local_id)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(str(exc)) from exc
        raise Refused(Refusal("unreadable", {"error": exc.strerror or ""})) from exc
    except sqlite3.OperationalError as exc:
        _discard(staging, local_id)
        if "full" in str(exc).lower():
            raise DiskFull(str(exc)) from exc
        raise
    except BaseException:
        _discard(staging, local_id)
        raise
    return Taken(local_id, slot_id, shown_name(name), length, size, lightened is not None)


def _discard(staging: Path, local_id: str) -> None:
    for leftover in staging.glob(f"{local_id}*"):
        leftover.unlink(missing_ok=True)
