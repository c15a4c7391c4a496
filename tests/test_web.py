"""`alin-tui web` end to end, in headless Chromium (Debian's `chromium`, driven by Playwright).

The server runs as a real process on loopback; the browser loads the page, and what the app sends
over the page's WebSocket is also fed to a pyte screen, so the test reads the same terminal text
the browser draws (xterm.js draws on a canvas). The screenshot lands in `screenshots/`.

Skipped, with the reason, only where no Chromium or no Playwright can be had; `.ci/run` installs
Debian's `chromium` when it is missing.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyte
import pytest

from alin_tui.devtools.kiosk_env import CHROMIUM_FLAGS, find_chromium, isolated_env

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
IDLE = 10  # seconds: the shortest idle timeout the settings accept


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listing(*roots: Path) -> set[str]:
    return {str(p) for root in roots for p in [root, *root.rglob("*")]}


class BrowserScreen:
    """The terminal of the page, rebuilt from the bytes the app sent over the WebSocket."""

    def __init__(self) -> None:
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None
        self.sockets = 0

    def attach(self, websocket) -> None:
        size = re.search(r"width=(\d+)&height=(\d+)", websocket.url)
        columns, lines = (int(size.group(1)), int(size.group(2))) if size else (80, 24)
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.sockets += 1
        websocket.on("framereceived", self.feed)

    def feed(self, payload) -> None:
        if isinstance(payload, bytes) and self.stream is not None:
            self.stream.feed(payload)

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen else ""


def _wait_for(page, screen: BrowserScreen, found, timeout: float = 30.0) -> None:
    start = time.monotonic()
    while not found(screen.text):
        assert time.monotonic() - start < timeout, "never happened:\n" + screen.text
        page.wait_for_timeout(100)


@pytest.fixture
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright is not installed (pip install '.[test]')")
    return path


@pytest.fixture
def web_server(tmp_path: Path):
    """`alin-tui web` in its own process, with a home, a temporary folder and a working folder of
    its own, so that what it writes can be listed."""
    home, temp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    env = isolated_env(tmp_path, idle=IDLE)  # no operator's keys: a browser visitor leaves
    work.mkdir()
    before = _listing(home, temp, work)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "alin_tui", "web", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}" in line, line + server.stdout.read()
        yield f"http://127.0.0.1:{port}/", (home, temp, work), before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_the_kiosk_in_headless_chromium_shows_the_demo_resets_and_leaves_no_file(
    chromium: str, web_server, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    url, roots, before = web_server
    temp = roots[1]
    screen = BrowserScreen()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "browser-profile"),  # a fresh, empty profile
            executable_path=chromium,
            args=CHROMIUM_FLAGS,
            headless=True,
            viewport={"width": 1000, "height": 640},
        )
        try:
            page = browser.new_page()
            page.on("websocket", screen.attach)
            page.goto(url)
            assert page.title() == "alin-tui · démonstration"
            _wait_for(page, screen, lambda text: "Essayer (3)" in text)
            kiosk_folders = list(temp.glob("alin-tui-kiosk-*"))
            assert len(kiosk_folders) == 1  # the session's own process and folder
            # No click first: the page gives the terminal the keys.
            page.wait_for_function(
                "document.activeElement?.classList.contains('xterm-helper-textarea')"
            )
            page.keyboard.press("3")
            _wait_for(page, screen, lambda text: "Dossier incomplet" in text)
            page.keyboard.press("2")
            _wait_for(page, screen, lambda text: "Bulletins de salaire" in text)
            page.keyboard.press("3")
            page.keyboard.type("/lyon")
            _wait_for(page, screen, lambda text: "Lyon" in text and "/ " in text)
            page.wait_for_timeout(300)
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "8-web-offres-chromium.png"))
            # The visitor walks away: the welcome comes back and the visit's files go.
            start = time.monotonic()
            _wait_for(page, screen, lambda text: "Bienvenue" in text, timeout=IDLE + 15)
            assert time.monotonic() - start >= IDLE - 2
            wiped = time.monotonic() + 5  # the visit leaves the screen first, then its files
            while len(list(kiosk_folders[0].iterdir())) > 1 and time.monotonic() < wiped:
                page.wait_for_timeout(50)
            assert [p.name for p in kiosk_folders[0].iterdir()] == ["kiosk.pid"]
            page.close()
        finally:
            browser.close()
    # The page closed: its process ends and its folder goes.
    deadline = time.monotonic() + 15
    while list(temp.glob("alin-tui-kiosk-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _listing(*roots) == before
    assert screen.sockets == 1


def test_web_refuses_an_address_other_than_loopback_and_a_taken_port(tmp_path: Path) -> None:
    env = {**os.environ, "ALIN_DATA_DIR": str(tmp_path), "ALIN_LANG": "fr"}
    done = subprocess.run(
        [sys.executable, "-m", "alin_tui", "web", "--host", "0.0.0.0"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "boucle locale" in done.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "alin_tui", "web", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1 and f"port {port} est déjà pris" in done.stderr
