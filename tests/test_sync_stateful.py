"""A hypothesis state machine over local edits, syncs, lost answers, offline spells, server-side
edits and restarts, against the real sandbox on loopback.

Default run: a fixed seed and a few hundred steps. Soak: `ALIN_SOAK_EXAMPLES=2000 python -m pytest
tests/test_sync_stateful.py` (seeds vary with ALIN_SOAK_SEED).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from alin_tui.devtools.demo import DEMO_DAY
from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig
from alin_tui.store import actions, applicant, outbox, records
from alin_tui.store import offers as offer_store
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session

EXAMPLES = int(os.environ.get("ALIN_SOAK_EXAMPLES", "12"))
STEPS = int(os.environ.get("ALIN_SOAK_STEPS", "50"))
SEED = os.environ.get("ALIN_SOAK_SEED")

_sandbox: EmbeddedSandbox | None = None


def sandbox() -> EmbeddedSandbox:
    global _sandbox
    if _sandbox is None:
        tmp = Path(tempfile.mkdtemp(prefix="alin-stateful-"))
        _sandbox = EmbeddedSandbox(
            SandboxConfig(
                db=tmp / "sb.db", offers=150, today=DEMO_DAY, admin_token="adm", max_applications=3
            )
        )
        _sandbox.start()
    return _sandbox


class Faulty(httpx.BaseTransport):
    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.mode = "pass"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.mode == "offline":
            raise httpx.ConnectError("offline", request=request)
        response = self.real.handle_request(request)
        if self.mode == "lose_answers" and request.method == "POST":
            response.read()
            raise httpx.ReadError("answer lost after the server applied", request=request)
        return response


class SyncMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        sb = sandbox()
        self.admin = httpx.Client(
            base_url=sb.url, headers={"Authorization": "Bearer adm"}, timeout=30
        )
        assert self.admin.post("/sandbox/v1/reset").status_code == 200
        self.dir = Path(tempfile.mkdtemp(prefix="alin-sm-"))
        self.transport = Faulty()
        self.session = self._session()
        assert self.session.sync().error is None
        self.db = connect(self.session.store_path)
        self.offers = [o["id"] for o in offer_store.page(self.db, limit=12)]
        self.queued_creates: set[str] = set()
        self.dropped: set[str] = set()

    def _session(self) -> Session:
        return Session(
            self.dir / "store.db",
            sandbox().url,
            credentials=Credentials("complet", "complet"),
            transport=self.transport,
        )

    # --- local edits -----------------------------------------------------------------------

    @rule(i=st.integers(0, 11))
    def apply(self, i: int) -> None:
        offer = self.offers[i]
        outcome = actions.apply(self.db, offer)
        if outcome.queued is not None:
            self.queued_creates.add(offer)

    @rule(data=st.data())
    def withdraw(self, data) -> None:
        apps = list(applicant.load(self.db).applications.items())
        if not apps:
            return
        app_id, value = data.draw(st.sampled_from(apps))
        outcome = actions.withdraw(self.db, app_id)
        if outcome.dropped:
            self.dropped.add(value["offer_id"])
            self.queued_creates.discard(value["offer_id"])

    @rule()
    def refresh(self) -> None:
        actions.refresh_situation(self.db)

    # --- network ---------------------------------------------------------------------------

    @rule(mode=st.sampled_from(["pass", "pass", "lose_answers", "offline"]))
    def sync(self, mode: str) -> None:
        self.transport.mode = mode
        report = self.session.sync()
        if mode == "pass":
            assert report.error is None, report.error

    # --- the server moves on its own -------------------------------------------------------

    @rule()
    def national_side_edit(self) -> None:
        self.admin.post(
            "/sandbox/v1/demand/edit",
            json={"username": "complet", "fields": {"phone": "01 23 45 67 89"}},
        )

    @rule(data=st.data())
    def landlord_advances(self, data) -> None:
        apps = records.values(self.db, "application")
        if apps:
            app_id, _ = data.draw(st.sampled_from(apps))
            self.admin.post(
                f"/sandbox/v1/applications/{app_id}/advance",
                json=data.draw(st.sampled_from([{}, {"to": "refused"}])),
            )

    @precondition(lambda self: hasattr(self, "session"))
    @rule()
    def restart(self) -> None:
        self.session.close()
        self.db.close()
        self.session = self._session()
        self.db = connect(self.session.store_path)

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def outbox_ids_are_gap_free(self) -> None:
        """Wire ids are given in queue order when first sent, never twice, all below the next
        one; the pending rows that hold one are consecutive and come before those that don't."""
        if not hasattr(self, "db"):
            return
        for service in ("sne", "alin"):
            ids = [r.mutation_id for r in outbox.rows(self.db, service=service)]
            given = [i for i in ids if i is not None]
            row = self.db.execute(
                "SELECT next_id FROM next_ids WHERE service = ?", (service,)
            ).fetchone()
            assert given == sorted(given) and len(set(given)) == len(given)
            if row:
                assert all(i < row[0] for i in given)
            pending = [r.mutation_id for r in outbox.pending(self.db, service)]
            sent = [i for i in pending if i is not None]
            assert pending[: len(sent)] == sent
            assert sent == list(range(sent[0], sent[0] + len(sent))) if sent else True

    @invariant()
    def never_applied_twice(self) -> None:
        if not hasattr(self, "admin"):
            return
        stats = self.admin.get("/sandbox/v1/stats").json()
        assert all(a["count"] == 1 for a in stats["applications"]), stats

    def teardown(self) -> None:
        if not hasattr(self, "session"):
            return
        try:
            self.transport.mode = "pass"
            for _ in range(3):
                assert self.session.sync().error is None
            assert outbox.pending(self.db) == []
            # every id was received by the server exactly once
            cid = outbox.client_id(self.db)
            token = self.session.token
            pulled = httpx.get(
                f"{sandbox().url}/alin/v1/sync/pull",
                headers={"Authorization": f"Bearer {token}"},
                params={"limit": 1000},
            ).json()
            next_id = self.db.execute(
                "SELECT next_id FROM next_ids WHERE service = 'alin'"
            ).fetchone()
            assert pulled["last_mutation_ids"].get(cid, 0) == (next_id[0] - 1 if next_id else 0)
            server_apps = {
                c["value"]["offer_id"]: c["value"]["status"]
                for c in pulled["changes"]
                if c["type"] == "application"
            }
            refused = {
                r.args.get("offer_id")
                for r in outbox.rows(self.db, states=("failed",))
                if r.name == "application.create"
            }
            assert set(server_apps) <= self.queued_creates
            assert self.queued_creates <= set(server_apps) | refused
            local = {v["offer_id"]: v["status"] for _, v in records.values(self.db, "application")}
            assert local == server_apps  # converged
        finally:
            self.session.close()
            self.db.close()
            self.admin.close()
            shutil.rmtree(self.dir, ignore_errors=True)


SyncMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=SEED is None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
if SEED is not None:
    from hypothesis import seed

    SyncMachine = seed(int(SEED))(SyncMachine)

TestSyncMachine = SyncMachine.TestCase
