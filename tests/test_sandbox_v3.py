"""PROTOCOL v3 on the sandbox side: `link.create` answers `nur_unknown` for any number that is not
the caller's, the commission's `decide` and `rank` null until it decides, `POST offers` naming the
field it refuses, refusal messages in words."""

from __future__ import annotations

import pytest

IDF = {"75", "77", "78", "91", "92", "93", "94", "95"}


def _open_offers(api, n: int, user: str = "complet") -> list[str]:
    """Open offers `user` may apply to: within the territory of the demand (its department; the
    Île-de-France region for a number starting 111)."""
    code = api.entity(user, "sne", "demand", f"dem-{user}")["nur"][:3]
    territory = IDF if code == "111" else {code, code[1:]}
    changes = api.pull_all(user, "alin").values()
    return [
        c["id"]
        for c in changes
        if c["type"] == "offer"
        and c["value"]["status"] == "open"
        and c["value"]["department"] in territory
    ][:n]


def _examined(api, offer: str, user: str = "complet") -> str:
    """An application of `user` on `offer`, advanced to `examined`."""
    r = api.one(user, "alin", "application.create", {"offer_id": offer})
    assert r["status"] == "ok", r
    app_id = r["server_value"]["id"]
    for expected in ("transmitted", "examined"):
        r = api.control(f"applications/{app_id}/advance", {})
        assert r.status_code == 200 and r.json()["status"] == expected
    return app_id


def _error(r) -> dict:
    return r.json()["error"]


def _pull(api, user: str, service: str, cursor: str | None = None) -> tuple[dict, str]:
    """Every change since `cursor` (by `type:id`), and the cursor to go on from."""
    changes: dict[str, dict] = {}
    while True:
        params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        body = api.http.get(f"/{service}/v1/sync/pull", params=params, headers=api.h(user)).json()
        changes.update({f"{c['type']}:{c['id']}": c for c in body["changes"]})
        cursor = body["cursor"]
        if not body["has_more"]:
            return changes, cursor


# --- link.create ---------------------------------------------------------------------------


def test_a_number_not_the_callers_is_unknown_whether_or_not_it_exists(api) -> None:
    before = api.entity("foyer-02", "alin", "link", "lnk-foyer-02")
    others = api.entity("complet", "sne", "demand", "dem-complet")["nur"]
    nobodys = "1111023517879GDPUB"
    assert not any(
        c["type"] == "demand" and c["value"]["nur"] == nobodys
        for user in ("demo", "complet", "foyer-02")
        for c in api.pull_all(user, "sne").values()
    )
    existing = api.one("foyer-02", "alin", "link.create", {"nur": others})
    missing = api.one("foyer-02", "alin", "link.create", {"nur": nobodys})
    assert existing["status"] == missing["status"] == "rejected"
    assert existing["code"] == missing["code"] == "nur_unknown"
    assert existing["message"] == missing["message"]
    assert others not in existing["message"] and nobodys not in missing["message"]
    assert set(existing) == set(missing)  # nothing extra tells one from the other
    assert api.entity("foyer-02", "alin", "link", "lnk-foyer-02") == before
    # the caller's own number still links
    own = api.entity("foyer-02", "sne", "demand", "dem-foyer-02")["nur"]
    assert api.one("foyer-02", "alin", "link.create", {"nur": own})["status"] == "ok"


# --- rank null until the commission --------------------------------------------------------


def test_rank_is_null_at_creation_and_through_the_advances(api) -> None:
    offer = _open_offers(api, 1)[0]
    r = api.one("complet", "alin", "application.create", {"offer_id": offer})
    assert r["status"] == "ok" and r["server_value"]["rank"] is None
    app_id = r["server_value"]["id"]
    assert api.entity("complet", "alin", "application", app_id)["rank"] is None
    for expected in ("transmitted", "examined", "accepted"):
        r = api.control(f"applications/{app_id}/advance", {})
        assert r.status_code == 200 and r.json()["status"] == expected
        assert r.json()["rank"] is None
        pulled = api.entity("complet", "alin", "application", app_id)
        assert (pulled["status"], pulled["rank"]) == (expected, None)


# --- decide --------------------------------------------------------------------------------


def test_attribution_accepts_with_rank_1_and_reaches_the_client_by_pull(api) -> None:
    app_id = _examined(api, _open_offers(api, 1)[0])
    first, cursor = _pull(api, "complet", "alin")
    before = first[f"application:{app_id}"]
    r = api.control(f"applications/{app_id}/decide", {"decision": "attribution"})
    assert r.status_code == 200
    assert (r.json()["id"], r.json()["status"], r.json()["rank"]) == (app_id, "accepted", 1)
    after, _ = _pull(api, "complet", "alin", cursor)
    assert set(after) == {f"application:{app_id}"}
    change = after[f"application:{app_id}"]
    assert change["op"] == "put" and change["version"] > before["version"]
    assert (change["value"]["status"], change["value"]["rank"]) == ("accepted", 1)
    # once decided, no second decision
    r = api.control(f"applications/{app_id}/decide", {"decision": "attribution"})
    assert r.status_code == 409 and _error(r)["code"] == "not_examined"
    assert api.entity("complet", "sne", "demand", "dem-complet")["status"] == "active"


@pytest.mark.parametrize("rank", [2, 3])
def test_a_rank_keeps_the_application_examined(api, rank: int) -> None:
    app_id = _examined(api, _open_offers(api, 1)[0])
    r = api.control(f"applications/{app_id}/decide", {"decision": "rank", "rank": rank})
    assert r.status_code == 200 and (r.json()["status"], r.json()["rank"]) == ("examined", rank)
    pulled = api.entity("complet", "alin", "application", app_id)
    assert (pulled["status"], pulled["rank"]) == ("examined", rank)
    # still examined: the commission may decide again (the first-ranked declined)
    r = api.control(f"applications/{app_id}/decide", {"decision": "attribution"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["rank"]) == ("accepted", 1)


def test_non_attribution_refuses_and_leaves_the_demand_alone(api) -> None:
    demand = api.entity("complet", "sne", "demand", "dem-complet")
    app_id = _examined(api, _open_offers(api, 1)[0])
    r = api.control(f"applications/{app_id}/decide", {"decision": "non_attribution"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["rank"]) == ("refused", None)
    pulled = api.entity("complet", "alin", "application", app_id)
    assert (pulled["status"], pulled["rank"]) == ("refused", None)
    assert api.entity("complet", "sne", "demand", "dem-complet") == demand


def test_inadmissible_refuses_and_radiates_the_demand_radirr(api) -> None:
    demand = api.entity("complet", "sne", "demand", "dem-complet")
    _, sne_cursor = _pull(api, "complet", "sne")
    app_id = _examined(api, _open_offers(api, 1)[0])
    r = api.control(f"applications/{app_id}/decide", {"decision": "inadmissible"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["rank"]) == ("refused", None)
    pulled = api.entity("complet", "alin", "application", app_id)
    assert (pulled["status"], pulled["rank"]) == ("refused", None)
    # the radiation reaches the client by pull, as a new version of the demand
    after, _ = _pull(api, "complet", "sne", sne_cursor)
    assert set(after) == {"demand:dem-complet"}
    change = after["demand:dem-complet"]
    radiated = change["value"]
    assert (radiated["status"], radiated["radiation_code"]) == ("radiated", "RADIRR")
    assert radiated["radiated_on"] == api.http.get("/health").json()["today"]
    assert radiated["version"] == demand["version"] + 1 == change["version"]
    assert radiated["nur"] == demand["nur"]
    link = api.entity("complet", "alin", "link", "lnk-complet")
    assert link["sne_version"] == radiated["version"]
    # a radiated demand applies no more
    other = _open_offers(api, 2)[1]
    r = api.one("complet", "alin", "application.create", {"offer_id": other})
    assert r["code"] == "demand_inactive"


def test_decide_needs_an_examined_application(api) -> None:
    offer = _open_offers(api, 1)[0]
    app_id = api.one("complet", "alin", "application.create", {"offer_id": offer})["server_value"][
        "id"
    ]
    for _ in range(2):  # submitted, then transmitted
        r = api.control(f"applications/{app_id}/decide", {"decision": "attribution"})
        assert r.status_code == 409 and _error(r)["code"] == "not_examined"
        assert _error(r)["message"]
        api.control(f"applications/{app_id}/advance", {})
    assert api.entity("complet", "alin", "application", app_id)["status"] == "examined"
    api.control(f"applications/{app_id}/advance", {"to": "refused"})
    r = api.control(f"applications/{app_id}/decide", {"decision": "rank", "rank": 2})
    assert r.status_code == 409 and _error(r)["code"] == "not_examined"
    r = api.control("applications/ap-nope/decide", {"decision": "attribution"})
    assert r.status_code == 404 and _error(r)["code"] == "not_found"
    r = api.http.post(
        f"/sandbox/v1/applications/{app_id}/decide",
        json={"decision": "attribution"},
        headers=api.h("complet"),
    )
    assert r.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "maybe"},
        {"decision": "rank"},
        {"decision": "rank", "rank": None},
        {"decision": "rank", "rank": 1},
        {"decision": "rank", "rank": 4},
        {"decision": "rank", "rank": "2"},
        {"decision": "rank", "rank": 2.0},
        {"decision": "rank", "rank": True},
        {"decision": "attribution", "rank": 1},
        {"decision": "non_attribution", "rank": 2},
        {"decision": "attribution", "junk": 1},
        {"decision": "ATTRIBUTION"},
        {"rank": 2},
        {},
        [],
        "attribution",
        None,
    ],
)
def test_decide_refuses_anything_else_with_422(api, body) -> None:
    app_id = _examined(api, _open_offers(api, 1)[0])
    r = api.control(f"applications/{app_id}/decide", body)
    assert r.status_code == 422, (body, r.text)
    assert _error(r)["code"] == "invalid_request"
    pulled = api.entity("complet", "alin", "application", app_id)
    assert (pulled["status"], pulled["rank"]) == ("examined", None)


def test_openapi_describes_decide_and_the_offer_fields(sandbox, api) -> None:
    doc = api.http.get("/openapi.json").json()
    op = doc["paths"]["/sandbox/v1/applications/{application_id}/decide"]["post"]
    assert {"200", "404", "409", "422"} <= set(op["responses"])
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["properties"]["decision"]["enum"]) == {
        "attribution",
        "rank",
        "non_attribution",
        "inadmissible",
    }
    assert schema["required"] == ["decision"]
    offers = doc["paths"]["/sandbox/v1/offers"]["post"]
    ref = offers["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]["fields"]
    assert "surface_m2" in fields["required"] and "zone" in fields["required"]
    assert "lift" not in fields["required"] and "published_on" not in fields["required"]


# --- POST offers ---------------------------------------------------------------------------

OFFER = {
    "reference": " LDL-v3 ",
    "residence_title": "  Les Lilas  [b]",
    "address": "3 rue des Roses",
    "commune": "montreuil",
    "postal_code": "93100",
    "department": "93",
    "zone": "paris",
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


def test_offers_are_created_then_replaced_by_reference_verbatim(api) -> None:
    r = api.control("offers", {"fields": OFFER})
    assert r.status_code == 201, r.text
    created = r.json()
    for key in ("reference", "residence_title", "address", "commune"):
        assert created["value"][key] == OFFER[key]
    assert created["value"]["lift"] is False and created["value"].get("published_on") is None
    r = api.control("offers", {"fields": {**OFFER, "rent_cents": 50000, "lift": True}})
    assert r.status_code == 200 and r.json()["id"] == created["id"]
    assert r.json()["version"] == created["version"] + 1
    assert (r.json()["value"]["rent_cents"], r.json()["value"]["lift"]) == (50000, True)
    pulled = api.entity("demo", "alin", "offer", created["id"])
    assert pulled["rent_cents"] == 50000 and pulled["reference"] == OFFER["reference"]
    r = api.control("offers", {"fields": {**OFFER, "reference": "LDL-v3"}})
    assert r.status_code == 201 and r.json()["id"] != created["id"]  # verbatim: another one
    r = api.control("offers", {"fields": {**OFFER, "reference": "P", "published_on": "2026-11-01"}})
    assert r.status_code == 201 and r.json()["value"]["published_on"] == "2026-11-01"


@pytest.mark.parametrize("missing", [k for k in OFFER])
def test_a_missing_offer_field_is_named(api, missing: str) -> None:
    fields = {k: v for k, v in OFFER.items() if k != missing}
    r = api.control("offers", {"fields": fields})
    assert r.status_code == 422, r.text
    error = _error(r)
    assert error["code"] == "invalid_request" and missing in error["message"]


@pytest.mark.parametrize(
    ("field", "wrong"),
    [
        ("surface_m2", "64.5"),
        ("surface_m2", True),
        ("surface_m2", None),
        ("surface_m2", 0),
        ("rent_cents", "500"),
        ("rent_cents", 520.5),
        ("rent_cents", 52000.0),
        ("rent_cents", -1),
        ("charges_cents", False),
        ("floor", "2"),
        ("floor", 2.5),
        ("status", "ouverte"),
        ("status", None),
        ("financing", "PLI"),
        ("typology", "T9"),
        ("zone", "lyon"),
        ("lift", "yes"),
        ("lift", 1),
        ("available_on", "demain"),
        ("closes_on", 20261220),
        ("published_on", "2026-13-01"),
        ("reference", 12),
        ("commune", None),
        ("postal_code", 93100),
        ("residence_title", ["Les Lilas"]),
    ],
)
def test_a_wrong_offer_field_is_named(api, field: str, wrong) -> None:
    r = api.control("offers", {"fields": {**OFFER, "reference": "WRONG", field: wrong}})
    assert r.status_code == 422, (field, wrong, r.text)
    error = _error(r)
    assert error["code"] == "invalid_request" and f"« {field} »" in error["message"]
    assert error["field"] == field
    assert not any(
        c["type"] == "offer" and c["value"]["reference"] == "WRONG"
        for c in api.pull_all("demo", "alin").values()
    )


# --- refusal messages are words ------------------------------------------------------------


def test_refusal_messages_name_no_internal_id_or_code(api) -> None:
    results = {
        "slot_unknown": api.one(
            "demo", "sne", "document.attach", {"slot_id": "pj-complet-1-identity", "upload_id": "u"}
        ),
        "upload_unknown": api.one(
            "demo", "sne", "document.attach", {"slot_id": "pj-demo-1-payslips", "upload_id": "up-x"}
        ),
        "application_unknown": api.one(
            "demo", "alin", "application.withdraw", {"application_id": "ap-424242"}
        ),
        "unknown_mutation": api.one("demo", "alin", "demand.renew"),
        "too_early": api.one("demo", "sne", "demand.renew"),
        "invalid": api.one(
            "demo", "sne", "demand.update", {"fields": {"nur": "X"}}, base_version=1
        ),
    }
    for code, r in results.items():
        assert r["code"] == code, (code, r)
        message = r["message"]
        for token in (
            "pj-",
            "up-x",
            "ap-424242",
            "demand.renew",
            "sne",
            "alin",
            "nur",
            "fields",
            "_",
        ):
            assert token not in message, (code, message)
        assert message[0].isupper() and message.endswith("."), message
    r = api.one("demo", "sne", "document.remove", {"slot_id": "pj-nope"})
    assert r["message"] == "Cette pièce n'existe pas dans votre dossier."
