"""Kiosk visitors one after the other: memory and time of N visits in a row, and the reset.

    python benchmarks/kiosk.py [--visits 10] [--idle 10] [--web]

Terminal: one `alin-tui --kiosk` process in a real pseudo-terminal (100×30), its home and
temporary folder its own. Each visit tries a starting situation (1, 2, 3 in turn), opens the
Offres tab and searches « paris », then ends with Ctrl+Q and Entrée. Printed per visit: the time
from the key to the demo on screen, from the confirmation to the welcome with the visit's files
gone (the reset), and the process's resident memory, threads and open files after the reset. Then
one visit left idle: the time from the last key to the welcome. Finally the operator's keys quit,
and what is left in the temporary folder is counted.

`--web`: the same visits in headless Chromium against `alin-tui web` (each visit a new page, so a
new app process); printed per visit: load to welcome, key to demo, the server's memory and the
app processes still alive once the page is closed. Needs Chromium and Playwright.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import pyte

ADMIN = "ctrl+b ctrl+k"
PREFIX = "alin-tui-kiosk-"


def proc_figures(pid: int) -> tuple[float, int, int]:
    """Resident memory (MiB), threads and open file descriptors of a process (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, threads, fds


def isolated_env(root: Path, idle: int) -> dict[str, str]:
    from alin_tui.devtools.kiosk_env import isolated_env as env_of

    return env_of(root, idle=idle, admin_keys=ADMIN)


class Pty:
    def __init__(self, argv: list[str], env: dict[str, str], cols: int = 100, rows: int = 30):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, timeout: float = 0.02) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            self.raw += chunk
            self.stream.feed(chunk)

    def wait(self, found, timeout: float = 60.0) -> float:
        start = time.perf_counter()
        while not found(self.text):
            if time.perf_counter() - start > timeout:
                raise SystemExit("never happened:\n" + self.text)
            if self.proc.poll() is not None:
                self.pump(0.5)
                tail = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", bytes(self.raw[-6000:]))
                raise SystemExit(
                    f"the kiosk ended ({self.proc.returncode}):\n" + tail.decode("utf-8", "replace")
                )
            self.pump()
        return time.perf_counter() - start

    def type(self, data: bytes) -> None:
        os.write(self.master, data)


def visit_folder_gone(temp: Path) -> bool:
    return all(not list(k.glob("visite-*")) for k in temp.glob(f"{PREFIX}*"))


def terminal(visits: int, idle: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="alin-bench-kiosk-"))
    try:
        env = isolated_env(root, idle)
        temp = Path(env["TMPDIR"])
        started = time.perf_counter()
        term = Pty([sys.executable, "-m", "alin_tui", "--kiosk"], env)
        term.wait(lambda text: "Essayer (3)" in text)
        print(f"kiosk in a terminal: welcome on screen after {time.perf_counter() - started:.2f} s")
        rss0, threads0, fds0 = proc_figures(term.proc.pid)
        print(f"  at the welcome: {rss0:.1f} MiB, {threads0} threads, {fds0} open files")
        print("  visit  situation  key→demo  confirm→welcome+wiped  memory  threads  files")
        opens, resets, memory = [], [], []
        for n in range(visits):
            situation = n % 3 + 1
            start = time.perf_counter()
            term.type(str(situation).encode())
            term.wait(lambda text: "Terminer la visite" in text and "Étape" in text)
            opens.append(time.perf_counter() - start)
            term.type(b"3/paris")
            term.wait(lambda text: "Paris" in text and "/ " in text)
            term.type(b"\x11")
            term.wait(lambda text: "Terminer votre visite" in text)
            start = time.perf_counter()
            term.type(b"\r")
            term.wait(lambda text: "Bienvenue" in text and visit_folder_gone(temp))
            resets.append(time.perf_counter() - start)
            time.sleep(0.3)  # let the closed visit's threads finish before reading the figures
            term.pump()
            rss, threads, fds = proc_figures(term.proc.pid)
            memory.append(rss)
            print(
                f"  {n + 1:>5}  {situation:>9}  {opens[-1]:>6.2f} s  {resets[-1]:>19.2f} s"
                f"  {rss:>5.1f} MiB  {threads:>7}  {fds:>5}"
            )
        print(
            f"  key→demo: median {statistics.median(opens):.2f} s, max {max(opens):.2f} s;"
            f" reset: median {statistics.median(resets):.2f} s, max {max(resets):.2f} s"
        )
        half = max(1, len(memory) // 2)
        print(
            f"  memory after visit 1: {memory[0]:.1f} MiB, after visit {len(memory)}:"
            f" {memory[-1]:.1f} MiB (first half median {statistics.median(memory[:half]):.1f},"
            f" second half median {statistics.median(memory[half:] or memory):.1f})"
        )
        term.type(b"1")
        term.wait(lambda text: "Terminer la visite" in text)
        last_key = time.perf_counter()
        term.wait(lambda text: "Bienvenue" in text and visit_folder_gone(temp), timeout=idle + 60)
        print(
            f"  left idle: welcome and files gone {time.perf_counter() - last_key:.1f} s after"
            f" the last key (idle timeout {idle} s, checked every second)"
        )
        term.type(b"\x02\x0b")
        term.wait(lambda text: "Administration de la borne" in text)
        term.type(b"q")
        code = term.proc.wait(timeout=30)
        left = [str(p.relative_to(temp)) for p in temp.rglob("*")]
        print(f"  quit by the operator: exit {code}, {len(left)} file(s) left in its temp folder")
    finally:
        if "term" in locals() and term.proc.poll() is None:
            term.proc.kill()
        shutil.rmtree(root, ignore_errors=True)


def app_children(server_pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{server_pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:  # a thread that ended while it was read
            continue
    return found


def web(visits: int, idle: int) -> None:
    from playwright.sync_api import sync_playwright

    from alin_tui.devtools.kiosk_env import find_chromium

    chromium = find_chromium()
    if chromium is None:
        print("web: no Chromium on this machine, skipped")
        return
    root = Path(tempfile.mkdtemp(prefix="alin-bench-web-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = isolated_env(root, idle)
    temp = Path(env["TMPDIR"])
    server = subprocess.Popen(
        [sys.executable, "-m", "alin_tui", "web", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    from alin_tui.devtools.kiosk_env import CHROMIUM_FLAGS as flags

    try:
        server.stdout.readline()
        print(f"web (headless Chromium, one new page per visit), server pid {server.pid}:")
        print(f"  server at start: {proc_figures(server.pid)[0]:.1f} MiB")
        print("  visit  load→welcome  key→demo  server memory  app processes after close")
        loads, opens, memory = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                str(root / "browser"), executable_path=chromium, args=flags, headless=True
            )
            for n in range(visits):
                screen = {"s": None}

                def attach(ws, screen=screen):
                    size = re.search(r"width=(\d+)&height=(\d+)", ws.url)
                    s = pyte.Screen(int(size.group(1)), int(size.group(2)))
                    stream = pyte.ByteStream(s)
                    screen["s"] = s
                    ws.on("framereceived", lambda p: stream.feed(p) if isinstance(p, bytes) else 0)

                def text(screen=screen) -> str:
                    return "\n".join(screen["s"].display) if screen["s"] else ""

                def wait(found, page, timeout=60.0):
                    start = time.perf_counter()
                    while not found(text()):
                        if time.perf_counter() - start > timeout:
                            raise SystemExit("never happened:\n" + text())
                        page.wait_for_timeout(20)

                page = browser.new_page()
                page.on("websocket", attach)
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                wait(lambda t: "Essayer (3)" in t, page)
                loads.append(time.perf_counter() - start)
                page.wait_for_function(
                    "document.activeElement?.classList.contains('xterm-helper-textarea')"
                )
                start = time.perf_counter()
                page.keyboard.press(str(n % 3 + 1))
                wait(lambda t: "Terminer la visite" in t and "Étape" in t, page)
                opens.append(time.perf_counter() - start)
                page.close()
                deadline = time.perf_counter() + 20
                while app_children(server.pid) and time.perf_counter() < deadline:
                    time.sleep(0.05)
                rss = proc_figures(server.pid)[0]
                memory.append(rss)
                print(
                    f"  {n + 1:>5}  {loads[-1]:>10.2f} s  {opens[-1]:>6.2f} s"
                    f"  {rss:>9.1f} MiB  {len(app_children(server.pid)):>10}"
                )
            browser.close()
        print(
            f"  load→welcome median {statistics.median(loads):.2f} s; key→demo median"
            f" {statistics.median(opens):.2f} s; server memory {memory[0]:.1f} → {memory[-1]:.1f} MiB"
        )
        left = list(temp.glob(f"{PREFIX}*"))
        print(f"  kiosk folders left in the temp folder: {len(left)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=10)
    parser.add_argument("--idle", type=int, default=10, help="idle timeout, seconds (10 or more)")
    parser.add_argument("--web", action="store_true", help="also in headless Chromium")
    parser.add_argument("--web-only", action="store_true", help="only in headless Chromium")
    args = parser.parse_args()
    if args.web_only:
        web(args.visits, args.idle)
        return
    terminal(args.visits, args.idle)
    if args.web:
        web(args.visits, args.idle)


if __name__ == "__main__":
    main()
