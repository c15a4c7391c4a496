"""The drop folder: documents left in a folder reach their slot on the national file.

A file is matched to a slot by its name (`domain/classify.py`: the slot id, or the kind of piece
in plain words and a first name), then taken in (`intake.take`: checked, copied, queued in one
transaction), uploaded, attached, and moved to `traités/`; a file that cannot be (not a PDF, JPEG
or PNG, too large, already sent, refused by the server) moves to `refusés/` and the refusal is
logged with its reason. A name that fits no slot, or several, stays where it is, listed « À
classer » in the app, where a person assigns it.

Safe intake, each document exactly once:
- one intake at a time per profile (`intake.lock`, a file lock that a second process waits on,
  then skips; the lock dies with its process);
- a file is claimed by an atomic rename into `.en-cours/` before it is read: two processes can
  never take the same file; a claim whose transaction never committed (a killed process) is put
  back at the next intake;
- a file counts once its size and time have been stable for 2 s (longer when it does not yet end
  the way a finished PDF, JPEG or PNG ends), and it is put back if it changed while claimed;
- temporary and partial names (`*.part`, `*.crdownload`, `~$*`, dotfiles…) are ignored, symlinks
  are never followed (refused), names of any bytes are handled;
- staging copies are removed once attached or refused, and orphans at each intake.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alin_tui.store import outbox, sync_state
from alin_tui.sync import intake as _intake
from alin_tui.sync.intake import DiskFull, Refusal, Refused, shown_name

DONE_DIR, REFUSED_DIR, CLAIM_DIR = "traités", "refusés", ".en-cours"
MAX_SIZE = _intake.MAX_SIZE
SETTLE_SECONDS = 2.0  # unchanged for this long: the writer is done
SETTLE_UNFINISHED = 6.0  # … or this long when the file does not end as a finished one does
LOCK_NAME = "intake.lock"
_IGNORED = re.compile(
    r"^(\.|~\$|~lock\.)|(\.(part|partial|crdownload|download|tmp|temp|swp|opdownload)|~)$",
    re.IGNORECASE,
)


@dataclass
class IntakeReport:
    taken: list[dict[str, Any]] = field(default_factory=list)  # {file, slot_id, before, after}
    refused: list[dict[str, Any]] = field(default_factory=list)  # {file, reason, params}
    unsorted: list[str] = field(default_factory=list)  # names that fit no slot, or several
    unsorted_why: dict[str, str] = field(default_factory=dict)  # name → unknown/ambiguous/replaces
    waiting: list[str] = field(default_factory=list)  # still being written: taken later
    busy: bool = False  # another process was taking files in: left to it
    disk_full: bool = False


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


@dataclass(frozen=True)
class Unsorted:
    """A file waiting in the drop folder for a person to say which piece it is."""

    name: str  # as shown (valid text)
    raw: str  # as on disk (may hold undecodable bytes)
    size: int
    kind: str | None
    candidates: tuple[str, ...]
    replaces: str | None = None  # the piece its name fits, already received or on its way


def ignored(name: str) -> bool:
    return bool(_IGNORED.search(name))


# --- the household's slots, for classifying -------------------------------------------------


def _household(conn: sqlite3.Connection):
    from alin_tui.domain import classify
    from alin_tui.domain.documents import effective_state
    from alin_tui.store import applicant

    shown = applicant.load(conn)
    today = sync_state.server_today(conn)
    on_the_way = {
        r[0]
        for r in conn.execute(
            "SELECT slot_id FROM uploads WHERE state IN ('queued', 'uploading', 'uploaded')"
        )
    }
    slots = []
    for slot in shown.slots():
        state = effective_state(slot.state, slot.valid_until, today)
        lacking = (
            slot.required
            and state in ("missing", "rejected", "expired")
            and slot.slot_id not in on_the_way
        )
        slots.append(classify.Slot(slot.slot_id, slot.person_id, slot.kind, lacking))
    persons = [classify.Person(p.id, p.first_name) for p in shown.person_rules()]
    return slots, persons


def slot_words(conn: sqlite3.Connection, slot_id: str) -> dict[str, str | None]:
    """The kind of a slot and the first name of its person (what a sentence about it needs)."""
    row = conn.execute(
        "SELECT json_extract(d.value, '$.kind'), json_extract(p.value, '$.first_name') "
        "FROM records d LEFT JOIN records p ON p.type = 'person' "
        "AND p.id = json_extract(d.value, '$.person_id') WHERE d.type = 'document' AND d.id = ?",
        (slot_id,),
    ).fetchone()
    return {"kind": row[0] if row else None, "person": row[1] if row else None}


# --- intake ---------------------------------------------------------------------------------


def _lock(staging: Path):
    from filelock import FileLock

    staging.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(staging.parent / LOCK_NAME), mode=0o600)


def intake(
    conn: sqlite3.Connection,
    folder: Path,
    staging: Path,
    *,
    settle: float = SETTLE_SECONDS,
    wait: float = 0.0,
    lighten: bool = True,
) -> IntakeReport:
    """Take in what waits in `folder`. With `wait`, wait that long for another process's intake
    to end and for fresh files to settle (a one-shot run); without, leave them to the next pass."""
    from filelock import Timeout

    report = IntakeReport()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return report
    lock = _lock(staging)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        report.busy = True
        return report
    try:
        recover(conn, folder, staging)
        deadline = time.monotonic() + wait
        while True:
            report.waiting, report.unsorted = [], []  # what still waits, as of the last pass
            _pass(conn, folder, staging, settle, report, lighten)
            if not report.waiting or report.disk_full or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
    finally:
        lock.release()
    return report


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


def _pass(
    conn: sqlite3.Connection,
    folder: Path,
    staging: Path,
    settle: float,
    report: IntakeReport,
    lighten: bool,
) -> None:
    from alin_tui.domain import classify

    slots = None
    queued_here = _queued_in_place(conn)
    for entry in _entries(folder):
        name = entry.name
        if ignored(name) or entry.is_dir(follow_symlinks=False) or entry.path in queued_here:
            continue
        if entry.is_symlink():
            _refuse_in_place(conn, folder, name, Refusal("symlink"), report)
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # gone meanwhile
        if not entry.is_file(follow_symlinks=False):
            continue  # a pipe, a socket: not a document
        age = time.time() - st.st_mtime
        if age < settle:
            report.waiting.append(shown_name(name))
            continue
        if slots is None:
            slots = _household(conn)
            if not slots[0]:
                return  # nothing pulled yet: the slots are not known
        try:
            kind, _ = _intake.check(folder / name)  # not a document: said now, not once sorted
        except Refused as exc:
            _refuse_in_place(conn, folder, name, exc.refusal, report)
            continue
        match = classify.classify(shown_name(name), *slots)
        if match.method == "unknown_slot_id":
            _refuse_in_place(conn, folder, name, Refusal("unknown_slot_id"), report)
            continue
        listed = _listed_unsorted(conn, name, st)
        if (
            match.slot_id is not None
            and match.method != "slot_id"
            and not listed
            and match.slot_id not in {s.slot_id for s in slots[0] if s.lacking}
        ):
            # A plain name that fits a piece already received, accepted or on its way: a
            # person decides (in the app, which asks before replacing), never the name.
            match = _replacing(match)
        if match.slot_id is None and not listed:
            when = _sent_before(conn, folder / name, _could_be(match, slots[0]))
            if when is not None:  # this very file went already for a piece it could be
                _refuse_in_place(conn, folder, name, Refusal("duplicate", {"date": when}), report)
                continue
        if match.slot_id is None or listed:
            # Once shown « à classer », a file waits for a person (or a new name), even if the
            # household's pieces change meanwhile and its name would now fit one slot.
            _note_unsorted(conn, name, st, match)
            report.unsorted.append(shown_name(name))
            report.unsorted_why[shown_name(name)] = _why(match)
            continue
        unfinished = settle > 0 and age < SETTLE_UNFINISHED
        if unfinished and not _intake.looks_complete(folder / name, kind):
            report.waiting.append(shown_name(name))  # not yet ending as a finished file does
            continue
        if _claim_and_take(
            conn, folder, staging, name, st, match.slot_id, match.method, report, lighten
        ):
            slots = None  # that piece is on its way now: no longer lacking for the next file
        if report.disk_full:
            return


def _why(match) -> str:
    """Why a file waits to be sorted: its name says no piece, or fits several, or one there."""
    if match.method == "replaces":
        return "replaces"
    return "ambiguous" if match.kind else "unknown"


def _replacing(match):
    """The match of a name whose piece is already there: left to sort, that piece first."""
    from dataclasses import replace

    return replace(match, slot_id=None, method="replaces", candidates=(match.slot_id,))


def _could_be(match, slots) -> list[str]:
    """The pieces a file's name could be: that person's of that kind when both are named (a
    couple's one tax notice may go to each, by name), every one of the kind when only the kind
    is, any when the name says nothing."""
    if match.kind and match.person_id:
        return [s.slot_id for s in slots if s.kind == match.kind and s.person_id == match.person_id]
    if match.kind:
        return [s.slot_id for s in slots if s.kind == match.kind]
    return [s.slot_id for s in slots]


def _sent_before(conn: sqlite3.Connection, path: Path, slot_ids: list[str]) -> str | None:
    """When this very file was already sent for one of `slot_ids`."""
    try:
        digest = _intake.digest(path)
    except OSError:
        return None
    dates = [d for d in (_intake.already_sent(conn, sid, digest) for sid in slot_ids) if d]
    return max(dates)[:10] if dates else None


def _queued_in_place(conn: sqlite3.Connection) -> set[str]:
    """Dropped files read in place by uploads queued before claims existed: already on their
    way, neither taken again nor listed to sort."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT source FROM uploads WHERE state IN ('queued', 'uploading', 'uploaded')"
        )
    }


def _claim_and_take(
    conn: sqlite3.Connection,
    folder: Path,
    staging: Path,
    name: str,
    st: os.stat_result,
    slot_id: str,
    method: str,
    report: IntakeReport,
    lighten: bool,
) -> bool:
    claim_dir = folder / CLAIM_DIR
    claim_dir.mkdir(mode=0o700, exist_ok=True)
    token = secrets.token_hex(8)
    claimed = claim_dir / f"{token}~{name}"
    try:
        os.rename(folder / name, claimed)
    except FileNotFoundError:
        return False  # taken or removed by someone else
    except OSError:
        report.waiting.append(shown_name(name))
        return False
    now = os.lstat(claimed)
    if (now.st_size, now.st_mtime_ns) != (st.st_size, st.st_mtime_ns):
        _unclaim(claimed, folder, name)  # still being written: later
        report.waiting.append(shown_name(name))
        return False
    try:
        taken = _intake.take(
            conn,
            staging,
            claimed,
            slot_id,
            name=name,
            origin="drop",
            method=method,
            source_path=str(claim_dir / token),
            lighten=lighten,
        )
    except Refused as exc:
        _move(claimed, folder / REFUSED_DIR, name)
        with outbox.durable(conn):
            _intake.log(conn, name, "refused", slot_id=slot_id, refusal=exc.refusal)
        report.refused.append(_refused(name, exc.refusal))
        return False
    except DiskFull:
        _unclaim(claimed, folder, name)
        report.disk_full = True
        return False
    except BaseException:
        _unclaim(claimed, folder, name)
        raise
    report.taken.append(
        {
            "file": shown_name(name),
            "slot_id": slot_id,
            **slot_words(conn, slot_id),
            "before": taken.source_length,
            "after": taken.length,
        }
    )
    return True


def _refused(name: str, refusal: Refusal) -> dict[str, Any]:
    return {"file": shown_name(name), "reason": refusal.reason, "params": refusal.params}


def _refuse_in_place(
    conn: sqlite3.Connection, folder: Path, name: str, refusal: Refusal, report: IntakeReport
) -> None:
    try:
        _move(folder / name, folder / REFUSED_DIR, name)
    except OSError:
        return
    with outbox.durable(conn):
        _intake.log(conn, name, "refused", refusal=refusal)
    report.refused.append(_refused(name, refusal))


def _listed_unsorted(conn: sqlite3.Connection, name: str, st: os.stat_result) -> bool:
    """Whether this version of the file (name, size, time) was already left to sort."""
    return (
        conn.execute(
            "SELECT 1 FROM intake_log WHERE outcome = 'unsorted' AND file = ? "
            "AND json_extract(params, '$.mtime_ns') = ? AND json_extract(params, '$.size') = ?",
            (shown_name(name)[:255], st.st_mtime_ns, st.st_size),
        ).fetchone()
        is not None
    )


def _note_unsorted(conn: sqlite3.Connection, name: str, st: os.stat_result, match) -> None:
    """Log a file left to sort once per version of it (name, size, time)."""
    params = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "kind": match.kind}
    if not _listed_unsorted(conn, name, st):
        with outbox.durable(conn):
            _intake.log(
                conn, name, "unsorted", method=match.method, refusal=Refusal("unsorted", params)
            )


def _move(path: Path, folder: Path, name: str | None = None) -> Path:
    """Move a file (never following a link) into `folder`, under `name` or its own name, with
    « (1) », « (2) »… when that name is taken."""
    folder.mkdir(parents=True, exist_ok=True)
    name = name or path.name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    else:
        suffix = "." + suffix
    target = folder / name
    n = 1
    while os.path.lexists(target):
        target = folder / f"{stem} ({n}){suffix}"
        n += 1
    os.rename(path, target) if _same_device(path, folder) else shutil.move(str(path), target)
    return target


def _same_device(path: Path, folder: Path) -> bool:
    try:
        return os.lstat(path).st_dev == os.stat(folder).st_dev
    except OSError:
        return False


def _unclaim(claimed: Path, folder: Path, name: str) -> None:
    if os.path.lexists(claimed):
        _move(claimed, folder, name)


def _claimed_file(source: str) -> Path | None:
    """The claimed file of an upload: `…/.en-cours/<token>~<name>` for the stored
    `…/.en-cours/<token>`; older rows stored the file itself."""
    path = Path(source)
    if not source:
        return None
    if os.path.lexists(path):
        return path
    try:
        with os.scandir(path.parent) as it:
            for entry in it:
                if entry.name.startswith(path.name + "~"):
                    return Path(entry.path)
    except OSError:
        return None
    return None


def _original_name(claimed: Path) -> str:
    if claimed.parent.name == CLAIM_DIR and "~" in claimed.name:
        return claimed.name.split("~", 1)[1]
    return claimed.name  # an upload queued before claims: the file in the drop folder itself


def _drop_folder_of(claimed: Path) -> Path:
    return claimed.parent.parent if claimed.parent.name == CLAIM_DIR else claimed.parent


def recover(conn: sqlite3.Connection, folder: Path, staging: Path) -> None:
    """After a killed process: claims that never committed go back to the folder; claims of
    settled uploads go where they belong; staging copies nobody needs are removed."""
    rows = {
        Path(source).name: state
        for source, state in conn.execute("SELECT source, state FROM uploads WHERE source != ''")
    }
    claim_dir = folder / CLAIM_DIR
    for entry in _entries(claim_dir):
        token = entry.name.split("~", 1)[0]
        claimed = Path(entry.path)
        state = rows.get(token)
        try:
            if state is None:
                _move(claimed, folder, _original_name(claimed))
            elif state == "attached":
                _move(claimed, folder / DONE_DIR, _original_name(claimed))
            elif state == "refused":
                _move(claimed, folder / REFUSED_DIR, _original_name(claimed))
        except OSError:
            continue
    live = {
        r[0]
        for r in conn.execute(
            "SELECT local_id FROM uploads WHERE state IN ('queued', 'uploading', 'uploaded')"
        )
    }
    for entry in _entries(staging):
        if entry.name.split(".", 1)[0] not in live:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


# --- sorting by hand and attaching from the app ----------------------------------------------


def unsorted(conn: sqlite3.Connection, folder: Path, *, settle: float = SETTLE_SECONDS):
    """The files in the drop folder that fit no slot, or several, or a piece already there:
    « À classer ». Listing them notes them as shown, so that they wait for a person."""
    from alin_tui.domain import classify

    slots, persons = _household(conn)
    if not slots:
        return []
    found = []
    queued_here = _queued_in_place(conn)
    for entry in _entries(folder):
        if ignored(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        if entry.path in queued_here:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if time.time() - st.st_mtime < settle:
            continue
        match = classify.classify(shown_name(entry.name), slots, persons)
        listed = _listed_unsorted(conn, entry.name, st)
        if (
            match.slot_id is not None
            and match.method != "slot_id"
            and match.slot_id not in {s.slot_id for s in slots if s.lacking}
        ):
            match = _replacing(match)
        if (match.slot_id is None or listed) and match.method != "unknown_slot_id":
            likely = (match.slot_id,) if match.slot_id else match.candidates
            lacking = [s.slot_id for s in slots if s.lacking and s.slot_id not in likely]
            likely = likely + tuple(lacking)  # then the pieces still needed, before the rest
            replaces = match.candidates[0] if match.method == "replaces" else None
            if not listed:  # shown « à classer » now: it stays so until a person decides
                _note_unsorted(conn, entry.name, st, match)
            found.append(
                Unsorted(
                    shown_name(entry.name), entry.name, st.st_size, match.kind, likely, replaces
                )
            )
    return found


def assign(
    conn: sqlite3.Connection, folder: Path, staging: Path, raw: str, slot_id: str
) -> IntakeReport:
    """A person said which slot a waiting file is for: take it in for that slot."""
    report = IntakeReport()
    lock = _lock(staging)
    with lock.acquire(timeout=10):
        try:
            st = os.lstat(folder / raw)
        except OSError:
            return report  # gone meanwhile
        _claim_and_take(conn, folder, staging, raw, st, slot_id, "by_hand", report, True)
    return report


def attach_file(conn: sqlite3.Connection, staging: Path, path: Path, slot_id: str):
    """A file chosen in the app for a slot: copied and queued; the user's file stays where it
    is, untouched. Raises `Refused` or `DiskFull`."""
    if path.is_symlink():
        path = path.resolve(strict=True)
    # Under the intake lock: an intake running meanwhile would take the copy being written
    # into staging for an orphan and remove it.
    with _lock(staging).acquire(timeout=30):
        return _intake.take(
            conn, staging, path, slot_id, name=path.name, origin="app", method="app", lighten=True
        )


def remove_queued(conn: sqlite3.Connection, local_id: str) -> bool:
    """Take back a queued upload whose attachment has not been sent: nothing reaches the
    server; a dropped file moves to `refusés/`. False when it is too late (already sent)."""
    row = conn.execute(
        "SELECT source, staged, filename, shown_name, slot_id, state FROM uploads "
        "WHERE local_id = ?",
        (local_id,),
    ).fetchone()
    if row is None or row[5] in ("attached", "refused"):
        return False
    pending = outbox.referencing(conn, "upload", local_id)
    if any(r.mutation_id is not None for r in pending):
        return False
    with outbox.durable(conn):
        for r in pending:
            outbox.delete_unsent(conn, r.key)
        conn.execute(
            "UPDATE uploads SET state = 'refused', error = 'removed', updated_at = ? "
            "WHERE local_id = ?",
            (outbox.now(), local_id),
        )
        _intake.log(
            conn,
            row[3] or row[2],
            "removed",
            slot_id=row[4],
            refusal=Refusal("removed"),
            local_id=local_id,
        )
    _settle_files(row[0], row[1], REFUSED_DIR)
    return True


def _settle_files(source: str, staged: str, where: str) -> None:
    claimed = _claimed_file(source)
    if claimed is not None:
        with contextlib.suppress(OSError):
            _move(claimed, _drop_folder_of(claimed) / where, _original_name(claimed))
    if staged:
        with contextlib.suppress(OSError):
            Path(staged).unlink(missing_ok=True)


# --- the uploads table ----------------------------------------------------------------------

_COLS = "local_id, slot_id, source, staged, filename, sha256, length, location, offset, state"


def unfinished(conn: sqlite3.Connection) -> list[Upload]:
    return [
        Upload(*r)
        for r in conn.execute(
            f"SELECT {_COLS} FROM uploads WHERE state IN ('queued', 'uploading') ORDER BY created_at"
        )
    ]


def set_progress(
    conn: sqlite3.Connection,
    local_id: str,
    location: str,
    offset: int,
    rate: float | None = None,
) -> bool:
    """Record how far an upload went; False when it was taken back meanwhile (stop sending)."""
    cur = conn.execute(
        "UPDATE uploads SET location = ?, offset = ?, state = 'uploading', "
        "rate = coalesce(?, rate), updated_at = ? "
        "WHERE local_id = ? AND state IN ('queued', 'uploading')",
        (location, offset, rate, outbox.now(), local_id),
    )
    return cur.rowcount > 0


def mark_uploaded(conn: sqlite3.Connection, local_id: str) -> None:
    conn.execute(
        "UPDATE uploads SET state = 'uploaded', updated_at = ? "
        "WHERE local_id = ? AND state IN ('queued', 'uploading')",
        (outbox.now(), local_id),
    )


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
    refusal = (
        Refusal(code)
        if code == "lost_copy"
        else Refusal("server", {"code": code, "message": message})
    )
    with outbox.durable(conn):
        conn.execute(
            "UPDATE uploads SET state = 'refused', error = ?, updated_at = ? WHERE local_id = ?",
            (f"{code}: {message}", outbox.now(), up.local_id),
        )
        _intake.log(
            conn, up.filename, "refused", slot_id=up.slot_id, refusal=refusal, local_id=up.local_id
        )
        for row in outbox.referencing(conn, "upload", up.local_id):
            if not outbox.delete_unsent(conn, row.key):
                outbox.fail(conn, row.key, {"status": "rejected", "code": code, "message": message})
    _settle_files(up.source, up.staged, REFUSED_DIR)


def attach_result(conn: sqlite3.Connection, local_id: str, result: dict[str, Any]) -> None:
    """The attachment of this upload was settled: the file moves to `traités/` or `refusés/`,
    and the staging copy goes."""
    row = conn.execute(
        "SELECT source, staged, filename, slot_id FROM uploads WHERE local_id = ?", (local_id,)
    ).fetchone()
    if row is None:
        return
    source, staged, filename, slot_id = row
    if result.get("status") in ("ok", "duplicate"):
        conn.execute(
            "UPDATE uploads SET state = 'attached', updated_at = ? WHERE local_id = ?",
            (outbox.now(), local_id),
        )
        _settle_files(source, staged, DONE_DIR)
    elif result.get("status") == "rejected":
        conn.execute(
            "UPDATE uploads SET state = 'refused', error = ?, updated_at = ? WHERE local_id = ?",
            (f"{result.get('code')}: {result.get('message')}", outbox.now(), local_id),
        )
        refusal = Refusal(
            "server", {"code": result.get("code"), "message": result.get("message") or ""}
        )
        _intake.log(  # the failed attachment itself is « à voir »: said once, not twice
            conn,
            filename,
            "refused",
            slot_id=slot_id,
            refusal=refusal,
            local_id=local_id,
            seen=True,
        )
        _settle_files(source, staged, REFUSED_DIR)


def log_since(conn: sqlite3.Connection, after_id: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    """The intake log after `after_id`, newest last."""
    rows = conn.execute(
        "SELECT id, at, file, outcome, slot_id, method, reason, params, local_id FROM intake_log "
        "WHERE id > ? ORDER BY id DESC LIMIT ?",
        (after_id, limit),
    ).fetchall()
    keys = ("id", "at", "file", "outcome", "slot_id", "method", "reason", "params", "local_id")
    out = [dict(zip(keys, r, strict=True)) for r in reversed(rows)]
    for item in out:
        item["params"] = json.loads(item["params"] or "{}")
    return out


def unseen_refusals(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Files refused and not yet read about: « à voir »."""
    rows = conn.execute(
        "SELECT id, at, file, reason, params, slot_id FROM intake_log "
        "WHERE outcome = 'refused' AND seen = 0 ORDER BY id"
    ).fetchall()
    return [
        {
            "id": r[0],
            "at": r[1],
            "file": r[2],
            "reason": r[3],
            "params": json.loads(r[4] or "{}"),
            "slot_id": r[5],
        }
        for r in rows
    ]


def mark_seen(conn: sqlite3.Connection, event_id: int) -> None:
    with outbox.durable(conn):
        conn.execute("UPDATE intake_log SET seen = 1 WHERE id = ?", (event_id,))
