"""The fault suite: the real client against the real sandbox, through a TCP fault proxy, with
fault injection by httpx transports, and the client killed at named points.

Invariants checked: every queued mutation takes effect exactly once on the server; nothing the
user was told is saved is lost; the local state converges to the server's plus the overlay.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import time

import httpx
import pytest

from alin_tui.store import outbox, records, sync_state
from alin_tui.store.db import connect
from alin_tui.sync.engine import BACKOFF_CAP, backoff_delay
from alin_tui.sync.session import Credentials, Session
from tests.cli_helpers import Cli
from tests.faultproxy import FaultProxy


def _port(sandbox) -> int:
    return int(sandbox.url.rsplit(":", 1)[1])


def _stats(api) -> dict:
    return api.control("stats", method="GET").json()


def _first_offer(cli: Cli) -> str:
    """The first offer in the territory of the demand (`complet`: the Rhône)."""
    offers = json.loads(cli.run("offers", "search", "--json", "--limit", "1000").stdout)
    return next(o["id"] for o in offers if o["in_territory"] is not False)


def test_apply_through_a_proxy_that_drops_every_answer_leaves_one_application(
    sandbox, api, tmp_path
) -> None:
    with FaultProxy(_port(sandbox)) as proxy:
        cli = Cli(tmp_path / "data", proxy.url, profile="p")
        assert cli.login("complet").returncode == 0
        assert cli.run("sync", "--once").returncode == 0
        offer = _first_offer(cli)
        proxy.mode = "drop_responses"
        for attempt in range(5):
            r = cli.run("apply", offer)
            assert r.returncode == (0 if attempt == 0 else 3), r.stdout + r.stderr
            r = cli.run("sync", "--once")
            assert r.returncode == 2, r.stdout + r.stderr
            assert cli.status()["sync"]["pending"] == 1  # still queued, never lost
        assert _stats(api)["applications"] == [
            {"username": "complet", "offer_id": offer, "count": 1}
        ]
        proxy.mode = "pass"
        r = cli.run("sync", "--once")
        assert r.returncode == 0, r.stderr
        s = cli.status()
        assert s["sync"]["pending"] == 0 and s["sync"]["state"] == "synced"
        assert [(a["offer_id"], a["queued"]) for a in s["applications"]] == [(offer, False)]
    assert _stats(api)["applications"] == [{"username": "complet", "offer_id": offer, "count": 1}]


def test_a_slow_narrow_link_still_converges(sandbox, api, tmp_path) -> None:
    with FaultProxy(_port(sandbox)) as proxy:
        proxy.latency = 0.02
        proxy.bandwidth = 400_000
        cli = Cli(tmp_path / "data", proxy.url, profile="p")
        assert cli.login("demo").returncode == 0
        assert cli.run("sync", "--once").returncode == 0
        assert cli.status()["stage"] == "incomplete"


def test_a_cut_answer_is_a_clear_offline_state_and_applies_nothing_twice(
    sandbox, api, tmp_path
) -> None:
    with FaultProxy(_port(sandbox)) as proxy:
        cli = Cli(tmp_path / "data", proxy.url, profile="p")
        assert cli.login("complet").returncode == 0
        assert cli.run("sync", "--once").returncode == 0
        offer = _first_offer(cli)
        assert cli.run("apply", offer).returncode == 0
        proxy.mode = "cut:120"
        assert cli.run("sync", "--once").returncode == 2
        proxy.mode = "pass"
        assert cli.run("sync", "--once").returncode == 0
    assert _stats(api)["applications"] == [{"username": "complet", "offer_id": offer, "count": 1}]


@pytest.mark.parametrize("point", ["after_push_answer", "mid_pull_apply", "after_outbox_commit"])
def test_the_client_killed_at_a_named_point_restarts_cleanly(sandbox, api, tmp_path, point):
    cli = Cli(tmp_path / "data", sandbox.url, profile="p")
    assert cli.login("complet").returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    offer = _first_offer(cli)
    if point == "after_outbox_commit":
        r = cli.run("apply", offer, ALIN_CLIENT_FAULT=point)
        assert r.returncode == -9
        assert cli.status()["sync"]["pending"] == 1  # what was committed survives
    else:
        assert cli.run("apply", offer).returncode == 0
        r = cli.run("sync", "--once", ALIN_CLIENT_FAULT=point)
        assert r.returncode == -9, r.stdout + r.stderr
    r = cli.run("sync", "--once")
    assert r.returncode == 0, r.stderr
    s = cli.status()
    assert s["sync"]["pending"] == 0 and s["sync"]["errors"] == []
    assert [a["offer_id"] for a in s["applications"]] == [offer]
    assert _stats(api)["applications"] == [{"username": "complet", "offer_id": offer, "count": 1}]
    # converged: a fresh pull from scratch gives the same dossier
    fresh = Cli(tmp_path / "fresh", sandbox.url, profile="p")
    assert fresh.login("complet").returncode == 0
    assert fresh.run("sync", "--once").returncode == 0
    mine, theirs = cli.status(), fresh.status()
    for key in ("stage", "nur", "link", "complete", "missing", "applications"):
        assert mine[key] == theirs[key], key


def test_an_upload_cut_mid_way_resumes_from_the_servers_offset(sandbox, api, tmp_path) -> None:
    big = b"%PDF-1.4\n" + bytes(range(256)) * 4096  # about 1 MiB: several chunks
    cli = Cli(tmp_path / "data", sandbox.url, profile="p")
    assert cli.login("demo").returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    drop = cli.drop
    (drop / "pj-demo-2-tax_notice.pdf").write_bytes(big)
    past = time.time() - 10
    import os

    os.utime(drop / "pj-demo-2-tax_notice.pdf", (past, past))
    r = cli.run("sync", "--once", ALIN_CLIENT_FAULT="mid_upload")
    assert r.returncode == -9
    db = connect(cli.data_dir / "profiles" / "p" / "store.db")
    offset, length, location = db.execute("SELECT offset, length, location FROM uploads").fetchone()
    assert 0 < offset < length and location
    db.close()
    assert cli.status()["sync"]["pending"] == 2  # the upload and its attachment
    r = cli.run("sync", "--once")
    assert r.returncode == 0, r.stderr
    assert api.entity("demo", "sne", "document", "pj-demo-2-tax_notice")["state"] == "received"
    assert (drop / "traités" / "pj-demo-2-tax_notice.pdf").read_bytes() == big


# --- fault injection with httpx transports on top of the real server ---------------------------


class Faulty(httpx.BaseTransport):
    """Forwards to the real server, except where `fault` says otherwise."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.fault = None  # callable(request, real_response | None) -> response | None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.fault is not None:
            forced = self.fault(request)
            if forced is not None:
                return forced
        return self.real.handle_request(request)


@pytest.fixture
def faulty_session(sandbox, tmp_path):
    transport = Faulty()
    session = Session(
        tmp_path / "store.db",
        sandbox.url,
        credentials=Credentials("complet", "complet"),
        transport=transport,
    )
    report = session.sync()
    assert report.error is None
    yield session, transport
    session.close()


def _db(session):
    return connect(session.store_path)


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_back_off_and_honour_retry_after(faulty_session, status) -> None:
    session, transport = faulty_session
    transport.fault = lambda r: httpx.Response(
        status, headers={"Retry-After": "120"}, json={"error": {"code": "x", "message": "busy"}}
    )
    report = session.sync()
    assert report.error is not None and report.error.status == status
    db = _db(session)
    state = sync_state.get(db, "alin")
    assert state["failures"] == 1 and state["last_error_kind"] == "error"
    wait = dt.datetime.fromisoformat(state["next_try_at"]) - dt.datetime.now(dt.UTC)
    assert 100 < wait.total_seconds() <= 121
    transport.fault = None
    assert session.sync().error is None
    assert sync_state.get(db, "alin")["failures"] == 0


def test_full_jitter_backoff_bounds() -> None:
    assert all(backoff_delay(1) <= 1.0 for _ in range(200))
    assert max(backoff_delay(3, lambda: 0.999) for _ in range(3)) <= 4.0
    assert backoff_delay(30, lambda: 1.0) == BACKOFF_CAP
    assert backoff_delay(0) == 0


def test_a_401_logs_in_again_without_touching_the_queue(faulty_session, sandbox) -> None:
    session, transport = faulty_session
    db = _db(session)
    from alin_tui.store import actions, offers

    offer = _rhone_offer(offers, db)
    assert actions.apply(db, offer).queued is not None
    session._client.token = "expired-token"
    report = session.sync()
    assert report.error is None
    assert outbox.pending(db) == []
    assert session.token != "expired-token"


BAD_BODIES = {
    "truncated": lambda: httpx.Response(
        200, content=b'{"cursor": "x", "has_more": fa', headers={"Content-Type": "application/json"}
    ),
    "wrong types": lambda: httpx.Response(
        200,
        json={
            "cursor": 5,
            "has_more": "peut-être",
            "server_time": "hier",
            "today": "x",
            "changes": "tout",
        },
    ),
    "hostile values": lambda: httpx.Response(
        200,
        json={
            "cursor": "c",
            "has_more": False,
            "server_time": "2026-11-27T00:00:00Z",
            "today": "2026-11-27",
            "last_mutation_ids": {},
            "changes": [
                {
                    "op": "put",
                    "type": "offer",
                    "id": "x",
                    "version": 1,
                    "value": {"reference": "\x1b]0;pwned\x07", "rent_cents": -5},
                }
            ],
        },
    ),
    "gzip bomb": lambda: httpx.Response(
        200,
        content=gzip.compress(b"0" * (40 * 1024 * 1024)),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    ),
    "20 MB": lambda: httpx.Response(
        200, content=b" " * (20 * 1024 * 1024), headers={"Content-Type": "application/json"}
    ),
}


@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_malformed_and_hostile_bodies_apply_nothing(faulty_session, kind) -> None:
    session, transport = faulty_session
    db = _db(session)
    before = db.execute("SELECT count(*), max(version) FROM offers").fetchone()
    cursor = sync_state.get(db, "alin")["cursor"]
    transport.fault = lambda r: BAD_BODIES[kind]() if "/sync/pull" in r.url.path else None
    report = session.sync()
    assert report.error is not None
    assert db.execute("SELECT count(*), max(version) FROM offers").fetchone() == before
    assert sync_state.get(db, "alin")["cursor"] == cursor
    from alin_tui.sync.status import read_sync

    status = read_sync(db)
    assert status.state == "error" and status.last_error


def test_an_unknown_cursor_restarts_the_pull_and_keeps_the_queue(faulty_session) -> None:
    session, transport = faulty_session
    db = _db(session)
    from alin_tui.store import actions, offers

    offer = _rhone_offer(offers, db)
    actions.apply(db, offer)
    db.execute("UPDATE sync_state SET cursor = 'forged' WHERE service = 'alin'")
    report = session.sync()
    assert report.error is None
    assert any(p.restarted for p in report.pulls)
    assert outbox.pending(db) == []
    assert [v["offer_id"] for _, v in records.values(db, "application")] == [offer]


def test_a_concurrent_edit_is_a_conflict_kept_with_both_values(faulty_session, api) -> None:
    session, transport = faulty_session
    db = _db(session)
    from alin_tui.store import actions

    demand = records.values(db, "demand")[0][1]
    api.control("demand/edit", {"username": "complet", "fields": {"phone": "09 99 99 99 99"}})
    actions.update_demand(db, {"phone": "06 11 22 33 44"}, base_version=demand["version"])
    report = session.sync()
    assert report.error is None and len(report.conflicts) == 1
    rows = outbox.rows(db, states=("conflict",))
    assert len(rows) == 1
    assert rows[0].args["fields"]["phone"] == "06 11 22 33 44"  # the user's draft is kept
    assert rows[0].result["server_value"]["phone"] == "09 99 99 99 99"
    session.sync()  # never retried blindly
    assert len(outbox.rows(db, states=("conflict",))) == 1
    assert records.values(db, "demand")[0][1]["phone"] == "09 99 99 99 99"


def test_a_stalled_link_times_out_into_a_clear_offline_state(sandbox, tmp_path) -> None:
    with FaultProxy(_port(sandbox)) as proxy:
        cli = Cli(tmp_path / "data", proxy.url, profile="p")
        assert cli.login("complet").returncode == 0
        assert cli.run("sync", "--once").returncode == 0
        assert cli.run("apply", _first_offer(cli)).returncode == 0
        proxy.mode = "stall"
        started = time.monotonic()
        r = cli.run("sync", "--once", ALIN_HTTP_TIMEOUT="1")
        assert r.returncode == 2 and time.monotonic() - started < 20
        s = cli.status()
        assert s["sync"]["state"] == "offline" and s["sync"]["pending"] == 1
        proxy.mode = "pass"


def test_replica_lag_never_makes_a_saved_change_flicker_back(faulty_session, sandbox) -> None:
    """The data pulled after the push is stale (an older snapshot): the change stays shown."""
    session, transport = faulty_session
    db = _db(session)
    from alin_tui.store import actions, applicant

    stale = {}

    def lagging(request: httpx.Request):
        if "/sne/v1/sync/pull" in request.url.path:
            if "body" not in stale:
                response = transport.real.handle_request(request)
                response.read()
                stale["body"] = response.content
                stale["etag"] = response.headers.get("etag", "")
            return httpx.Response(
                200, content=stale["body"], headers={"Content-Type": "application/json"}
            )
        return None

    version = records.values(db, "demand")[0][1]["version"]
    db.execute("UPDATE sync_state SET cursor = NULL WHERE service = 'sne'")
    transport.fault = lagging
    assert session.sync().error is None  # records the stale page
    actions.update_demand(db, {"phone": "05 55 55 55 55"}, base_version=version)
    assert applicant.load(db).demand["phone"] == "05 55 55 55 55"
    assert session.sync().error is None  # push ok, then a stale pull
    assert records.values(db, "demand")[0][1]["phone"] != "05 55 55 55 55"
    assert applicant.load(db).demand["phone"] == "05 55 55 55 55"  # still shown
    transport.fault = None
    assert session.sync().error is None
    assert records.values(db, "demand")[0][1]["phone"] == "05 55 55 55 55"
    assert outbox.rows(db, states=("pending", "done")) == []


def test_another_4xx_marks_the_mutation_failed_with_the_servers_message(faulty_session) -> None:
    session, transport = faulty_session
    db = _db(session)
    from alin_tui.store import actions

    actions.refresh_situation(db)
    actions.refresh_situation(db)
    calls = []

    def refuse_first(request: httpx.Request):
        if "/sync/push" in request.url.path and len(calls) < 2:
            calls.append(json.loads(request.content)["mutations"])
            return httpx.Response(
                413, json={"error": {"code": "push_too_large", "message": "trop gros"}}
            )
        return None

    transport.fault = refuse_first
    report = session.sync()
    assert report.error is None
    assert [len(c) for c in calls] == [2, 1]  # the batch, then the first alone
    failed = outbox.rows(db, states=("failed",))
    # never received: it holds no wire id
    assert [(r.mutation_id, r.result["message"]) for r in failed] == [(None, "trop gros")]
    assert outbox.pending(db) == []
    # the server counted only what it received: the ids it saw stay gap-free
    assert db.execute("SELECT next_id FROM next_ids WHERE service='alin'").fetchone() == (2,)


def test_ids_the_server_never_counted_are_given_again_from_what_it_expects(faulty_session):
    session, transport = faulty_session
    db = _db(session)
    from alin_tui.store import actions

    db.execute("INSERT OR REPLACE INTO next_ids (service, next_id) VALUES ('alin', 7)")
    actions.refresh_situation(db)
    actions.refresh_situation(db)
    assert [r.mutation_id for r in outbox.pending(db)] == [None, None]  # given when sent
    assert session.sync().error is None
    assert outbox.rows(db) == []
    next_id = db.execute("SELECT next_id FROM next_ids WHERE service='alin'").fetchone()[0]
    assert next_id == 3


def _rhone_offer(offers, db) -> str:
    """The first stored offer of `complet`'s territory, the Rhône."""
    return next(o["id"] for o in offers.page(db, limit=1000) if o["department"] == "69")
