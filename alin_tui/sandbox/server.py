"""Running the sandbox: in the foreground (`alin-tui serve`) or embedded in a background thread
on a free loopback port (the demo path of `alin-tui` with no server configured)."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 1
DEFAULT_OFFERS = 5000


@dataclass(frozen=True)
class SandboxConfig:
    db: Path | str
    seed: int = DEFAULT_SEED
    offers: int = DEFAULT_OFFERS
    today: dt.date | None = None
    admin_token: str | None = None
    max_applications: int = 3


def build_app(config: SandboxConfig):
    """Open (and seed on first use) the sandbox database; return (FastAPI app, admin token).

    An existing database is reused as it is: its stored seed, start day and clock win.
    """
    from alin_tui.sandbox.app import create_app
    from alin_tui.sandbox.seed import seed
    from alin_tui.sandbox.store import SandboxStore

    store = SandboxStore(config.db)
    if not store.is_seeded():
        seed(
            store, seed=config.seed, offers=config.offers, start_day=config.today or dt.date.today()
        )
    admin = config.admin_token or secrets.token_urlsafe(24)
    app = create_app(store, admin_token=admin, max_applications=config.max_applications)
    app.state.default_seed = int(store.meta("seed") or config.seed)
    return app, admin


def serve(
    config: SandboxConfig,
    *,
    host: str,
    port: int,
    announce=print,
    listening: str = "alin-tui sandbox on {url}",
) -> None:
    """Run in the foreground until interrupted. A port already taken raises `OSError` before
    anything is announced (an address printed and then abandoned would mislead a script)."""
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))  # raises when taken, as uvicorn would a moment later
    app, admin = build_app(config)
    announce(f"admin token: {admin}")  # PROTOCOL.md §6: this line, in these words
    shown = f"[{host}]" if ":" in host else host
    announce(listening.format(url=f"http://{shown}:{port}"))
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _log_to_file(path: Path) -> None:
    """The embedded server shares the terminal with the app: its logs go to a file instead."""
    import logging

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "alin_tui.sandbox"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.WARNING)


class EmbeddedSandbox:
    """The sandbox on 127.0.0.1 at a free port, in a daemon thread; `stop()` ends it."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.url = ""
        self.admin_token = ""
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 15.0) -> str:
        import uvicorn

        app, self.admin_token = build_app(self.config)
        # Port 0: the system picks a free port; uvicorn binds it itself (and so sets
        # TCP_NODELAY on accepted sockets: with a socket handed over, keep-alive requests
        # waited ~40 ms on Nagle's algorithm).
        _log_to_file(Path(self.config.db).with_suffix(".log"))
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
        server = uvicorn.Server(config)
        server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self._server = server
        self._thread = threading.Thread(target=server.run, name="alin-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("Le bac à sable intégré n'a pas pu démarrer.")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EmbeddedSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
