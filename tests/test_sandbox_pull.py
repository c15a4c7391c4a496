"""The sandbox over real HTTP on loopback, and the client pulling it into a real SQLite store."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from alin_tui.devtools.demo import DEMO_DAY
from alin_tui.domain import nur
from alin_tui.store import offers as offer_store
from alin_tui.store import records
from alin_tui.store.db import connect
from alin_tui.sync.client import Client
from alin_tui.sync.engine import Engine
from alin_tui.sync.session import Credentials, Session
from tests.servers import free_port, serve


def _token(base: str, user: str = "demo") -> dict[str, str]:
    tok = httpx.post(f"{base}/auth/token", json={"username": user, "password": user}).json()
    return {"Authorization": f"Bearer {tok['token']}"}


def test_serve_answers_health_and_lists_the_sync_routes(tmp_path: Path) -> None:
    """`alin-tui serve` as a separate process, as users and outside tests start it."""
    port = free_port()
    proc = serve(
        tmp_path / "s.db", port, "--offers", "300", "--admin-token", "adm", stdout=subprocess.PIPE
    )
    try:
        base = f"http://127.0.0.1:{port}"
        health = httpx.get(f"{base}/health")
        assert health.json()["status"] == "ok"
        assert health.json()["today"] == "2026-11-27"
        assert proc.stdout.readline().strip() == "admin token: adm"
        paths = httpx.get(f"{base}/openapi.json").json()["paths"]
        assert "/sne/v1/sync/pull" in paths and "/alin/v1/sync/pull" in paths
        assert "/auth/token" in paths
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_route_but_health_and_login_needs_a_token(sandbox) -> None:
    for service in ("sne", "alin"):
        r = httpx.get(f"{sandbox.url}/{service}/v1/sync/pull")
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "unauthorized"
    r = httpx.post(f"{sandbox.url}/auth/token", json={"username": "demo", "password": "x"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials"


def test_errors_are_json_never_html(sandbox) -> None:
    for method, path in (("GET", "/nowhere"), ("DELETE", "/health")):
        r = httpx.request(method, f"{sandbox.url}{path}")
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_pull_pages_cover_every_offer_once_and_are_gzipped(sandbox) -> None:
    headers = _token(sandbox.url)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 97, **({"cursor": cursor} if cursor else {})}
        r = httpx.get(f"{sandbox.url}/alin/v1/sync/pull", params=params, headers=headers)
        assert r.status_code == 200
        assert r.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in r.headers["vary"]
        body = r.json()
        assert r.headers["etag"] == f'"{body["cursor"]}"'
        seen += [c["id"] for c in body["changes"] if c["type"] == "offer"]
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert len(seen) == len(set(seen)) == 600


def test_an_idle_pull_is_a_304_and_an_unknown_cursor_a_410(sandbox) -> None:
    headers = _token(sandbox.url)
    first = httpx.get(f"{sandbox.url}/sne/v1/sync/pull", headers=headers).json()
    types = {c["type"] for c in first["changes"]}
    assert types == {"demand", "person", "document"}
    cursor = first["cursor"]
    again = httpx.get(
        f"{sandbox.url}/sne/v1/sync/pull",
        params={"cursor": cursor},
        headers={**headers, "If-None-Match": f'"{cursor}"'},
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == f'"{cursor}"'
    bad = httpx.get(
        f"{sandbox.url}/sne/v1/sync/pull", params={"cursor": cursor + "x"}, headers=headers
    )
    assert bad.status_code == 410 and bad.json()["error"]["code"] == "reset"
    other = httpx.get(
        f"{sandbox.url}/alin/v1/sync/pull", params={"cursor": cursor}, headers=headers
    )
    assert other.status_code == 410


def test_a_caller_sees_only_their_own_dossier(sandbox) -> None:
    for user in ("demo", "complet"):
        body = httpx.get(
            f"{sandbox.url}/sne/v1/sync/pull", headers=_token(sandbox.url, user)
        ).json()
        owners = {c["id"].split("-")[1] for c in body["changes"]}
        assert owners == {user}


def test_seeded_offers_are_realistic(sandbox) -> None:
    headers = _token(sandbox.url)
    body = httpx.get(
        f"{sandbox.url}/alin/v1/sync/pull", params={"limit": 1000}, headers=headers
    ).json()
    offers = [c["value"] for c in body["changes"] if c["type"] == "offer"]
    zones = {o["zone"] for o in offers}
    assert zones == {"paris", "idf", "other"}
    assert len({o["department"] for o in offers}) >= 10
    assert {o["typology"] for o in offers} >= {"T1", "T2", "T3", "T4", "T5"}
    for o in offers:
        per_m2 = o["rent_cents"] / 100 / o["surface_m2"]
        assert 4.9 <= per_m2 <= 13.01, o
        assert o["postal_code"].startswith(o["department"])


def test_the_client_pulls_both_services_into_the_store(sandbox, tmp_path: Path) -> None:
    store_path = tmp_path / "store.db"
    session = Session(store_path, sandbox.url, credentials=Credentials("demo", "demo"))
    report = session.sync()
    db = connect(store_path)
    demand = records.demand(db)
    assert demand is not None
    assert nur.normalize(demand.nur) == demand.nur
    assert demand.first_filed_on.strftime("%m%y") == demand.nur[3:7]
    assert records.link(db).state == "linked"
    assert len(records.slots(db)) == 10
    assert offer_store.count(db, include_closed=True) == 600
    assert report.changes > 600

    again = session.sync()
    assert all(p.not_modified for p in again.pulls)
    session.close()


def test_a_malformed_page_writes_nothing(sandbox, tmp_path: Path) -> None:
    """Fault injection on top of the real server: one offer of the page gets a wrong type."""
    real = httpx.HTTPTransport()

    class Corrupting(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = real.handle_request(request)
            if "/alin/v1/sync/pull" not in request.url.path:
                return response
            response.read()
            body = json.loads(response.content)
            body["changes"][-1]["value"]["rent_cents"] = "beaucoup"
            return httpx.Response(200, json=body)

    db = connect(tmp_path / "store.db")
    client = Client(sandbox.url, transport=Corrupting())
    client.login("demo", "demo")
    engine = Engine(db, client)
    engine.pull("sne")
    with pytest.raises(Exception, match="invalide"):
        engine.pull("alin")
    assert offer_store.count(db, include_closed=True) == 0
    assert db.execute("SELECT cursor FROM sync_state WHERE service='alin'").fetchone() in (
        None,
        (None,),
    )


def test_sandbox_seed_is_deterministic(tmp_path: Path) -> None:
    from alin_tui.sandbox.seed import seed
    from alin_tui.sandbox.store import SandboxStore

    dumps = []
    for name in ("a.db", "b.db"):
        store = SandboxStore(tmp_path / name)
        seed(store, seed=7, offers=200, start_day=DEMO_DAY)
        dumps.append(
            store.conn.execute("SELECT type, id, value FROM entities ORDER BY seq").fetchall()
        )
    assert dumps[0] == dumps[1]
