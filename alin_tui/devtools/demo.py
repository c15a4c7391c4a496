"""A deterministic demo profile: a sandbox with a fixed seed and day, synced into a store.

Used by the screenshot command and the tests, so that both show the very same data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session

DEMO_DAY = dt.date(2026, 11, 27)
DEMO_SYNC_AT = "2026-11-27T09:30:00Z"


def synced_store(directory: Path, *, username: str = "demo", offers: int = 400) -> Path:
    """Seed a sandbox, pull `username`'s dossier into a fresh store, freeze its sync time."""
    directory.mkdir(parents=True, exist_ok=True)
    store_path = directory / f"{username}.db"
    config = SandboxConfig(db=directory / "sandbox.db", seed=1, offers=offers, today=DEMO_DAY)
    with EmbeddedSandbox(config) as sandbox:
        session = Session(store_path, sandbox.url, credentials=Credentials(username, username))
        try:
            session.sync()
        finally:
            session.close()
    db = connect(store_path)
    db.execute("UPDATE sync_state SET last_pull_at = ?", (DEMO_SYNC_AT,))
    db.close()
    return store_path
