"""Control routes: admin only, reset, clock and its date rules, review, situations, advances."""

from __future__ import annotations


def test_control_needs_the_admin_token(api) -> None:
    r = api.http.post("/sandbox/v1/clock", json={"advance_days": 1}, headers=api.h("demo"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = api.http.post("/sandbox/v1/clock", json={"advance_days": 1})
    assert r.status_code == 401


def test_the_clock_applies_expiries_radiations_and_closings(api) -> None:
    offers = {
        c["id"]: c["value"] for c in api.pull_all("demo", "alin").values() if c["type"] == "offer"
    }
    soon = min((v["closes_on"], k) for k, v in offers.items() if v["status"] == "open")
    r = api.control("clock", {"advance_days": 21})
    assert r.json()["today"] == "2026-12-18"
    assert api.http.get("/health").json()["today"] == "2026-12-18"
    demand = api.entity("renouvellement", "sne", "demand", "dem-renouvellement")
    assert (demand["status"], demand["radiation_code"]) == ("radiated", "RADREN")
    assert (
        api.entity("renouvellement", "alin", "link", "lnk-renouvellement")["sne_version"]
        == demand["version"]
    )
    after = api.entity("demo", "alin", "offer", soon[1])
    assert after["status"] == "closed"
    # payslips accepted with 45..80 days of validity expire later
    api.control("clock", {"advance_days": 90})
    slot = api.entity("complet", "sne", "document", "pj-complet-1-payslips")
    assert slot["state"] == "expired"
    assert api.control("clock", {"advance_days": -1}).status_code == 422


def test_reset_rebuilds_data_but_keeps_tokens_and_counters(api) -> None:
    headers = api.h("complet")
    api.one("complet", "alin", "situation.refresh", client="c-keep")
    cursor = api.http.get("/alin/v1/sync/pull", headers=headers).json()["cursor"]
    api.control("clock", {"advance_days": 30})
    r = api.control("reset")
    assert r.json() == {"today": "2026-11-27", "seed": 1}
    assert (
        api.http.get("/alin/v1/sync/pull", params={"cursor": cursor}, headers=headers).status_code
        == 410
    )
    assert api.last_id("complet", "alin", "c-keep") == 1
    assert api.control("stats", method="GET").json() == {"mutations": {}, "applications": []}
    demand = api.entity("renouvellement", "sne", "demand", "dem-renouvellement")
    assert demand["status"] == "active"
    assert api.control("reset", {"seed": 5}).json()["seed"] == 5


def test_review_accepts_or_rejects_with_a_reason(api) -> None:
    r = api.control("documents/pj-demo-2-identity/review", {"state": "rejected"})
    assert r.status_code == 422
    r = api.control(
        "documents/pj-demo-2-identity/review", {"state": "rejected", "reason": "photo floue"}
    )
    assert r.status_code == 200 and r.json()["value"]["reason"] == "photo floue"
    r = api.control(
        "documents/pj-demo-2-identity/review", {"state": "accepted", "valid_until": "2030-01-01"}
    )
    assert r.json()["value"]["state"] == "accepted" and r.json()["value"]["reason"] is None
    assert api.control("documents/nope/review", {"state": "accepted"}).status_code == 404


def test_situation_1_then_link_and_situation_2_claim(api) -> None:
    assert api.control("demand/create", {"username": "ghost"}).status_code == 404
    assert api.control("demand/create", {"username": "demo"}).status_code == 422
    r = api.control("demand/create", {"username": "brouillon"})
    assert r.status_code == 200
    nur = r.json()["value"]["nur"]
    assert nur[3:7] == "1126"  # first filed this month
    link = api.entity("brouillon", "alin", "link", "lnk-brouillon")
    assert link["draft"] is False and link["nur"] is None
    docs = [
        c["value"] for c in api.pull_all("brouillon", "sne").values() if c["type"] == "document"
    ]
    assert docs and all(d["state"] == "missing" for d in docs)
    assert api.one("brouillon", "alin", "link.create", {"nur": nur})["status"] == "ok"
    assert api.control("account/claim", {"username": "complet"}).status_code == 422
    assert api.control("account/claim", {"username": "numero"}).status_code == 200
    assert api.control("account/claim", {"username": "numero"}).status_code == 422


def test_applications_advance_through_their_statuses(api) -> None:
    offer = next(  # in the Rhône, `complet`'s territory
        c["id"]
        for c in api.pull_all("complet", "alin").values()
        if c["type"] == "offer"
        and c["value"]["status"] == "open"
        and c["value"]["department"] == "69"
    )
    app_id = api.one("complet", "alin", "application.create", {"offer_id": offer})["server_value"][
        "id"
    ]
    assert api.control(f"applications/{app_id}/advance", {"to": "accepted"}).status_code == 422
    for expected in ("transmitted", "examined", "accepted"):
        r = api.control(f"applications/{app_id}/advance", {})
        assert r.status_code == 200 and r.json()["status"] == expected
    r = api.control(f"applications/{app_id}/advance", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_advanceable"
    assert api.control("applications/ap-nope/advance", {}).status_code == 404


def test_transmission_needs_a_complete_dossier(api, sandbox) -> None:
    # Make a complete dossier incomplete after applying, then try to transmit.
    offer = next(  # in the Rhône, `complet`'s territory
        c["id"]
        for c in api.pull_all("complet", "alin").values()
        if c["type"] == "offer"
        and c["value"]["status"] == "open"
        and c["value"]["department"] == "69"
    )
    app_id = api.one("complet", "alin", "application.create", {"offer_id": offer})["server_value"][
        "id"
    ]
    api.control(
        "documents/pj-complet-1-identity/review", {"state": "rejected", "reason": "expirée"}
    )
    r = api.control(f"applications/{app_id}/advance", {})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "dossier_incomplete"
    assert r.json()["error"]["missing"] == ["pj-complet-1-identity"]
    r = api.control(f"applications/{app_id}/advance", {"to": "refused"})
    assert r.json()["status"] == "refused"


def test_offers_are_created_or_replaced_by_reference_verbatim(api) -> None:
    fields = {
        "reference": "LDL-1",
        "residence_title": "Les Lilas \x1b[31m[b]rouge[/b]",
        "address": "3 rue des Roses",
        "commune": "Montreuil",
        "postal_code": "93100",
        "department": "93",
        "zone": "paris",  # v3: required like every field but lift and published_on
        "typology": "T3",
        "surface_m2": 64.5,
        "floor": 2,
        "rent_cents": 52000,
        "charges_cents": 9000,
        "financing": "PLUS",
        "available_on": "2027-02-01",
        "closes_on": "2026-12-20",
        "status": "open",
    }
    r = api.control("offers", {"fields": fields})
    assert r.status_code == 201
    created = r.json()
    assert created["value"]["residence_title"] == fields["residence_title"]
    assert created["value"]["zone"] == "paris"
    r = api.control("offers", {"fields": {**fields, "rent_cents": 50000}})
    assert r.status_code == 200 and r.json()["id"] == created["id"]
    assert r.json()["version"] == created["version"] + 1
    assert api.control("offers", {"fields": {**fields, "typology": "T9"}}).status_code == 422
    assert api.control("offers", {"fields": {**fields, "rent_cents": "500"}}).status_code == 422
