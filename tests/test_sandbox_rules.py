"""Every refusal code of PROTOCOL.md §3, and the rules behind them, against the real sandbox."""

from __future__ import annotations

import pytest

from tests.sandbox_client import PDF

DEMO_NUR_LEN = 18


def code(result: dict) -> str:
    return result.get("code") or result["status"]


# --- national file ------------------------------------------------------------------------


def test_sne_refusals_in_order(api) -> None:
    # no_account comes first, whatever the arguments
    assert code(api.one("brouillon", "sne", "demand.update", {"fields": {"x": 1}})) == "no_account"
    assert code(api.one("brouillon", "sne", "demand.renew")) == "no_account"
    assert code(api.one("brouillon", "sne", "document.remove", {"slot_id": "z"})) == "no_account"
    # demand_inactive: a radiated demand
    assert code(api.one("foyer-01", "sne", "demand.renew")) == "demand_inactive"
    assert (
        code(
            api.one("foyer-01", "sne", "demand.update", {"fields": {"phone": "01"}}, base_version=2)
        )
        == "demand_inactive"
    )
    # invalid: a field that cannot be changed, a wrong type, a missing base_version
    assert (
        code(api.one("demo", "sne", "demand.update", {"fields": {"nur": "x"}}, base_version=1))
        == "invalid"
    )
    assert (
        code(
            api.one(
                "demo",
                "sne",
                "demand.update",
                {"fields": {"reference_income_cents": "beaucoup"}},
                base_version=1,
            )
        )
        == "invalid"
    )
    assert code(api.one("demo", "sne", "demand.update", {"fields": {"phone": "01"}})) == "invalid"
    # too_early: 200 days before expiry
    assert code(api.one("demo", "sne", "demand.renew")) == "too_early"


def test_conflict_keeps_the_server_value_and_changes_nothing(api) -> None:
    demand = api.entity("demo", "sne", "demand", "dem-demo")
    r = api.one(
        "demo",
        "sne",
        "demand.update",
        {"fields": {"phone": "01 02"}},
        base_version=demand["version"] + 5,
    )
    assert r["status"] == "conflict" and r["code"] == "conflict"
    assert r["server_version"] == demand["version"]
    assert r["server_value"]["phone"] == demand["phone"]
    assert api.entity("demo", "sne", "demand", "dem-demo") == demand


def test_a_national_side_edit_leaves_al_in_outdated_until_refreshed(api) -> None:
    demand = api.entity("demo", "sne", "demand", "dem-demo")
    r = api.one(
        "demo",
        "sne",
        "demand.update",
        {"fields": {"wished_communes": ["Pantin"]}},
        base_version=demand["version"],
    )
    assert r["status"] == "ok" and r["server_version"] == demand["version"] + 1
    link = api.entity("demo", "alin", "link", "lnk-demo")
    assert link["sne_version"] == demand["version"] + 1
    assert link["situation_version"] == demand["version"]
    offer = next(
        c["id"]
        for c in api.pull_all("complet", "alin").values()
        if c["type"] == "offer" and c["value"]["status"] == "open"
    )
    assert (
        code(api.one("demo", "alin", "application.create", {"offer_id": offer}))
        == "situation_outdated"
    )
    assert api.one("demo", "alin", "situation.refresh")["status"] == "ok"
    link = api.entity("demo", "alin", "link", "lnk-demo")
    assert link["situation_version"] == link["sne_version"]
    # the control route does the same
    r = api.control("demand/edit", {"username": "demo", "fields": {"email": "a@b.fr"}})
    assert r.status_code == 200
    link = api.entity("demo", "alin", "link", "lnk-demo")
    assert link["situation_version"] == link["sne_version"] - 1


def test_documents_attach_and_remove(api) -> None:
    assert (
        code(
            api.one(
                "demo",
                "sne",
                "document.attach",
                {"slot_id": "pj-complet-1-identity", "upload_id": "u"},
            )
        )
        == "slot_unknown"
    )
    assert (
        code(
            api.one(
                "demo",
                "sne",
                "document.attach",
                {"slot_id": "pj-demo-1-payslips", "upload_id": "nope"},
            )
        )
        == "upload_unknown"
    )
    foreign = api.upload("complet")
    assert (
        code(
            api.one(
                "demo",
                "sne",
                "document.attach",
                {"slot_id": "pj-demo-1-payslips", "upload_id": foreign},
            )
        )
        == "upload_unknown"
    )
    half = api.upload("demo", finish=False)
    assert (
        code(
            api.one(
                "demo",
                "sne",
                "document.attach",
                {"slot_id": "pj-demo-1-payslips", "upload_id": half},
            )
        )
        == "invalid_file"
    )
    lying = api.upload("demo", sha="0" * 64)
    assert (
        code(
            api.one(
                "demo",
                "sne",
                "document.attach",
                {"slot_id": "pj-demo-1-payslips", "upload_id": lying},
            )
        )
        == "invalid_file"
    )
    good = api.upload("demo", PDF, "pj-demo-1-payslips")
    r = api.one(
        "demo", "sne", "document.attach", {"slot_id": "pj-demo-1-payslips", "upload_id": good}
    )
    assert r["status"] == "ok"
    slot = api.entity("demo", "sne", "document", "pj-demo-1-payslips")
    assert slot["state"] == "received" and slot["reason"] is None
    # Received on 27 November: the latest slip is October's, good until 31 January.
    assert slot["pay_period"] == "2026-10" and slot["valid_until"] == "2027-01-31"
    assert (
        api.one(
            "demo", "sne", "document.attach", {"slot_id": "pj-demo-1-tax_notice", "upload_id": good}
        )["status"]
        == "ok"
    )
    assert (
        api.entity("demo", "sne", "document", "pj-demo-1-tax_notice")["valid_until"] == "2026-12-31"
    )
    assert (
        api.one("demo", "sne", "document.remove", {"slot_id": "pj-demo-1-payslips"})["status"]
        == "ok"
    )
    assert api.entity("demo", "sne", "document", "pj-demo-1-payslips")["state"] == "missing"
    assert (
        code(api.one("demo", "sne", "document.remove", {"slot_id": "pj-complet-1-identity"}))
        == "slot_unknown"
    )


def test_renewal_is_accepted_within_60_days(api) -> None:
    demand = api.entity("renouvellement", "sne", "demand", "dem-renouvellement")
    r = api.one("renouvellement", "sne", "demand.renew")
    assert r["status"] == "ok"
    after = api.entity("renouvellement", "sne", "demand", "dem-renouvellement")
    assert after["renewed_on"] == "2026-11-27" and after["expires_on"] == "2027-11-27"
    assert after["nur"] == demand["nur"] and after["first_filed_on"] == demand["first_filed_on"]


# --- AL-in ---------------------------------------------------------------------------------


def _open_offers(api, n: int, department: str | None = None) -> list[str]:
    """The first `n` open offers (of `department` when given: `complet`'s demand is in the Rhône,
    and an offer elsewhere is `out_of_territory`)."""
    changes = api.pull_all("complet", "alin").values()
    return [
        c["id"]
        for c in changes
        if c["type"] == "offer"
        and c["value"]["status"] == "open"
        and department in (None, c["value"]["department"])
    ][:n]


def _closed_offer(api, department: str | None = None) -> str:
    return next(
        c["id"]
        for c in api.pull_all("complet", "alin").values()
        if c["type"] == "offer"
        and c["value"]["status"] == "closed"
        and department in (None, c["value"]["department"])
    )


def test_link_refusals_and_warning(api) -> None:
    assert code(api.one("demo", "alin", "link.create", {"nur": "12-34"})) == "invalid_nur"
    assert code(api.one("demo", "alin", "link.create", {"nur": 42})) == "invalid"
    assert (
        code(api.one("demo", "alin", "link.create", {"nur": "1111023517879GDPUB"})) == "nur_unknown"
    )
    complet = api.entity("complet", "sne", "demand", "dem-complet")["nur"]
    # v3: another applicant's number answers as a number that does not exist
    assert code(api.one("demo", "alin", "link.create", {"nur": complet})) == "nur_unknown"
    own = api.entity("foyer-02", "sne", "demand", "dem-foyer-02")["nur"]
    spaced = f"{own[:3]} {own[3:7]}-{own[7:13]}.{own[13:].lower()}"
    r = api.one("foyer-02", "alin", "link.create", {"nur": spaced})
    assert r["status"] == "ok"
    link = api.entity("foyer-02", "alin", "link", "lnk-foyer-02")
    assert link["nur"] == own and link["state"] == "linked"
    assert link["situation_version"] == link["sne_version"]
    assert api.one("foyer-02", "alin", "link.create", {"nur": own})["status"] == "ok"


def test_a_claimed_number_links_and_an_odd_looking_one_links_with_a_warning(api, sandbox) -> None:
    r = api.control("account/claim", {"username": "numero"})
    assert r.status_code == 200
    nur = r.json()["value"]["nur"]
    assert api.entity("numero", "alin", "link", "lnk-numero")["nur"] == nur
    r = api.one("numero", "alin", "link.create", {"nur": nur})
    assert r["status"] == "ok" and "message" not in r
    link = api.entity("numero", "alin", "link", "lnk-numero")
    assert (link["state"], link["origin"]) == ("linked", "alin")
    assert (
        api.control("demand/edit", {"username": "numero", "fields": {"nur": nur}}).status_code
        == 422
    )
    # Fault injection on the real file: give the demand a number whose month is 13.
    import json

    from alin_tui.sandbox.store import SandboxStore

    store = SandboxStore(sandbox.config.db)
    odd = nur[:3] + "13" + nur[5:]
    with store.write() as conn:
        e = store.get(conn, "demand", "dem-numero")
        store.put(
            conn,
            type_="demand",
            id_=e.id,
            service="sne",
            owner="numero",
            value={**e.value, "nur": odd},
            version=e.version,
        )
    assert (
        json.loads(
            store.conn.execute("SELECT value FROM entities WHERE id = 'dem-numero'").fetchone()[0]
        )["nur"]
        == odd
    )
    r = api.one("numero", "alin", "link.create", {"nur": odd})
    assert r["status"] == "ok" and r["message"].startswith("warning:")


def test_alin_refusals(api) -> None:
    open_ids = _open_offers(api, 5, department="69")  # `complet`'s territory
    assert code(api.one("brouillon", "alin", "situation.refresh")) == "not_linked"
    assert (
        code(api.one("complet", "alin", "application.create", {"offer_id": "of-999999"}))
        == "offer_unknown"
    )
    assert (
        code(api.one("foyer-02", "alin", "application.create", {"offer_id": open_ids[0]}))
        == "not_linked"
    )
    assert (
        code(api.one("foyer-01", "alin", "application.create", {"offer_id": open_ids[0]}))
        == "demand_inactive"
    )
    assert (
        code(api.one("foyer-03", "alin", "application.create", {"offer_id": open_ids[0]}))
        == "situation_outdated"
    )
    r = api.one("demo", "alin", "application.create", {"offer_id": open_ids[0]})
    assert r["code"] == "dossier_incomplete"
    assert set(r["missing"]) == {
        "pj-demo-1-payslips",
        "pj-demo-2-identity",
        "pj-demo-2-payslips",
        "pj-demo-2-tax_notice",
    }
    # PROTOCOL v3: the message is words, no slot id; `missing` keeps the ids
    assert "4 pièces à fournir" in r["message"] and "pj-" not in r["message"]
    assert (
        code(
            api.one("complet", "alin", "application.create", {"offer_id": _closed_offer(api, "69")})
        )
        == "offer_closed"
    )
    first = api.one("complet", "alin", "application.create", {"offer_id": open_ids[0]})
    assert first["status"] == "ok"
    app = first["server_value"]
    assert app["offer_id"] == open_ids[0] and app["status"] == "submitted" and app["rank"] is None
    dup = api.one("complet", "alin", "application.create", {"offer_id": open_ids[0]})
    assert dup["status"] == "duplicate" and dup["server_value"]["id"] == app["id"]
    for offer in open_ids[1:3]:
        assert (
            api.one("complet", "alin", "application.create", {"offer_id": offer})["status"] == "ok"
        )
    assert (
        code(api.one("complet", "alin", "application.create", {"offer_id": open_ids[3]}))
        == "application_limit"
    )
    # withdrawing frees a place; a withdrawn offer stays "duplicate" forever
    assert (
        code(api.one("complet", "alin", "application.withdraw", {"application_id": "ap-999999"}))
        == "application_unknown"
    )
    assert (
        code(api.one("demo", "alin", "application.withdraw", {"application_id": app["id"]}))
        == "application_unknown"
    )
    assert (
        api.one("complet", "alin", "application.withdraw", {"application_id": app["id"]})["status"]
        == "ok"
    )
    assert (
        code(api.one("complet", "alin", "application.withdraw", {"application_id": app["id"]}))
        == "not_withdrawable"
    )
    assert (
        api.one("complet", "alin", "application.create", {"offer_id": open_ids[3]})["status"]
        == "ok"
    )
    assert (
        api.one("complet", "alin", "application.create", {"offer_id": open_ids[0]})["status"]
        == "duplicate"
    )
    stats = api.control("stats", method="GET").json()
    assert {
        (a["offer_id"], a["count"]) for a in stats["applications"] if a["username"] == "complet"
    } == {(o, 1) for o in open_ids[:4]}


@pytest.mark.parametrize(
    ("service", "name", "args"),
    [("sne", "link.create", {"nur": "x"}), ("alin", "demand.renew", {}), ("alin", "teleport", {})],
)
def test_unknown_or_misrouted_mutations_are_rejected(api, service, name, args) -> None:
    assert code(api.one("complet", service, name, args)) == "unknown_mutation"


def test_arguments_of_the_wrong_shape_are_invalid(api) -> None:
    assert code(api.one("complet", "alin", "application.create", {"offer": 1})) == "invalid"
    first = api.last_id("complet", "alin", "c-x") + 1
    r = api.push(
        "complet",
        "alin",
        [
            {"id": first, "name": "application.create", "args": [1]},
            {"id": first + 1, "name": "situation.refresh", "args": "x"},
        ],
        "c-x",
    )
    assert r.status_code == 200
    assert [(x["status"], x["code"]) for x in r.json()["results"]] == [
        ("rejected", "invalid"),
        ("rejected", "invalid"),
    ]


def test_a_user_without_national_account_gets_no_account_for_every_sne_mutation(api) -> None:
    for name, args in (
        ("document.attach", {}),
        ("document.remove", {"slot_id": 3}),
        ("demand.update", "x"),
        ("demand.renew", {}),
    ):
        result = api.one("brouillon", "sne", name, args)
        assert code(result) == "no_account", name


def test_an_offer_outside_the_demands_territory_is_refused_naming_both(api) -> None:
    """`complet`'s number starts 069 (the Rhône): an offer in the Seine-Saint-Denis is
    `out_of_territory`, one in the Rhône goes; the refusal names both in words."""
    offers = [
        c
        for c in api.pull_all("complet", "alin").values()
        if c["type"] == "offer" and c["value"]["status"] == "open"
    ]
    assert api.entity("complet", "sne", "demand", "dem-complet")["nur"].startswith("069")
    outside = next(c["id"] for c in offers if c["value"]["department"] == "93")
    inside = next(c["id"] for c in offers if c["value"]["department"] == "69")
    r = api.one("complet", "alin", "application.create", {"offer_id": outside})
    assert r["status"] == "rejected" and r["code"] == "out_of_territory"
    assert r["message"] == (
        "Cette offre est dans la Seine-Saint-Denis ; votre demande couvre le Rhône."
    )
    assert api.one("complet", "alin", "application.create", {"offer_id": inside})["status"] == "ok"
    # `foyer-05` (ready, number 067: the Bas-Rhin) is refused the Rhône offer
    rhone = api.one("foyer-05", "alin", "application.create", {"offer_id": inside})
    assert rhone["code"] == "out_of_territory" and "le Bas-Rhin" in rhone["message"]
