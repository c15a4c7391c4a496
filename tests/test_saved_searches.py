"""Saved searches and new-offer alerts: the store (save, replace, remove, arrivals, what is new,
what is announced) and the command line (`offers save | new | saved | unsave`) against a real
sandbox, where offers created after a search was saved reach it through a sync."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from alin_tui import alerts
from alin_tui.alerts import NewOfferOut, SavedSearchOut
from alin_tui.exits import UsageError
from alin_tui.sqlite import migrate
from alin_tui.sqlite.migrate import discover
from alin_tui.store import offers as offer_store
from alin_tui.store import saved
from alin_tui.store.db import client_migrations_dir, connect
from alin_tui.store.search import search
from alin_tui.ui.i18n import Translator
from tests.cli_helpers import Cli

TODAY = dt.date(2026, 11, 27)  # DEMO_DAY, the sandbox's start day


def offer(reference: str, **fields) -> dict:
    value = {
        "reference": reference,
        "residence_title": "Les Lilas",
        "address": "3 rue des Roses",
        "commune": "Montreuil",
        "postal_code": "93100",
        "department": "93",
        "typology": "T3",
        "surface_m2": 64.5,
        "floor": 2,
        "rent_cents": 52000,
        "charges_cents": 9000,
        "financing": "PLUS",
        "zone": "idf",
        "available_on": "2027-02-01",
        "closes_on": "2027-01-20",
        "status": "open",
    }
    value.update(fields)
    return value


@pytest.fixture
def conn(tmp_path: Path):
    db = connect(tmp_path / "store.db")
    yield db
    db.close()


def put(db: sqlite3.Connection, id_: str, reference: str, **fields) -> None:
    offer_store.put(db, id_, 1, offer(reference, **fields))


# --- the store ---------------------------------------------------------------------------------


def test_a_search_is_saved_under_a_trimmed_name_replaced_by_name_and_removed(conn) -> None:
    first, replaced = saved.save(conn, "  Montreuil  ", "montreuil", typology="t3")
    assert (first.name, first.typology, replaced) == ("Montreuil", "T3", False)
    again, replaced = saved.save(conn, "Montreuil", "montreuil", max_rent_cents=70000)
    assert replaced and again.typology is None and again.max_rent_cents == 70000
    assert saved.names(conn) == ["Montreuil"]
    assert saved.remove(conn, "Montreuil") and not saved.remove(conn, "Montreuil")
    assert saved.searches(conn) == []


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "name_empty"),
        ("   ", "name_empty"),
        ("x" * 41, "name_long"),
        ("a\tb", "name_unprintable"),
    ],
)
def test_a_name_is_one_to_forty_printable_characters(conn, name, code) -> None:
    with pytest.raises(saved.InvalidSearch) as caught:
        saved.save(conn, name, "montreuil")
    assert caught.value.code == code
    assert saved.save(conn, "x" * 40, "")[0].name == "x" * 40


def test_a_wrong_type_is_refused(conn) -> None:
    with pytest.raises(saved.InvalidSearch) as caught:
        saved.save(conn, "n", "", typology="T9")
    assert caught.value.code == "typology"


def test_only_matching_open_offers_arrived_after_saving_are_new(conn) -> None:
    put(conn, "of-old", "OLD")
    saved.save(conn, "Montreuil T3", "montreuil t3")
    assert saved.new_offers(conn, None, TODAY) == []
    put(conn, "of-new", "NEW")
    put(conn, "of-t2", "T2", typology="T2")
    put(conn, "of-lyon", "LYON", commune="Lyon", postal_code="69001", department="69")
    put(conn, "of-closed", "CLOSED", status="closed")
    put(conn, "of-past", "PAST", closes_on="2026-11-26")
    put(conn, "of-old", "OLD", rent_cents=1)  # a changed offer is not a new one
    found = saved.new_offers(conn, "Montreuil T3", TODAY)
    assert [f.offer["id"] for f in found] == ["of-new"]
    assert saved.new_counts(conn, TODAY) == {"Montreuil T3": 1}


def test_offers_written_again_by_a_pull_from_no_cursor_are_not_new(conn) -> None:
    put(conn, "of-1", "ONE")
    saved.save(conn, "all", "")
    conn.execute("DELETE FROM offers")  # what a reset pull does before writing every offer again
    put(conn, "of-1", "ONE")
    assert saved.new_offers(conn, None, TODAY) == []


def test_each_arrival_is_announced_once_and_seen_ones_not_at_all(conn) -> None:
    saved.save(conn, "Montreuil", "montreuil")
    saved.save(conn, "T2", "", typology="T2")
    put(conn, "of-1", "ONE")
    put(conn, "of-2", "TWO")
    assert saved.to_notify(conn, TODAY) == [("Montreuil", 2)]
    assert saved.to_notify(conn, TODAY) == []
    put(conn, "of-3", "THREE", typology="T2", commune="Lyon", postal_code="69001")
    saved.mark_seen(conn, "T2")
    assert saved.to_notify(conn, TODAY) == []
    assert [f.offer["id"] for f in saved.new_offers(conn, None, TODAY)] == ["of-1", "of-2"]
    saved.mark_seen(conn, None)
    assert saved.new_offers(conn, None, TODAY) == []


def test_offers_closing_within_seven_days_are_flagged(conn) -> None:
    saved.save(conn, "all", "")
    put(conn, "of-today", "A", closes_on="2026-11-27")
    put(conn, "of-7", "B", closes_on="2026-12-04")
    put(conn, "of-8", "C", closes_on="2026-12-05")
    soon = {f.offer["id"]: f.closing_soon for f in saved.new_offers(conn, None, TODAY)}
    assert soon == {"of-today": True, "of-7": True, "of-8": False}


def test_the_search_box_words_and_the_filters_match_as_in_the_offres_list(conn) -> None:
    saved.save(conn, "cheap", "montreuil 650€")
    saved.save(conn, "93", "", commune="93")
    put(conn, "of-cheap", "CHEAP", rent_cents=50000, charges_cents=10000)
    put(conn, "of-dear", "DEAR", rent_cents=60000, charges_cents=10000)
    assert [f.offer["id"] for f in saved.new_offers(conn, "cheap", TODAY)] == ["of-cheap"]
    assert len(saved.new_offers(conn, "93", TODAY)) == 2


def test_offers_stored_before_the_migration_are_not_new(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    before = tmp_path / "mig7"
    before.mkdir()
    for m in discover(client_migrations_dir())[:7]:
        shutil.copy(m.path, before / m.path.name)
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, before)
    put(old, "of-1", "ONE")
    put(old, "of-2", "TWO")
    old.close()
    db = connect(path)
    assert db.execute("SELECT offer_id FROM offer_arrivals ORDER BY seq").fetchall() == [
        ("of-1",),
        ("of-2",),
    ]
    saved.save(db, "all", "")
    assert saved.new_offers(db, None, TODAY) == []
    put(db, "of-3", "THREE")
    assert [f.offer["id"] for f in saved.new_offers(db, None, TODAY)] == ["of-3"]


def test_offers_search_results_carry_closing_soon(conn) -> None:
    conn.execute(
        "INSERT INTO sync_state (service, server_today) VALUES ('alin', ?)", (TODAY.isoformat(),)
    )
    put(conn, "of-soon", "SOON", closes_on="2026-11-30")
    put(conn, "of-later", "LATER")
    results = {r["id"]: r for r in search(conn, "")}
    assert results["of-soon"]["closing_soon"] and not results["of-later"]["closing_soon"]
    assert {"eligible", "score", "reference", "rent_cents"} <= set(results["of-soon"])


# --- the handlers, called as the command line calls them ---------------------------------------


def test_handlers_list_the_new_offers_and_mark_them_read(tmp_path: Path, capsys) -> None:
    from alin_tui.config import Settings

    settings, t = Settings(data_dir=tmp_path), Translator("fr")
    db = connect(settings.store_path)
    args = argparse.Namespace(
        name="Montreuil", text="montreuil", commune=None, typology="T3", max_rent=700.0
    )
    assert alerts.run_save(args, settings, t) == 0
    put(db, "of-1", "REF-1", closes_on=dt.date.today().isoformat())
    capsys.readouterr()
    new = argparse.Namespace(search=None, json=False, mark_read=False)
    assert alerts.run_new(new, settings, t) == 0
    out = capsys.readouterr().out
    assert (
        "of-1  REF-1 · Les Lilas · Montreuil (93100) · T3 · 64 m² · 610,00\xa0€ charges comprises"
        in out
    )
    assert "ferme bientôt" in out and "473.03" not in out
    assert (
        alerts.run_new(argparse.Namespace(search=None, json=True, mark_read=True), settings, t) == 0
    )
    assert len(json.loads(capsys.readouterr().out)) == 1
    assert (
        alerts.run_new(argparse.Namespace(search=None, json=True, mark_read=False), settings, t)
        == 0
    )
    assert json.loads(capsys.readouterr().out) == []
    with pytest.raises(UsageError, match="Montreuil"):
        alerts.run_new(argparse.Namespace(search="nope", json=True, mark_read=False), settings, t)
    db.close()


# --- the command line against a real sandbox --------------------------------------------------


def create(api, reference: str, **fields) -> str:
    r = api.control("offers", {"fields": offer(reference, **fields)})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def new_json(cli: Cli, *extra: str) -> list[NewOfferOut]:
    r = cli.run("offers", "new", "--json", *extra)
    assert r.returncode == 0, r.stderr
    return [NewOfferOut.model_validate(e) for e in json.loads(r.stdout)]


def test_an_offer_created_after_saving_is_new_after_a_sync_until_marked_read(
    sandbox, api, tmp_path
) -> None:
    cli = Cli(tmp_path / "data", sandbox.url, profile="p1")
    assert cli.login("complet").returncode == 0, cli.login("complet").stderr
    assert cli.run("sync", "--once").returncode == 0
    r = cli.run("offers", "save", "Montreuil T3", "montreuil", "--typology", "T3")
    assert r.returncode == 0, r.stderr
    assert "Montreuil T3" in r.stdout
    assert new_json(cli) == []

    soon = create(api, "ALERT-SOON", closes_on="2026-11-30")
    later = create(api, "ALERT-LATER", closes_on="2027-01-15", rent_cents=48000)
    create(api, "ALERT-LYON", commune="Lyon", postal_code="69003", department="69")
    create(api, "ALERT-T1", typology="T1")
    assert new_json(cli) == []  # not synced yet

    assert cli.run("sync", "--once").returncode == 0
    found = new_json(cli)
    assert {o.id: o.closing_soon for o in found} == {soon: True, later: False}
    assert {o.search for o in found} == {"Montreuil T3"}
    by_id = {o.id: o for o in found}
    assert by_id[later].reference == "ALERT-LATER" and by_id[later].rent_cents == 48000
    assert by_id[later].eligible in (True, False, None)
    assert len(new_json(cli, "--search", "Montreuil T3")) == 2  # listing changes nothing

    r = cli.run("offers", "saved", "--json")
    assert r.returncode == 0, r.stderr
    listed = [SavedSearchOut.model_validate(s) for s in json.loads(r.stdout)]
    assert [(s.name, s.typology, s.new) for s in listed] == [("Montreuil T3", "T3", 2)]

    r = cli.run("offers", "search", "alert", "--json")
    flags = {o["reference"]: o["closing_soon"] for o in json.loads(r.stdout)}
    assert flags["ALERT-SOON"] is True and flags["ALERT-LATER"] is False

    assert len(new_json(cli, "--mark-read")) == 2
    assert new_json(cli) == []


def test_an_unknown_search_name_exits_1_naming_the_saved_ones(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", None)
    r = cli.run("offers", "new", "--search", "nope")
    assert r.returncode == 1 and "nope" in r.stderr and "Traceback" not in r.stderr
    assert cli.run("offers", "save", "Paris T2", "paris", "--typology", "T2").returncode == 0
    assert cli.run("offers", "save", "Lyon", "lyon").returncode == 0
    r = cli.run("offers", "new", "--search", "nope", "--json")
    assert r.returncode == 1 and r.stdout == ""
    assert "Lyon" in r.stderr and "Paris T2" in r.stderr
    r = cli.run("offers", "unsave", "nope")
    assert r.returncode == 1 and "Lyon, Paris T2" in r.stderr
    assert cli.run("offers", "unsave", "Lyon").returncode == 0
    r = cli.run("offers", "save", "x" * 41, "lyon")
    assert r.returncode == 1 and "40" in r.stderr and "Traceback" not in r.stderr


def test_new_offers_read_in_english(sandbox, api, tmp_path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url, profile="p1")
    cli.login("complet")
    assert cli.run("sync", "--once").returncode == 0
    assert cli.run("offers", "save", "Montreuil", "montreuil", "--lang", "en").returncode == 0
    create(api, "ALERT-EN", closes_on="2026-11-30", rent_cents=123456, charges_cents=10000)
    assert cli.run("sync", "--once").returncode == 0
    r = cli.run("--lang", "en", "offers", "new")
    assert r.returncode == 0, r.stderr
    assert "Montreuil: 1 new offer" in r.stdout
    line = next(x for x in r.stdout.splitlines() if "ALERT-EN" in x)
    assert "€1,334.56 with charges" in line and "closing soon" in line
    assert "November 30, 2026" in line or "30 November 2026" in line
    r = cli.run("--lang", "en", "offers", "saved")
    assert "Montreuil: “montreuil” — 1 new offer" in r.stdout
