"""Push: checked as a whole, each mutation applied once, stored results replayed, crash-safe."""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port, serve


def _offers(api, n=2) -> list[str]:
    """Open offers of the Rhône, `complet`'s territory (elsewhere: `out_of_territory`)."""
    return [
        c["id"]
        for c in api.pull_all("complet", "alin").values()
        if c["type"] == "offer"
        and c["value"]["status"] == "open"
        and c["value"]["department"] == "69"
    ][:n]


def test_the_same_push_twice_is_applied_once_and_answers_the_same(api) -> None:
    offer = _offers(api, 1)[0]
    batch = [
        {"id": 1, "name": "application.create", "args": {"offer_id": offer}},
        {"id": 2, "name": "situation.refresh", "args": {}},
    ]
    first = api.push("complet", "alin", batch, "c-twice")
    second = api.push("complet", "alin", batch, "c-twice")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["last_mutation_id"] == 2
    stats = api.control("stats", method="GET").json()
    assert stats["applications"] == [{"username": "complet", "offer_id": offer, "count": 1}]
    assert stats["mutations"]["application.create"] == 1


def test_stored_results_are_returned_unchanged_even_when_the_state_moved_on(api) -> None:
    offer = _offers(api, 1)[0]
    batch = [{"id": 1, "name": "application.create", "args": {"offer_id": offer}}]
    original = api.push("complet", "alin", batch, "c-old").json()["results"][0]
    app_id = original["server_value"]["id"]
    api.one("complet", "alin", "application.withdraw", {"application_id": app_id}, client="c-o")
    replay = api.push("complet", "alin", batch, "c-old").json()["results"][0]
    assert replay == original


def test_the_same_push_at_once_from_many_threads_is_applied_once(api) -> None:
    offer = _offers(api, 1)[0]
    batch = [{"id": 1, "name": "application.create", "args": {"offer_id": offer}}]
    token = api.h("complet")
    answers: list[httpx.Response] = []

    def send() -> None:
        with httpx.Client(base_url=str(api.http.base_url), timeout=30) as c:
            answers.append(
                c.post(
                    "/alin/v1/sync/push",
                    headers=token,
                    json={"client_id": "c-race", "mutations": batch},
                )
            )

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200] * 8
    assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1
    stats = api.control("stats", method="GET").json()
    assert stats["applications"] == [{"username": "complet", "offer_id": offer, "count": 1}]


def test_gaps_and_out_of_order_ids_are_refused_whole(api) -> None:
    r = api.push("complet", "alin", [{"id": 2, "name": "situation.refresh", "args": {}}], "c-gap")
    assert r.status_code == 409
    assert r.json()["error"] == {**r.json()["error"], "code": "out_of_order", "expected": 1}
    r = api.push(
        "complet",
        "alin",
        [
            {"id": 1, "name": "situation.refresh", "args": {}},
            {"id": 3, "name": "situation.refresh", "args": {}},
        ],
        "c-gap",
    )
    assert r.status_code == 409
    assert api.last_id("complet", "alin", "c-gap") == 0  # nothing applied
    assert api.control("stats", method="GET").json()["mutations"] == {}


def test_a_refusal_still_advances_the_counter(api) -> None:
    r = api.push(
        "complet",
        "alin",
        [
            {"id": 1, "name": "application.create", "args": {"offer_id": "of-999999"}},
            {"id": 2, "name": "situation.refresh", "args": {}},
        ],
        "c-adv",
    )
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "ok"]
    assert r.json()["last_mutation_id"] == 2


def test_counters_are_per_service_user_and_client(api) -> None:
    api.push("complet", "alin", [{"id": 1, "name": "situation.refresh", "args": {}}], "c-a")
    assert api.last_id("complet", "alin", "c-a") == 1
    assert api.last_id("complet", "alin", "c-b") == 0
    assert api.last_id("complet", "sne", "c-a") == 0
    assert api.last_id("demo", "alin", "c-a") == 0
    pulled = api.http.get("/alin/v1/sync/pull", headers=api.h("complet")).json()
    assert pulled["last_mutation_ids"] == {"c-a": 1}


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b'{"client_id": "c", "mutations": [', 400, "invalid_request"),
        (b'{"client_id": "", "mutations": []}', 422, "invalid_request"),
        (b'{"client_id": "' + b"x" * 65 + b'", "mutations": []}', 422, "invalid_request"),
        (b'{"client_id": "c", "mutations": [{"id": "1", "name": "x"}]}', 422, "invalid_request"),
        (b'{"client_id": "c"}', 422, "invalid_request"),
    ],
)
def test_a_malformed_envelope_is_refused_and_nothing_is_applied(api, body, status, error) -> None:
    r = api.http.post(
        "/alin/v1/sync/push",
        content=body,
        headers={**api.h("complet"), "Content-Type": "application/json"},
    )
    assert r.status_code == status
    assert r.json()["error"]["code"] == error


def test_too_large_pushes_are_refused_whole(api) -> None:
    many = [{"id": i, "name": "situation.refresh", "args": {}} for i in range(1, 102)]
    r = api.push("complet", "alin", many, "c-big")
    assert r.status_code == 413 and r.json()["error"]["code"] == "push_too_large"
    heavy = [{"id": 1, "name": "situation.refresh", "args": {"pad": "x" * 300_000}}]
    r = api.push("complet", "alin", heavy, "c-big")
    assert r.status_code == 413 and r.json()["error"]["code"] == "push_too_large"
    assert api.last_id("complet", "alin", "c-big") == 0


def test_gzip_request_bodies_are_accepted(api) -> None:
    body = gzip.compress(
        json.dumps(
            {"client_id": "c-gz", "mutations": [{"id": 1, "name": "situation.refresh", "args": {}}]}
        ).encode()
    )
    r = api.http.post(
        "/alin/v1/sync/push",
        content=body,
        headers={
            **api.h("complet"),
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        },
    )
    assert r.status_code == 200 and r.json()["last_mutation_id"] == 1
    bomb = gzip.compress(b'{"client_id": "c", "mutations": [], "pad": "' + b"0" * 20_000_000)
    r = api.http.post(
        "/alin/v1/sync/push",
        content=bomb,
        headers={
            **api.h("complet"),
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        },
    )
    assert r.status_code == 413


def test_a_server_killed_after_applying_and_before_replying_applies_the_replay_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "crash.db"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = ("--offers", "200", "--admin-token", "adm")
    proc = serve(db, port, *args, fault="kill_after_push")
    try:
        token = httpx.post(
            f"{base}/auth/token", json={"username": "complet", "password": "complet"}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        pulled = httpx.get(
            f"{base}/alin/v1/sync/pull", params={"limit": 1000}, headers=headers
        ).json()
        offer = next(  # in the Rhône, `complet`'s territory
            c["id"]
            for c in pulled["changes"]
            if c["type"] == "offer"
            and c["value"]["status"] == "open"
            and c["value"]["department"] == "69"
        )
        push = {
            "client_id": "c-crash",
            "mutations": [{"id": 1, "name": "application.create", "args": {"offer_id": offer}}],
        }
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{base}/alin/v1/sync/push", json=push, headers=headers)
        assert proc.wait(timeout=10) == -9
    finally:
        if proc.poll() is None:
            proc.kill()
    proc = serve(db, port, *args)
    try:
        replay = httpx.post(f"{base}/alin/v1/sync/push", json=push, headers=headers)
        assert replay.status_code == 200  # the token survived the restart too
        result = replay.json()["results"][0]
        assert result["status"] == "ok" and result["server_value"]["offer_id"] == offer
        stats = httpx.get(
            f"{base}/sandbox/v1/stats", headers={"Authorization": "Bearer adm"}
        ).json()
        assert stats["applications"] == [{"username": "complet", "offer_id": offer, "count": 1}]
        apps = [
            c
            for c in httpx.get(
                f"{base}/alin/v1/sync/pull", params={"limit": 1000}, headers=headers
            ).json()["changes"]
            if c["type"] == "application"
        ]
        assert len(apps) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
