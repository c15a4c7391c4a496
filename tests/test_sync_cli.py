"""The command line of PROTOCOL.md §8 against the real sandbox on loopback: login, sync, status,
offline search, local refusals, exit codes, the drop folder."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import httpx
import pytest

from tests.cli_helpers import Cli
from tests.sandbox_client import PDF


@pytest.fixture
def cli(sandbox, tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data", sandbox.url, profile="p1")


def _synced(cli: Cli, user: str) -> Cli:
    assert cli.login(user).returncode == 0
    r = cli.run("sync", "--once")
    assert r.returncode == 0, r.stderr
    return cli


def _open_offer(cli: Cli, n: int = 0) -> str:
    """The n-th open offer the synced demand may apply to as far as its territory goes (`complet`
    is in the Rhône: an offer elsewhere is `out_of_territory`)."""
    r = cli.run("offers", "search", "--json", "--limit", "1000")
    return [o for o in json.loads(r.stdout) if o["in_territory"] is not False][n]["id"]


def _stats(api) -> dict:
    return api.control("stats", method="GET").json()


def test_login_stores_a_private_token_and_refuses_wrong_passwords(cli) -> None:
    r = cli.login("complet")
    assert r.returncode == 0, r.stderr
    token = cli.data_dir / "profiles" / "p1" / "token.json"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert json.loads(token.read_text())["username"] == "complet"
    r = cli.run("login", "--username", "complet", "--password-stdin", stdin="faux\n")
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "refusée" in r.stderr


def test_sync_without_a_token_exits_2_and_status_says_so(cli) -> None:
    assert cli.run("profiles", "add", "p1").returncode == 0  # a household not logged in yet
    r = cli.run("sync", "--once")
    assert r.returncode == 2
    assert (
        "pas connecté" in r.stderr
        and f"alin-tui --data-dir {cli.data_dir} --profile p1 login" in r.stderr
    )
    r = cli.run("sync", "--once", "--lang", "en")
    assert r.returncode == 2 and "not logged in" in r.stderr


def test_status_json_after_a_sync(cli) -> None:
    _synced(cli, "complet")
    s = cli.status()
    assert s["stage"] == "ready" and s["next_step"] == "apply"
    assert len(s["nur"]) == 18
    assert s["link"] == {"state": "linked", "situation_fresh": True}
    assert s["complete"] is True and s["missing"] == []
    assert s["renewal_due_on"] == "2027-06-30"
    assert s["drop_folder"].endswith("dépôt")
    assert s["sync"]["state"] == "synced" and s["sync"]["pending"] == 0
    assert s["sync"]["errors"] == [] and s["sync"]["last_sync_at"]


def test_status_lists_what_is_missing(cli) -> None:
    _synced(cli, "demo")
    s = cli.status()
    assert s["stage"] == "incomplete" and s["next_step"] == "send_documents"
    missing = {(m["person"], m["slot_id"], m["kind"], m["reason"]) for m in s["missing"]}
    assert ("per-demo-2", "pj-demo-2-identity", "identity", "illisible") in missing
    assert ("per-demo-1", "pj-demo-1-payslips", "payslips", "missing") in missing
    assert len(missing) == 4


def test_apply_queues_offline_and_sync_applies_once(cli, api) -> None:
    _synced(cli, "complet")
    offer = _open_offer(cli)
    r = cli.run("apply", offer, ALIN_SERVER="http://127.0.0.1:9")  # no network needed
    assert r.returncode == 0, r.stderr
    s = cli.status()
    assert s["sync"]["pending"] == 1 and s["sync"]["state"] == "pending"
    assert s["applications"][0]["queued"] is True
    assert cli.run("apply", offer).stdout.strip() == "duplicate"
    r = cli.run("sync", "--once")
    assert r.returncode == 0, r.stderr
    s = cli.status()
    assert s["sync"]["pending"] == 0
    assert [a["queued"] for a in s["applications"]] == [False]
    assert _stats(api)["applications"] == [{"username": "complet", "offer_id": offer, "count": 1}]


def test_local_refusals_follow_the_server_order_and_queue_nothing(cli) -> None:
    _synced(cli, "demo")
    offer = _open_offer(cli)
    r = cli.run("apply", offer)
    assert (r.returncode, r.stdout.strip()) == (3, "dossier_incomplete")
    r = cli.run("apply", "of-999999")
    assert r.returncode == 1 and "inconnue" in r.stderr
    closed = json.loads(cli.run("offers", "search", "--all", "--json", "--limit", "1000").stdout)
    closed_id = next(o["id"] for o in closed if o["status"] == "closed")
    assert cli.run("apply", closed_id).stdout.strip() == "dossier_incomplete"
    assert cli.status()["sync"]["pending"] == 0


def test_the_cap_and_closed_offers_are_checked_locally(cli) -> None:
    _synced(cli, "complet")
    every = json.loads(cli.run("offers", "search", "--all", "--json", "--limit", "1000").stdout)
    closed_id = next(o["id"] for o in every if o["status"] == "closed" and o["in_territory"])
    assert cli.run("apply", closed_id).stdout.strip() == "offer_closed"
    assert cli.run("apply", _open_offer(cli, 0), ALIN_MAX_APPLICATIONS="1").returncode == 0
    r = cli.run("apply", _open_offer(cli, 1), ALIN_MAX_APPLICATIONS="1")
    assert (r.returncode, r.stdout.strip()) == (3, "application_limit")


def test_withdraw(cli, api) -> None:
    _synced(cli, "complet")
    assert cli.run("withdraw", "ap-nope").returncode == 1
    first, second = _open_offer(cli, 0), _open_offer(cli, 1)
    assert cli.run("apply", first).returncode == 0
    local = cli.status()["applications"][0]["id"]
    r = cli.run("withdraw", local)  # its creation is still queued: dropped, gap-free
    assert r.returncode == 0 and cli.status()["sync"]["pending"] == 0
    assert cli.run("apply", second).returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    real = cli.status()["applications"][0]["id"]
    assert real.startswith("ap-")
    assert cli.run("withdraw", real).returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    assert cli.status()["applications"][0]["status"] == "withdrawn"
    assert cli.run("withdraw", real).stdout.strip() == "not_withdrawable"
    assert _stats(api)["applications"] == [{"username": "complet", "offer_id": second, "count": 1}]


def test_offers_search_folds_text_and_filters(cli) -> None:
    _synced(cli, "complet")

    def search(*args: str) -> list[dict]:
        r = cli.run("offers", "search", *args, "--json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    saint = search("st denis", "--limit", "500")
    assert saint and all(
        "saint" in (o["commune"] + o["residence_title"] + o["address"]).lower() for o in saint
    )
    assert [o["score"] for o in saint] == sorted((o["score"] for o in saint), reverse=True)
    assert search("SAINT-DENIS", "--limit", "500") == saint
    t2 = search("--typology", "t2", "--max-rent", "450", "--limit", "500")
    assert t2 and all(
        o["typology"] == "T2" and o["rent_cents"] + o["charges_cents"] <= 45000 for o in t2
    )
    assert len(search("--limit", "3")) == 3
    everything = search("--all", "--limit", "1000")
    assert any(o["status"] == "closed" for o in everything)
    assert all(o["status"] == "open" for o in search("--limit", "1000"))
    first = everything[0]
    assert {"id", "reference", "commune", "eligible", "score", "rent_cents"} <= set(first)
    assert all(o["eligible"] in (True, False, None) for o in everything)
    lyon = search("--commune", "lyon", "--limit", "500")
    assert lyon and {o["commune"] for o in lyon} == {"Lyon"}


def test_the_drop_folder_takes_in_attaches_and_refuses(cli, api) -> None:
    _synced(cli, "demo")
    drop = cli.drop
    drop.mkdir(parents=True, exist_ok=True)
    (drop / "pj-demo-1-payslips octobre.pdf").write_bytes(PDF)
    (drop / "pj-demo-2-identity.pdf").write_bytes(b"GIF89a not accepted")
    (drop / "photo.pdf").write_bytes(PDF)
    r = cli.run("sync", "--once")  # just written: a one-shot run waits for them to settle
    assert r.returncode == 3, r.stdout + r.stderr
    assert "pj-demo-2-identity.pdf" in r.stderr and "PDF" in r.stderr  # the reason, in words
    assert "à classer : photo.pdf" in r.stdout  # a name that says no piece waits to be sorted
    assert (drop / "traités" / "pj-demo-1-payslips octobre.pdf").exists()
    assert {p.name for p in (drop / "refusés").iterdir()} == {"pj-demo-2-identity.pdf"}
    assert (drop / "photo.pdf").exists()
    slot = api.entity("demo", "sne", "document", "pj-demo-1-payslips")
    assert slot["state"] == "received"
    s = cli.status()
    assert s["sync"]["pending"] == 0
    assert "pj-demo-1-payslips" not in {m["slot_id"] for m in s["missing"]}


def test_a_server_refusal_exits_3_and_stays_listed(cli, api) -> None:
    _synced(cli, "complet")
    offers = json.loads(cli.run("offers", "search", "--json", "--limit", "1000").stdout)
    offer = next(o for o in offers if o["in_territory"])  # `complet`: the Rhône
    assert cli.run("apply", offer["id"]).returncode == 0
    local = ("id", "eligible", "score", "closing_soon", "in_territory")
    fields = {k: v for k, v in offer.items() if k not in local}
    r = api.control("offers", {"fields": {**fields, "status": "closed"}})
    assert r.status_code == 200
    r = cli.run("sync", "--once")
    assert r.returncode == 3 and "Candidater refusé : Cette offre est close." in r.stderr
    assert "offer_closed" not in r.stderr  # words, not the wire code
    errors = cli.status()["sync"]["errors"]
    assert [(e["name"], e["code"]) for e in errors] == [("application.create", "offer_closed")]
    assert cli.status()["sync"]["state"] == "error"


def test_an_unreachable_server_exits_2_and_keeps_the_queue(sandbox, tmp_path) -> None:
    from tests.faultproxy import FaultProxy

    port = int(sandbox.url.rsplit(":", 1)[1])
    with FaultProxy(port) as proxy:
        cli = _synced(Cli(tmp_path / "data", proxy.url, profile="p1"), "complet")
        assert cli.run("apply", _open_offer(cli)).returncode == 0
        proxy.mode = "reset"
        r = cli.run("sync", "--once")
        assert r.returncode == 2 and "injoignable" in r.stderr
        s = cli.status()
        assert s["sync"]["state"] == "offline" and s["sync"]["pending"] == 1
        proxy.mode = "pass"
        assert cli.run("sync", "--once").returncode == 0
        assert cli.status()["sync"] == {**cli.status()["sync"], "state": "synced", "pending": 0}


def test_common_options_go_before_or_after_the_command(cli, tmp_path) -> None:
    other = tmp_path / "other"
    assert cli.run("--data-dir", str(other), "profiles", "add", "p1").returncode == 0
    for args in (
        ["--data-dir", str(other), "status", "--json"],
        ["status", "--json", "--data-dir", str(other)],
    ):
        r = cli.run(*args)
        assert r.returncode == 0
        assert json.loads(r.stdout)["drop_folder"].startswith(str(other))


def test_sync_on_the_embedded_sandbox_needs_no_server(tmp_path) -> None:
    cli = Cli(tmp_path / "data", None, profile="complet")
    assert cli.run("profiles", "add", "complet").returncode == 0  # named after a demo account
    r = cli.run("sync", "--once")
    assert r.returncode == 0, r.stderr
    assert cli.status()["stage"] == "ready"
    assert httpx is not None


def test_sync_keeps_going_and_wakes_up_for_a_dropped_file(cli, api) -> None:
    import os
    import signal
    import subprocess
    import sys

    _synced(cli, "demo")
    drop = cli.drop
    proc = subprocess.Popen(
        [sys.executable, "-m", "alin_tui", "sync"],
        env=cli.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)
        (drop / "pj-demo-1-payslips.pdf").write_bytes(PDF)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if (drop / "traités" / "pj-demo-1-payslips.pdf").exists():
                break
            time.sleep(0.2)
        assert (drop / "traités" / "pj-demo-1-payslips.pdf").exists()
        assert api.entity("demo", "sne", "document", "pj-demo-1-payslips")["state"] == "received"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Synchronisation arrêtée" in out  # Ctrl+C stops it, and says so
    assert os.path.exists(drop)


def test_a_file_dropped_before_the_first_sync_is_taken_in_by_it(sandbox, api, tmp_path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url, profile="p2")
    assert cli.login("demo").returncode == 0
    drop = Path(cli.status()["drop_folder"])
    drop.mkdir(parents=True, exist_ok=True)
    (drop / "pj-demo-2-payslips.pdf").write_bytes(PDF)
    r = cli.run("sync", "--once")
    assert r.returncode == 0, r.stdout + r.stderr
    assert api.entity("demo", "sne", "document", "pj-demo-2-payslips")["state"] == "received"


def test_a_queued_application_can_be_withdrawn_by_its_offer(cli, api) -> None:
    _synced(cli, "complet")
    offer = _open_offer(cli)
    assert cli.run("apply", offer).returncode == 0
    r = cli.run("withdraw", offer)
    assert r.returncode == 0, r.stderr
    assert cli.status()["sync"]["pending"] == 0
    assert cli.run("sync", "--once").returncode == 0
    assert _stats(api)["applications"] == []


def test_withdrawing_twice_by_reference_says_it_is_already_done(cli) -> None:
    _synced(cli, "complet")
    offer = _open_offer(cli)
    reference = json.loads(cli.run("offers", "search", "--json", "--limit", "1000").stdout)
    reference = next(o["reference"] for o in reference if o["id"] == offer)
    assert cli.run("apply", reference).returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    assert cli.run("withdraw", reference).returncode == 0  # queued
    again = cli.run("withdraw", reference)
    assert again.returncode == 1
    assert "déjà retirée" in again.stderr and offer not in again.stderr + again.stdout
    assert reference in again.stdout  # the offer, named
    unknown = cli.run("withdraw", "AL00-0000-000000")
    assert "candidature inconnue : AL00-0000-000000" in unknown.stderr


# --- the drop folder, end to end: plain names, two processes, a link that drops ----------------


def _settled_file(folder: Path, name: str | bytes, data: bytes) -> None:
    import os

    folder.mkdir(parents=True, exist_ok=True)
    path = os.path.join(os.fsencode(folder), os.fsencode(name))
    with open(path, "wb") as f:
        f.write(data)
    past = time.time() - 30
    os.utime(path, (past, past))


def test_two_syncs_at_once_send_each_dropped_file_once(cli, api) -> None:
    import subprocess
    import sys

    _synced(cli, "demo")
    drop = cli.drop
    names = ["avis imposition.pdf", "fiche de paie Amina.pdf", "CNI nadia.pdf", "paie nadia.pdf"]
    for name in names:
        _settled_file(drop, name, PDF + name.encode())
    args = [sys.executable, "-m", "alin_tui", "sync", "--once"]
    procs = [
        subprocess.Popen(args, env=cli.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        p.communicate(timeout=120)
        assert p.returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    assert _stats(api)["mutations"]["document.attach"] == 4
    assert sorted(p.name for p in (drop / "traités").iterdir()) == sorted(names)
    for slot in ("pj-demo-1-payslips", "pj-demo-2-identity", "pj-demo-2-payslips"):
        assert api.entity("demo", "sne", "document", slot)["state"] == "received"
    s = cli.status()
    assert s["sync"]["pending"] == 0 and s["sync"]["state"] == "synced"


def test_a_plain_named_file_reaches_the_server_once_though_the_link_drops(
    sandbox, api, tmp_path
) -> None:
    from tests.faultproxy import FaultProxy

    big = b"%PDF-1.4\n" + bytes(range(256)) * 4096 + b"\n%%EOF\n"
    with FaultProxy(int(sandbox.url.rsplit(":", 1)[1])) as proxy:
        cli = Cli(tmp_path / "data", proxy.url, profile="p")
        assert cli.login("demo").returncode == 0
        assert cli.run("sync", "--once").returncode == 0
        drop = cli.drop
        _settled_file(drop, "avis d'imposition Nadia 2025.pdf", big)
        proxy.mode = "drop_responses"
        r = cli.run("sync", "--once")
        assert r.returncode == 2, r.stdout + r.stderr
        assert "Avis d'imposition (Nadia)" in r.stdout  # taken in, said in words
        assert cli.status()["sync"]["pending"] == 2  # the upload and its attachment wait
        proxy.mode = "pass"
        r = cli.run("sync", "--once")
        assert r.returncode == 0, r.stdout + r.stderr
        assert cli.run("sync", "--once").returncode == 0
    assert _stats(api)["mutations"]["document.attach"] == 1
    assert api.entity("demo", "sne", "document", "pj-demo-2-tax_notice")["state"] == "received"
    assert (drop / "traités" / "avis d'imposition Nadia 2025.pdf").read_bytes() == big


def test_a_name_that_is_not_utf8_no_longer_stops_every_sync(cli, api) -> None:
    import os

    _synced(cli, "demo")
    drop = cli.drop
    raw = "fiche de paie Amina d\xe9cembre.pdf".encode("latin-1")
    _settled_file(drop, raw, PDF)
    r = cli.run("sync", "--once")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "d\ufffdcembre" in r.stdout
    assert os.listdir(os.fsencode(drop / "traités")) == [raw]
    assert api.entity("demo", "sne", "document", "pj-demo-1-payslips")["state"] == "received"
    assert cli.status()["sync"]["state"] == "synced"


def test_a_duplicate_and_a_fake_pdf_are_refused_with_a_reason(cli, api) -> None:
    _synced(cli, "demo")
    drop = cli.drop
    _settled_file(drop, "avis d'imposition.pdf", PDF)
    assert cli.run("sync", "--once").returncode == 0
    _settled_file(drop, "impots 2025.pdf", PDF)  # the same file again
    _settled_file(drop, "bulletin de salaire Amina.pdf", b"<html>not a pdf</html>")
    r = cli.run("sync", "--once")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "déjà été envoyé pour cette pièce" in r.stderr
    assert "ni une image JPEG ou PNG" in r.stderr
    assert {p.name for p in (drop / "refusés").iterdir()} == {
        "impots 2025.pdf",
        "bulletin de salaire Amina.pdf",
    }
    assert _stats(api)["mutations"]["document.attach"] == 1
    r = cli.run("sync", "--once", "--lang", "en")
    assert r.returncode == 0


def test_two_processes_on_one_profile_send_each_queued_change_once(cli, api) -> None:
    """Two alin-tui on one household (an app left open and a script): both queue and sync at
    the same time on the same store; every change reaches the server once."""
    import subprocess
    import sys

    _synced(cli, "complet")
    found = json.loads(cli.run("offers", "search", "lyon", "--json", "--limit", "6").stdout)
    ids = [o["id"] for o in found if o.get("in_territory")][:2]
    assert len(ids) == 2
    applied = [
        subprocess.Popen(
            [sys.executable, "-m", "alin_tui", "apply", offer],
            env=cli.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for offer in ids
    ]
    for p in applied:
        p.communicate(timeout=120)
        assert p.returncode == 0
    syncs = [
        subprocess.Popen(
            [sys.executable, "-m", "alin_tui", "sync", "--once"],
            env=cli.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for p in syncs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert cli.run("sync", "--once").returncode == 0
    counts = {a["offer_id"]: a["count"] for a in _stats(api)["applications"]}
    assert all(counts.get(offer) == 1 for offer in ids), counts
    assert cli.status()["sync"]["state"] == "synced"
