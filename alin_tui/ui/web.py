"""`alin-tui web`: the app in a browser, served by textual-serve on loopback.

Each browser session starts its own app process (textual-serve's model): in kiosk mode each is a
kiosk with its own temporary folder, wiped when the visitor leaves the page or after the idle
timeout. The page is textual-serve's, with its words in the reader's language and nothing loaded
from another site (`web/app_index.html`).

The only module that imports textual-serve (and, through it, aiohttp); imported by `web` alone.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: the app is served to this machine only."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def port_free(host: str, port: int) -> bool:
    """Whether `port` can be listened on at `host` (said before textual-serve tries)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]") if host != "localhost" else "127.0.0.1", port))
        except OSError:
            return False
    return True


def app_command(*, kiosk: bool, lang: str, passed: dict[str, str]) -> str:
    """The shell command textual-serve runs for each session: this very Python and package."""
    argv = [sys.executable, "-m", "alin_tui", "--lang", lang]
    if kiosk:
        argv.append("--kiosk")
    else:
        for option, value in passed.items():
            argv += [option, value]
    return shlex.join(argv)


def serve(command: str, *, host: str, port: int, t: Any, kiosk: bool = True) -> None:
    """Serve `command` on http://host:port until Ctrl+C or SIGTERM."""
    from aiohttp_jinja2 import template
    from textual_serve.server import Server

    class AlinServer(Server):
        @template("app_index.html")
        async def handle_index(self, request):  # type: ignore[override]
            context = await Server.handle_index.__wrapped__(self, request)
            context["lang"] = t.lang
            context["words"] = {
                "start": t("web.start"),
                "ended": t("web.ended" if kiosk else "web.ended_app"),
                "restart": t("web.restart"),
            }
            return context

        async def on_startup(self, app) -> None:  # our one line, not textual-serve's banner
            print(t("cli_msg.web_serving", url=self.public_url), flush=True)

        def initialize_logging(self) -> None:  # problems only, not a line per request
            import logging

            logging.basicConfig(level=logging.WARNING, format="%(message)s")

    shown = f"[{host}]" if ":" in host else host
    server = AlinServer(
        command,
        host=host,
        port=port,
        title=t("kiosk.title"),
        public_url=f"http://{shown}:{port}",
        templates_path=Path(__file__).parent / "web",
    )
    server.serve()
