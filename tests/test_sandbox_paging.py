"""A pull that pages 20,000 offers while the server keeps changing them returns each once."""

from __future__ import annotations

import json
import threading

import httpx

from alin_tui.devtools.demo import DEMO_DAY
from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig
from alin_tui.sandbox.store import SandboxStore


def test_paging_20000_offers_under_concurrent_changes_returns_each_exactly_once(tmp_path):
    config = SandboxConfig(db=tmp_path / "big.db", offers=20_000, today=DEMO_DAY, admin_token="adm")
    with EmbeddedSandbox(config) as sandbox:
        store = SandboxStore(config.db)
        existing = [
            json.loads(v)
            for (v,) in store.conn.execute(
                "SELECT value FROM entities WHERE type = 'offer' ORDER BY seq DESC LIMIT 400"
            )
        ]
        original_ids = {
            i for (i,) in store.conn.execute("SELECT id FROM entities WHERE type = 'offer'")
        }
        assert len(original_ids) == 20_000
        stop = threading.Event()
        changed = []

        def mutate() -> None:
            with httpx.Client(
                base_url=sandbox.url, timeout=30, headers={"Authorization": "Bearer adm"}
            ) as c:
                n = 0
                while not stop.is_set() and n < len(existing):
                    fields = {**existing[n], "rent_cents": existing[n]["rent_cents"] + 100}
                    r = c.post("/sandbox/v1/offers", json={"fields": fields})
                    assert r.status_code == 200, r.text
                    new = {**existing[n], "reference": f"NEW-{n}"}
                    assert c.post("/sandbox/v1/offers", json={"fields": new}).status_code == 201
                    changed.append(n)
                    n += 1

        token = httpx.post(
            f"{sandbox.url}/auth/token", json={"username": "demo", "password": "demo"}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        worker = threading.Thread(target=mutate)
        worker.start()
        seen: list[str] = []
        versions: dict[str, int] = {}
        cursor = None
        pages = 0
        try:
            with httpx.Client(base_url=sandbox.url, timeout=60, headers=headers) as c:
                while True:
                    params = {"limit": 700, **({"cursor": cursor} if cursor else {})}
                    body = c.get("/alin/v1/sync/pull", params=params).json()
                    for change in body["changes"]:
                        if change["type"] == "offer":
                            seen.append(change["id"])
                            versions[change["id"]] = change["version"]
                    cursor = body["cursor"]
                    pages += 1
                    if not body["has_more"]:
                        break
        finally:
            stop.set()
            worker.join()
        assert changed, "the server did not change anything while paging"
        assert pages >= 29
        assert len(seen) == len(set(seen))
        assert original_ids <= set(seen)
        assert all(versions[i] == 1 for i in original_ids)  # the snapshot of the chain's start
        # The changes made meanwhile arrive with the next pull.
        with httpx.Client(base_url=sandbox.url, timeout=60, headers=headers) as c:
            later = c.get("/alin/v1/sync/pull", params={"cursor": cursor, "limit": 1000}).json()
        later_ids = [ch["id"] for ch in later["changes"]]
        assert len(later_ids) == len(set(later_ids)) >= len(changed)
