"""One profile's sync session: its store, the server, its credentials, its drop folder. Used by
the app (in a worker thread) and by the command line alike."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from alin_tui.store.db import connect
from alin_tui.sync.client import Client, Unauthorized
from alin_tui.sync.dropfolder import SETTLE_SECONDS
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
        drop_folder: Path | None = None,
        staging: Path | None = None,
        transport=None,
    ) -> None:
        self.store_path = store_path
        self.server_url = server_url
        self.credentials = credentials
        self.drop_folder = drop_folder
        self.staging = staging or (store_path.parent / "staging")
        self._client = Client(server_url, token=token, transport=transport)
        self._lock = threading.Lock()  # one cycle at a time per profile
        self.on_token = None  # callable(token, expires_at) to store a fresh token
        self.settle = SETTLE_SECONDS  # a dropped file rests this long before it is taken in

    @property
    def token(self) -> str | None:
        return self._client.token

    def engine(self, db) -> Engine:
        engine = Engine(db, self._client, drop_folder=self.drop_folder, staging=self.staging)
        engine.settle = self.settle
        return engine

    def sync(self) -> SyncReport:
        """Log in if needed, then one cycle: drop folder, uploads, push, pull. On a 401, log in
        again (when credentials are known) without touching the outbox, and retry once."""
        with self._lock:
            db = connect(self.store_path)
            try:
                engine = self.engine(db)
                needs_login = self._client.token is None and self.credentials is not None
                if needs_login and not self._login(engine):
                    return engine.last_report
                report = engine.sync_once()
                expired = isinstance(report.error, Unauthorized) and self.credentials is not None
                if expired and self._login(engine):
                    report = engine.sync_once()
                return report
            finally:
                db.close()

    def _login(self, engine: Engine) -> bool:
        from alin_tui.sync.client import SyncError

        try:
            answer = self._client.login(self.credentials.username, self.credentials.password)
        except SyncError as exc:
            engine._record_failure(exc)
            engine.last_report.error = exc
            return False
        if self.on_token is not None:
            self.on_token(answer.token, answer.expires_at)
        return True

    def close(self) -> None:
        self._client.close()
