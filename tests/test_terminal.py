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
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {
        **os.environ,
        "ALIN_DATA_DIR": str(data),
        "TERM": "xterm-256color",
        "COLUMNS": "80",
        "LINES": "24",
    }
    env.pop("ALIN_SERVER", None)
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "alin_tui"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    try:
        while time.monotonic() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    stream.feed(os.read(master, 65536))
                except OSError:
                    break
                if needle in "\n".join(screen.display):
                    return time.monotonic() - start, screen
            assert proc.poll() is None, "\n".join(screen.display)
        raise AssertionError("never saw " + needle + ":\n" + "\n".join(screen.display))
    finally:
        os.write(master, b"\x11")  # ctrl+q
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)
