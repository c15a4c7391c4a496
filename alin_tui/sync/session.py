"""One profile's sync session: its store, the server, its credentials, its drop folder. Used by
the sync loop (for the app and `alin-tui sync`) and by one-shot commands alike."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alin_tui.store.db import connect
from alin_tui.sync.client import Client
from alin_tui.sync.dropfolder import SETTLE_SECONDS
from alin_tui.sync.engine import Engine, SyncReport


@dataclass
class Credentials:
    username: str
    password: str


class PasswordLogin:
    """The engine's credentials when a username and password are known: log in when there is no
    token, and again after a 401; each new token is handed to `on_token` to be stored."""

    def __init__(self, client: Client, credentials: Credentials | None, on_token=None) -> None:
        self.client = client
        self.credentials = credentials
        self.on_token: Callable[[str, dt.datetime], None] | None = on_token

    def ensure(self) -> None:
        if self.client.token is None and self.credentials is not None:
            self._login()

    def renew(self) -> bool:
        if self.credentials is None:
            return False
        self._login()
        return True

    def _login(self) -> None:
        assert self.credentials is not None
        answer = self.client.login(self.credentials.username, self.credentials.password)
        if self.on_token is not None:
            self.on_token(answer.token, answer.expires_at)


class Session:
    def __init__(
        self,
        store_path: Path,
        server_url: str,
        *,
        credentials: Credentials | None = None,
        token: str | None = None,
        drop_folder: Path | None = None,
        staging: Path | None = None,
        transport=None,
    ) -> None:
        self.store_path = store_path
        self.server_url = server_url
        self.drop_folder = drop_folder
        self.staging = staging or (store_path.parent / "staging")
        self._client = Client(server_url, token=token, transport=transport)
        self.login = PasswordLogin(self._client, credentials)
        self._lock = threading.Lock()  # one cycle at a time per profile
        self.settle = SETTLE_SECONDS  # a dropped file rests this long before it is taken in
        self.intake_wait = 0.0  # a one-shot run waits this long for fresh files to settle
        self.polling = False  # watch the drop folder by polling (network shares)
        self.on_progress: Callable[[str, int, int], None] | None = None

    @property
    def credentials(self) -> Credentials | None:
        return self.login.credentials

    @property
    def on_token(self):
        return self.login.on_token

    @on_token.setter
    def on_token(self, callback) -> None:
        self.login.on_token = callback

    @property
    def token(self) -> str | None:
        return self._client.token

    def engine(self, db) -> Engine:
        engine = Engine(
            db,
            self._client,
            credentials=self.login,
            drop_folder=self.drop_folder,
            staging=self.staging,
        )
        engine.settle = self.settle
        engine.intake_wait = self.intake_wait
        engine.progress = self.on_progress
        return engine

    def sync(self) -> SyncReport:
        """One cycle: drop folder, uploads, push, pull (logging in as needed)."""
        with self._lock:
            db = connect(self.store_path)
            try:
                return self.engine(db).sync_once()
            finally:
                db.close()

    def next_delay(self) -> float:
        """Seconds until the next cycle is due, read from the store (backoff, idle, pending)."""
        from alin_tui.sync.engine import next_delay

        db = connect(self.store_path)
        try:
            return next_delay(db)
        finally:
            db.close()

    def close(self) -> None:
        self._client.close()
