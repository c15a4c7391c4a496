"""`alin-tui` in a real pseudo-terminal at 80×24: the four tabs and the demo data, quickly."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte

from alin_tui.domain import nur
from alin_tui.store import records
from alin_tui.store.db import connect


def test_alin_tui_shows_the_four_tabs_and_the_demo_nur_within_3_seconds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # First run builds the sandbox database; the measured run is a normal start.
    _run_until(data, "Dossier", timeout=30)
    elapsed, screen = _run_until(data, "Synchronisé à", timeout=30)
    store = connect(data / "profiles" / "default" / "store.db")
    shown = nur.display(records.demand(store).nur)
    text = "\n".join(screen.display)
    for label in ("Ma demande", "Pièces justificatives", "Offres", "Mes candidatures", shown):
        assert label in text, text
    assert elapsed < 3.0, f"{elapsed:.2f} s"


def _run_until(data: Path, needle: str, *, timeout: float) -> tuple[float, pyte.Screen]:
    start = time.monotonic()
    term = Terminal(data)
    try:
        term.wait_for(lambda text: needle in text, timeout)
        return time.monotonic() - start, term.screen
    finally:
        term.close()


class Terminal:
    """`alin-tui` in a real pseudo-terminal, its output read into a pyte screen."""

    def __init__(
        self,
        data: Path,
        *,
        columns: int = 80,
        lines: int = 24,
        server: str | None = None,
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.raw = b""  # every byte the app wrote, for what must never reach a terminal
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        extra = env or {}
        env = {
            **os.environ,
            "ALIN_DATA_DIR": str(data),
            "TERM": "xterm-256color",
            "COLUMNS": str(columns),
            "LINES": str(lines),
            **extra,
        }
        env.pop("ALIN_SERVER", None)
        if server:
            env["ALIN_SERVER"] = server
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "alin_tui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, found, timeout: float = 30) -> str:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                chunk = os.read(self.master, 65536)
                self.raw += chunk
                self.stream.feed(chunk)
            if found(self.text):
                return self.text
            assert self.proc.poll() is None, self.text
        raise AssertionError("never happened:\n" + self.text)

    def type(self, data: bytes) -> None:
        os.write(self.master, data)  # one write: the keys arrive together, as from a fast typist

    def close(self) -> None:
        os.write(self.master, b"\x11")
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def test_offres_at_80x24_shows_rents_and_keys_typed_together_land_where_they_should(
    tmp_path: Path,
) -> None:
    import re

    term = Terminal(tmp_path / "data")
    try:
        term.wait_for(lambda text: "Synchronisé à" in text)
        term.type(b"3")
        text = term.wait_for(
            lambda text: "Reste" in text and re.search(r"\d,\d\d\s€", text) is not None
        )
        header = next(line for line in text.splitlines() if "Commune" in line)
        assert "Loyer + ch." in header and "Plafond" in header and "Reste" in header
        term.type(b"/evry")

        def rows(text: str) -> list[str]:
            return [line for line in text.splitlines() if re.search(r"\d,\d\d\s€", line)]

        text = term.wait_for(
            lambda text: "evry" in text and rows(text) and all("Évry" in r for r in rows(text))
        )
        assert text.splitlines()[3].strip() == "evry"  # the field holds every key, in order
        term.type(b"\x1b2")  # Esc then 2, arriving in one read
        text = term.wait_for(lambda text: "Personne" in text)
        assert "™" not in text and "evry2" not in text
        # Esc then punctuation or a letter the terminal would read as a word move, in one read
        term.type(b"3/lyon\x1b?")
        text = term.wait_for(lambda text: "Aide : les touches" in text)
        assert "lyon?" not in text
        term.type(b"\x1b/")  # Esc closes the help, / goes back to the search, nothing lost
        term.wait_for(lambda text: "Aide : les touches" not in text)
        term.type(b"paris\x1bf")  # Esc then f: the filters, not a move to the next word
        text = term.wait_for(lambda text: "Filtres" in text)
        assert "parisf" not in text
        term.type(b"\x1b/nice\x1b2\x1b[B")  # Esc, a key, then an arrow, in one read
        text = term.wait_for(lambda text: "Personne" in text)
        assert "^2" not in text and "nice2" not in text
    finally:
        term.close()


def _row(text: str, who: str, what: str) -> str:
    """The checklist line of a person's piece, or "" while it is not on screen."""
    return next((line for line in text.splitlines() if who in line and what in line), "")


def test_a_document_attached_and_one_dropped_at_80x24(tmp_path: Path) -> None:
    """Pièces in a real terminal: `a`, a path and Entrée written in one go attach the file; a
    payslip dropped under a plain name with a first name lands in its row, without a restart."""
    scan = tmp_path / "scans" / "avis d'imposition.pdf"
    scan.parent.mkdir()
    scan.write_bytes(b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 50 + b"%%EOF\n")
    term = Terminal(tmp_path / "data")
    try:
        term.wait_for(lambda text: "Synchronisé à" in text)
        term.type(b"2")
        term.wait_for(lambda text: "Motif ou validité" in text)
        # The cursor on Nadia's tax notice: the sixth row (Amina ×4, Nadia's identity, …).
        term.type(b"\x1b[B" * 5)
        time.sleep(0.3)
        term.type(b"a" + str(scan).encode() + b"\r")
        text = term.wait_for(lambda text: "reçue" in _row(text, "Nadia", "Avis d'impôt"))
        assert "introuvable" not in text
        drop = tmp_path / "data" / "profiles" / "default" / "dépôt"
        (drop / "fiche de paie Amina.pdf").write_bytes(
            b"%PDF-1.4\n" + b"2 0 obj << >> endobj\n" * 50 + b"%%EOF\n"
        )
        term.wait_for(lambda text: "reçue" in _row(text, "Amina", "Bulletins"), timeout=30)
    finally:
        term.close()


def _command_on_a_terminal(data: Path, *args: str, columns: int = 80, code: int = 0) -> list[str]:
    """A command's output as an 80-column terminal shows it (a real pseudo-terminal)."""
    screen = pyte.Screen(columns, 200)
    stream = pyte.ByteStream(screen)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 200, columns, 0, 0))
    env = {**os.environ, "ALIN_DATA_DIR": str(data), "TERM": "xterm-256color"}
    env.pop("ALIN_SERVER", None)
    env.pop("COLUMNS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "alin_tui", *args], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        stream.feed(chunk.replace(b"\n", b"\r\n"))
    os.close(master)
    assert proc.wait(timeout=30) == code
    return [line.rstrip() for line in screen.display if line.strip()]


def test_status_and_search_wrap_at_words_on_an_80_column_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "alin_tui", "sync", "--once"],
        env={
            **{k: v for k, v in os.environ.items() if k != "ALIN_SERVER"},
            "ALIN_DATA_DIR": str(data),
        },
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = _command_on_a_terminal(data, "status")
    text = "\n".join(lines)
    folder = {i for i, line in enumerate(lines) if "/" in line or "dépôt" in line}  # one word
    assert all(len(line) < 80 for i, line in enumerate(lines) if i not in folder), text
    step = next(i for i, line in enumerate(lines) if "Prochaine étape" in line)
    column = lines[step].index("Déposer")
    assert lines[step + 1].startswith(" " * column) and lines[step + 1][column] != " ", text
    refused = next(i for i, line in enumerate(lines) if "refusée (motif" in line)
    held = lines[refused + 1].strip().replace("\xa0", " ")
    assert held.startswith("« illisible »"), text  # the quote holds its word
    offers = _command_on_a_terminal(data, "offers", "search", "lyon", "--limit", "5")
    note = next(i for i, line in enumerate(offers) if line.startswith("Les 5 premières"))
    assert "--limit 10" in " ".join(offers[note:])  # the cut said (stderr, on the same terminal)
    offers = offers[:note]
    assert offers and not any(line.startswith("of-") for line in offers)  # references, no ids
    for line in offers:
        assert len(line) < 80
        assert line.startswith("AL") or line.startswith(" " * 18), "\n".join(offers)
    # every message, errors included: at words, never « …créez-le : alin-t / ui --data-dir »
    said = _command_on_a_terminal(data, "--profile", "inconnu", "status", code=1)
    words = " ".join(said).split()
    assert "alin-tui" in words and "--data-dir" in words and "inconnu" in " ".join(words), said
    assert all(len(line) < 80 for line in said if "/" not in line), said
    usage = _command_on_a_terminal(data, "offers", "search", "x", "--typology", "T9", code=1)
    assert "(types" in " ".join(usage).split() and all(len(line) < 80 for line in usage), usage
