"""The kiosk's files: one private temporary folder per kiosk process, one sub-folder per visit.

A visit (one visitor trying one starting situation) gets a fresh data folder with its own
embedded sandbox, store, token and drop folder; ending the visit (idle timeout, Ctrl+Q, the
operator's menu) deletes it whole, and leaving the kiosk deletes the kiosk folder. A kiosk killed
outright (kill -9, power cut) leaves its folder behind: the next kiosk started on the machine
deletes the folders of kiosks whose process is gone (`sweep_stale`).

Nothing here imports Textual: the command line prepares the folder before the interface starts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import struct
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PREFIX = "alin-tui-kiosk-"
PID_FILE = "kiosk.pid"
EXAMPLES = "exemples"  # inside the visit's drop folder: the file picker's sample documents


@dataclass(frozen=True)
class Situation:
    """One of the three starting situations (DOMAIN.md), the demo account that shows it."""

    number: int
    account: str


# The three starting situations of the April 2021 notice, each with the seeded demo account
# that is in it (sandbox/accounts.py).
SITUATIONS = (Situation(1, "brouillon"), Situation(2, "numero"), Situation(3, "demo"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to judge
        return True
    return True


def sweep_stale(base: Path | None = None) -> list[Path]:
    """Delete the folders of kiosks whose process is gone (killed before it could clean up);
    only this user's folders with a kiosk pid file are touched. Returns what was deleted."""
    base = Path(base or tempfile.gettempdir())
    removed = []
    for folder in base.glob(f"{PREFIX}*"):
        try:
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / PID_FILE).read_text().strip() or "0")
        except (OSError, ValueError):
            continue
        if pid and pid != os.getpid() and not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def wipe(path: Path) -> None:
    """Delete a folder and everything in it, even files made read-only inside."""

    def unlock_and_retry(function: Callable, target: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(target) or ".", 0o700)
            os.chmod(target, 0o700)
        with contextlib.suppress(FileNotFoundError):
            function(target)

    if not path.exists():
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=unlock_and_retry)
    else:
        shutil.rmtree(path, onerror=unlock_and_retry)


class KioskFolder:
    """The kiosk's private temporary folder (mode 0700) and its visits."""

    def __init__(self, base: Path | None = None) -> None:
        sweep_stale(base)
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
        (self.path / PID_FILE).write_text(str(os.getpid()))
        self._visits = 0
        self.visit: Path | None = None

    def new_visit(self) -> Path:
        """A fresh, empty data folder for the next visitor (the previous one is wiped)."""
        self.end_visit()
        self._visits += 1
        self.visit = self.path / f"visite-{self._visits}"
        self.visit.mkdir(mode=0o700)
        return self.visit

    def end_visit(self, visit: Path | None = None) -> None:
        """Wipe the current visit's folder (or `visit`'s, if it is still there)."""
        visit = visit or self.visit
        if visit is not None:
            wipe(visit)
            if visit == self.visit:
                self.visit = None

    def close(self) -> None:
        """Everything the kiosk wrote, gone."""
        self.visit = None
        wipe(self.path)

    def __enter__(self) -> KioskFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def steady_memory() -> bool:
    """Keep a kiosk's memory steady over visits: each visit starts threads (its sandbox, its
    sync loop, workers), and glibc gives each new thread its own malloc arena, freed memory
    staying in it; a long-running kiosk grew by 1–3 MiB a visit until 16 arenas were made. Two
    arenas are plenty for one visitor at a time (measured flat from the sixth visit on,
    benchmarks/kiosk.py). Only on glibc; elsewhere nothing changes. True when applied."""
    import ctypes
    import ctypes.util

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    m_arena_max = -8  # glibc's malloc.h
    return bool(mallopt(m_arena_max, 2))


def end_on_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal, `kill`, a service manager) end the kiosk like the
    operator's Quit, so its folder is deleted; Python's default would end it on the spot."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


@dataclass
class Visit:
    """One visitor's session: where its files are, and its sync session (closed by `Visits`)."""

    situation: Situation
    store_path: Path
    drop_folder: Path
    staging: Path
    examples: Path
    session: object
    root: Path  # the visit's folder, wiped when it ends
    _stack: contextlib.ExitStack


class Visits:
    """Opens and closes visits in the kiosk folder, for the interface (which starts nothing
    itself: only the command line starts the sandbox)."""

    def __init__(self, settings, folder: KioskFolder, t, open_session: Callable) -> None:
        self.settings = settings
        self.folder = folder
        self.t = t
        self.open_session = open_session  # `commands.open_session`: the embedded sandbox
        self._closing = threading.Lock()

    def open(self, number: int) -> Visit:
        """A fresh folder, its store, its embedded sandbox and a session logged in to the
        situation's account, synced once (blocking: run it in a thread). On failure everything
        opened is closed and the folder wiped, and the error raised."""
        from alin_tui import profiles

        situation = next(s for s in SITUATIONS if s.number == number)
        stack = contextlib.ExitStack()
        try:
            root = self.folder.new_visit()
            settings = visit_settings(self.settings, root, situation.account)
            profiles.open_store(settings, self.t).close()  # private and migrated
            session = stack.enter_context(self.open_session(settings))
            session.polling = settings.drop_folder_polling
            examples = drop_examples(settings.drop_folder)
            with contextlib.suppress(Exception):  # the loop retries; the app says what fails
                session.sync()
        except BaseException:
            stack.close()
            self.folder.end_visit()
            raise
        return Visit(
            situation,
            settings.store_path,
            settings.drop_folder,
            settings.staging,
            examples,
            session,
            root,
            stack,
        )

    def close(self, visit: Visit) -> None:
        """The HTTP session, then the embedded sandbox, then every file of the visit. Safe to
        call again, and from two threads at once (a reset under way when the app closes)."""
        with self._closing:
            try:
                visit._stack.close()
            finally:
                self.folder.end_visit(visit.root)


def visit_settings(settings, folder: Path, account: str):
    """The settings of one visit: the demo account on the embedded sandbox, every file in the
    visit's folder."""
    return settings.model_copy(
        update={"data_dir": folder, "profile": "default", "username": account, "server": None}
    )


def drop_examples(drop_folder: Path) -> Path:
    """Sample documents a visitor can attach with the file picker: a small PDF and a PNG, in a
    sub-folder of the drop folder (sub-folders are not taken in on their own)."""
    examples = drop_folder / EXAMPLES
    examples.mkdir(parents=True, exist_ok=True)
    (examples / "avis-d-imposition-exemple.pdf").write_bytes(_pdf("Avis d'imposition - exemple"))
    (examples / "bulletin-de-salaire-exemple.pdf").write_bytes(
        _pdf("Bulletin de salaire - exemple")
    )
    (examples / "piece-d-identite-exemple.png").write_bytes(_png(120, 80))
    return examples


def _pdf(title: str) -> bytes:
    """A one-page PDF with one line of text (Latin-1), its cross-reference table exact."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png(width: int, height: int) -> bytes:
    """A plain light-grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xdd\xdd\xdd" * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
