"""`alin-tui apply` refuses, before anything is queued, an offer outside the territory of the
demand (PROTOCOL v3 `out_of_territory`, §8: the code on stdout, exit 3, words on stderr), and
`offers search --json` says which offers are in it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import Cli


def test_apply_refuses_an_offer_outside_the_demands_territory_locally(sandbox, tmp_path: Path):
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("complet").returncode == 0  # a demand in the Rhône (number 069…)
    assert cli.run("sync", "--once").returncode == 0
    offers = json.loads(cli.run("offers", "search", "--json", "--limit", "1000").stdout)
    by_department = {o["department"]: o for o in offers}
    assert by_department["93"]["in_territory"] is False
    assert by_department["69"]["in_territory"] is True
    assert all(o["in_territory"] is (o["department"] == "69") for o in offers)

    outside = by_department["93"]["id"]
    r = cli.run("apply", outside, ALIN_SERVER="http://127.0.0.1:9")  # no network needed
    assert (r.returncode, r.stdout.strip()) == (3, "out_of_territory")
    assert "dans la Seine-Saint-Denis" in r.stderr and "(le Rhône)" in r.stderr
    assert "en Île-de-France" in r.stderr  # the demand that would be needed
    assert "out_of_territory" not in r.stderr and "93" not in r.stderr
    r = cli.run("apply", outside, "--lang", "en")
    assert r.stdout.strip() == "out_of_territory" and "in Seine-Saint-Denis" in r.stderr
    assert cli.status()["sync"]["pending"] == 0  # nothing queued

    inside = by_department["69"]
    spaced = inside["reference"].lower().replace("-", " ")
    r = cli.run("apply", f" {spaced} ")  # the reference shown, any case, spaces for dashes
    assert r.returncode == 0, r.stderr
    assert inside["reference"] in r.stdout and inside["commune"] in r.stdout  # named, in words
    assert cli.status()["sync"]["pending"] == 1
    r = cli.run("apply", "AL00-0000-000000")
    assert r.returncode == 1 and "référence" in r.stderr
    assert cli.run("sync", "--once").returncode == 0
    assert inside["reference"] in cli.run("status").stdout  # what to give `withdraw`
    r = cli.run("withdraw", inside["reference"])  # by the offer's reference, as shown
    assert r.returncode == 0, r.stderr
    assert inside["commune"] in r.stdout
    r = cli.run("withdraw", "AL00-0000-000000")
    assert r.returncode == 1 and "référence de son offre" in r.stderr


def test_in_territory_is_null_without_a_demand_number(sandbox, tmp_path: Path):
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("brouillon").returncode == 0  # a draft, no number
    assert cli.run("sync", "--once").returncode == 0
    offers = json.loads(cli.run("offers", "search", "--json", "--limit", "20").stdout)
    assert offers and all(o["in_territory"] is None for o in offers)


def test_every_reason_is_said_and_the_text_search_marks_the_offers_outside(
    sandbox, tmp_path: Path
) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("demo").returncode == 0  # Île-de-France (111…), dossier incomplete
    assert cli.run("sync", "--once").returncode == 0
    tours = json.loads(cli.run("offers", "search", "tours", "--json", "--limit", "1").stdout)[0]
    r = cli.run("apply", tours["id"])
    assert (r.returncode, r.stdout.strip()) == (3, "dossier_incomplete")  # the first, for scripts
    assert "dossier incomplet" in r.stderr and "hors du territoire" in r.stderr  # both, for people
    text = cli.run("offers", "search", "tours", "--limit", "1").stdout
    assert "⊘ hors du territoire de votre demande" in text
    inside = cli.run("offers", "search", "bobigny", "--limit", "1").stdout
    assert "⊘" not in inside
    english = cli.run("--lang", "en", "offers", "search", "tours", "--limit", "1").stdout
    assert "outside your demand's territory" in english


def test_a_store_never_synced_says_so_instead_of_no_match(tmp_path: Path) -> None:
    r = Cli(tmp_path / "data", None).run("offers", "search", "lyon")
    assert r.returncode == 0 and "jamais été synchronisé" in r.stdout
