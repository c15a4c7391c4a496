"""`alin-tui attention`: the refusals and conflicts of « À voir », dealt with from the command
line through the app's own store actions; each bound to the number it was listed under."""

from __future__ import annotations

import json
from pathlib import Path

from alin_tui.store import outbox
from alin_tui.store.db import connect
from tests.cli_helpers import Cli


def _store(cli: Cli) -> Path:
    return cli.data_dir / "profiles" / "default" / "store.db"


def test_a_conflict_and_a_refusal_listed_then_settled(sandbox, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("complet").returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    outside = json.loads(cli.run("offers", "search", "bobigny", "--json", "--limit", "1").stdout)[0]
    db = connect(_store(cli))
    with outbox.durable(db):  # a change made on a version the national file has since passed
        outbox.enqueue(db, "demand.update", {"fields": {"phone": "0611223344"}}, base_version=0)
        outbox.enqueue(db, "demand.renew", {})  # too early: refused
        # queued past the local check (an older version of the app): refused by the server
        outbox.enqueue(db, "application.create", {"offer_id": outside["id"]})
    db.close()
    assert cli.run("sync", "--once").returncode == 3
    status = cli.run("status").stdout
    here = f"alin-tui --data-dir {cli.data_dir}"  # the data folder named again in hints
    assert f"À voir : 3 refus ou conflits ; « {here} attention list »" in status
    assert "Candidater (" in status and outside["reference"] in status  # the offer, named

    listed = cli.run("attention", "list")
    assert listed.returncode == 0, listed.stderr
    text = listed.stdout.replace(str(cli.data_dir), "DATA")
    assert "Conflit sur" in text and "0611223344" in text and "Refusé" in text
    assert "demand." not in text and "conflict" not in text  # words, not codes
    items = json.loads(cli.run("attention", "list", "--json").stdout)
    conflict = next(i for i in items if i["kind"] == "conflict")
    refusal = next(i for i in items if i["kind"] == "refused" and i["operation"] == "demand.renew")
    assert outside["reference"] in text  # the refused application names its offer
    assert conflict["mine"] == {"phone": "0611223344"}

    r = cli.run("attention", "keep-mine", str(refusal["number"]))
    assert r.returncode == 1 and "pas un conflit" in r.stderr
    r = cli.run("attention", "keep-mine", str(conflict["number"]))
    assert r.returncode == 0 and "prochaine synchronisation" in r.stdout
    for item in items:
        if item["kind"] == "refused":
            r = cli.run("attention", "ok", str(item["number"]))
            assert r.returncode == 0 and "lu" in r.stdout
    unknown = cli.run("attention", "ok", "999")
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert f"« alin-tui --data-dir {cli.data_dir} attention list »" in unknown.stderr
    assert cli.run("sync", "--once").returncode == 0  # my values, sent again on the new version
    assert cli.status()["sync"]["pending"] == 0
    assert "Rien à voir" in cli.run("attention", "list").stdout
    english = cli.run("--lang", "en", "attention", "list").stdout
    assert "Nothing to see: everything went through." in english


def test_a_refused_dropped_file_is_listed_and_read_from_the_command_line(
    sandbox, tmp_path: Path
) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("complet").returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    drop = Path(json.loads(cli.run("status", "--json").stdout)["drop_folder"])
    (drop / "notes.txt").write_text("pas une pièce")
    synced = cli.run("sync", "--once")
    assert synced.returncode == 3  # refused: said, and to see
    assert "refusé : notes.txt" in synced.stderr and "Synchronisé" in synced.stdout  # the rest went
    status = cli.run("status").stdout
    assert "À voir : 1 refus ou conflit ; « alin-tui --data-dir" in status
    assert "Ctrl+A" not in status  # a key of the app, not of the command line
    listed = cli.run("attention", "list").stdout
    assert "Document refusé : « notes.txt »" in listed and "attention ok F" in listed
    (item,) = json.loads(cli.run("attention", "list", "--json").stdout)
    assert item["kind"] == "file_refused" and item["file"] == "notes.txt"
    number = item["number"]
    r = cli.run("attention", "keep-mine", number)
    assert r.returncode == 1 and "pas un conflit" in r.stderr
    r = cli.run("attention", "ok", number.lower())  # f3 as well as F3
    assert r.returncode == 0 and "lu" in r.stdout, r.stderr
    assert "Rien à voir" in cli.run("attention", "list").stdout
    assert "À voir" not in cli.run("status").stdout
