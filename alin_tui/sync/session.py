"""One profile's sync session: its store, the server, its credentials. Used by the app (in a
worker thread) and by the command line alike."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from alin_tui.store.db import connect
from alin_tui.sync.client import Client, Unauthorized
from alin_tui.sync.engine import Engine, SyncReport


@dataclass
class Credentials:
    username: str
    password: str


class Session:
    def __init__(
        self,
        store_path: Path,
        server_url: str,
        *,
        credentials: Credentials | None = None,
        token: str | None = None,
    ) -> None:
        self.store_path = store_path
        self.server_url = server_url
        self.credentials = credentials
        self._client = Client(server_url, token=token)
        self._lock = threading.Lock()  # one sync at a time per profile

    @property
    def token(self) -> str | None:
        return self._client.token

    def sync(self) -> SyncReport:
        """Log in if needed, then pull both services into the store."""
        with self._lock:
            db = connect(self.store_path)
            try:
                engine = Engine(db, self._client)
                if self._client.token is None:
                    self._login()
                try:
                    return engine.pull_all()
                except Unauthorized:
                    if self.credentials is None:
                        raise
                    self._login()
                    return engine.pull_all()
            finally:
                db.conn.close()

    def _login(self) -> None:
        if self.credentials is None:
            raise Unauthorized("Pas de jeton valide : connectez-vous (alin-tui login).", status=401)
        self._client.login(self.credentials.username, self.credentials.password)

    def close(self) -> None:
        self._client.close()
