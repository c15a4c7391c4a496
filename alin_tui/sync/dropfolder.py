"""The drop folder: a file named after a document slot (`pj-…-payslips.pdf`, or
`pj-…-payslips octobre.pdf`) is taken in, uploaded, attached to that slot, then moved to
`traités/`; a file that cannot be (unknown slot, not a PDF/JPEG/PNG, over 10 MiB, refused by the
server) moves to `refusés/` and the refusal is reported. Taking in copies the file and queues the
attachment in one durable transaction, so nothing is lost if the process dies.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alin_tui.store import outbox, records

DONE_DIR, REFUSED_DIR = "traités", "refusés"
MAX_SIZE = 10 * 1024 * 1024
MAGIC = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
SETTLE_SECONDS = 1.0  # a file still being written is taken on the next pass


@dataclass
class IntakeReport:
    taken: list[str] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    waiting: int = 0  # files too fresh (maybe still being written): taken on the next pass


@dataclass(frozen=True)
class Upload:
    local_id: str
    slot_id: str
    source: str
    staged: str
    filename: str
    sha256: str
    length: int
    location: str | None
    offset: int
    state: str


def slot_for(name: str, slot_ids: list[str]) -> str | None:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    for sid in sorted(slot_ids, key=len, reverse=True):
        if stem == sid or stem.startswith((sid + " ", sid + "_", sid + ".")):
            return sid
    return None


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():
        target = folder / f"{path.stem} ({n}){path.suffix}"
        n += 1
    shutil.move(str(path), target)
    return target


def intake(
    conn: sqlite3.Connection, folder: Path, staging: Path, *, settle: float = SETTLE_SECONDS
) -> IntakeReport:
    report = IntakeReport()
    folder.mkdir(parents=True, exist_ok=True)
    slot_ids = [sid for sid, _ in records.values(conn, "document")]
    known = {
        r[0]
        for r in conn.execute(
            "SELECT source FROM uploads WHERE state NOT IN ('attached', 'refused')"
        )
    }
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.name.startswith(".") or str(path) in known:
            continue
        stat = path.stat()
        if time.time() - stat.st_mtime < settle:
            report.waiting += 1
            continue
        if not slot_ids:
            continue  # nothing pulled yet: wait to know the slots
        reason = _refusal(path, stat.st_size, slot_ids)
        if reason:
            _move(path, folder / REFUSED_DIR)
            report.refused.append({"file": path.name, "reason": reason})
            continue
        slot_id = slot_for(path.name, slot_ids)
        local_id = secrets.token_hex(8)
        staging.mkdir(mode=0o700, parents=True, exist_ok=True)  # copies of private papers
        staged = staging / f"{local_id}{path.suffix.lower()}"
        shutil.copyfile(path, staged)
        digest = hashlib.sha256(staged.read_bytes()).hexdigest()
        with outbox.durable(conn):
            conn.execute(
                "INSERT INTO uploads (local_id, slot_id, source, staged, filename, sha256, length, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    local_id,
                    slot_id,
                    str(path),
                    str(staged),
                    path.name[:200],
                    digest,
                    staged.stat().st_size,
                    outbox.now(),
                ),
            )
            outbox.enqueue(
                conn,
                "document.attach",
                {"slot_id": slot_id, "upload_id": outbox.ref("upload", local_id)},
            )
        report.taken.append(path.name)
    return report


def _refusal(path: Path, size: int, slot_ids: list[str]) -> str | None:
    if slot_for(path.name, slot_ids) is None:
        return (
            "pièce inconnue : nommez le fichier par l'identifiant de la pièce "
            "(onglet Pièces justificatives), par exemple « " + slot_ids[0] + ".pdf »"
        )
    if size == 0:
        return "fichier vide"
    if size > MAX_SIZE:
        return "fichier de plus de 10 Mio"
    with open(path, "rb") as f:
        head = f.read(8)
    if not any(head.startswith(m) for m in MAGIC):
        return "seuls les fichiers PDF, JPEG et PNG sont acceptés"
    return None


_COLS = "local_id, slot_id, source, staged, filename, sha256, length, location, offset, state"


def unfinished(conn: sqlite3.Connection) -> list[Upload]:
    return [
        Upload(*r)
        for r in conn.execute(
            f"SELECT {_COLS} FROM uploads WHERE state IN ('queued', 'uploading') ORDER BY created_at"
        )
    ]


def all_uploads(conn: sqlite3.Connection) -> list[Upload]:
    return [Upload(*r) for r in conn.execute(f"SELECT {_COLS} FROM uploads ORDER BY created_at")]


def set_progress(conn: sqlite3.Connection, local_id: str, location: str, offset: int) -> None:
    conn.execute(
        "UPDATE uploads SET location = ?, offset = ?, state = 'uploading' WHERE local_id = ?",
        (location, offset, local_id),
    )


def mark_uploaded(conn: sqlite3.Connection, local_id: str) -> None:
    conn.execute("UPDATE uploads SET state = 'uploaded' WHERE local_id = ?", (local_id,))


def server_upload_id(conn: sqlite3.Connection, local_id: str) -> str | None:
    row = conn.execute(
        "SELECT location, state FROM uploads WHERE local_id = ?", (local_id,)
    ).fetchone()
    if row is None or row[1] not in ("uploaded", "attached") or not row[0]:
        return None
    return str(row[0]).rsplit("/", 1)[1]


def refuse(conn: sqlite3.Connection, up: Upload, code: str, message: str) -> None:
    """The server will not take this file: move it aside; its queued attachment, never sent
    (it waits for the upload), is dropped."""
    source = Path(up.source)
    if source.exists():
        _move(source, source.parent / REFUSED_DIR)
    with outbox.durable(conn):
        conn.execute(
            "UPDATE uploads SET state = 'refused', error = ? WHERE local_id = ?",
            (f"{code}: {message}", up.local_id),
        )
        for row in outbox.referencing(conn, "upload", up.local_id):
            if not outbox.drop_unsent(conn, row.key):
                outbox.fail(conn, row.key, {"status": "rejected", "code": code, "message": message})


def attach_result(conn: sqlite3.Connection, local_id: str, result: dict[str, Any]) -> None:
    """The attachment of this upload was settled: the file moves to `traités/` or `refusés/`."""
    row = conn.execute("SELECT source FROM uploads WHERE local_id = ?", (local_id,)).fetchone()
    if row is None:
        return
    path = Path(row[0])
    if result.get("status") == "ok":
        conn.execute("UPDATE uploads SET state = 'attached' WHERE local_id = ?", (local_id,))
        if path.exists():
            _move(path, path.parent / DONE_DIR)
    elif result.get("status") == "rejected":
        conn.execute(
            "UPDATE uploads SET state = 'refused', error = ? WHERE local_id = ?",
            (f"{result.get('code')}: {result.get('message')}", local_id),
        )
        if path.exists():
            _move(path, path.parent / REFUSED_DIR)
