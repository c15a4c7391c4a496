"""Every `--json` of the command line validated by its pydantic model, and the commands that read
the local store working offline: after one sync, the server gone, everything still answers."""

from __future__ import annotations

import json
from pathlib import Path

from alin_tui.cli_json import OfferResult, StatusDocument
from alin_tui.profiles_json import ProfileList
from tests.cli_helpers import Cli
from tests.faultproxy import FaultProxy


def test_every_json_document_validates_and_reading_works_offline(sandbox, tmp_path: Path) -> None:
    with FaultProxy(int(sandbox.url.rsplit(":", 1)[1])) as proxy:
        _every_document(proxy, Cli(tmp_path / "data", proxy.url))


def _every_document(proxy, online: Cli) -> None:
    assert online.login("complet").returncode == 0
    assert online.run("sync", "--once").returncode == 0
    status = StatusDocument.model_validate(online.status())
    assert status.stage == "ready" and status.sync.state == "synced"

    # The same profile, the link gone (every connection reset): a laptop on a train.
    proxy.mode = "reset"
    offline = online
    offers = json.loads(offline.run("offers", "search", "--json", "--limit", "20").stdout)
    parsed = [OfferResult.model_validate(o) for o in offers]
    assert len(parsed) == 20 and all(o.status == "open" for o in parsed)
    assert all(o.in_territory is not None for o in parsed)  # the demand's number is known
    assert StatusDocument.model_validate(offline.status()).nur == status.nur
    # `complet` holds a demand in the Rhône: an offer there (others are out_of_territory)
    lyon = json.loads(offline.run("offers", "search", "Lyon", "--json").stdout)
    target = next(OfferResult.model_validate(o) for o in lyon if o["in_territory"])
    r = offline.run("apply", target.id)
    assert r.returncode == 0, r.stderr  # queued, no network
    r = offline.run("sync", "--once")
    assert r.returncode == 2 and "injoignable" in r.stderr and "Traceback" not in r.stderr
    queued = StatusDocument.model_validate(offline.status())
    assert queued.sync.pending == 1 and queued.applications[0].queued  # kept for later
    listed = ProfileList.model_validate_json(offline.run("profiles", "list", "--json").stdout)
    assert [p.name for p in listed.profiles] == ["default"] and listed.profiles[0].pending == 1
    r = offline.run("export", "--format", "html")
    assert r.returncode == 0 and "<html" in r.stdout
    r = offline.run("doctor", "--json")
    assert r.returncode == 1  # the server is a finding
    checks = {c["id"]: c["ok"] for c in json.loads(r.stdout)["checks"]}
    assert checks["server"] is False and checks["store"] is True and checks["outbox"] is True
    # back online: the queued application goes, once
    proxy.mode = "pass"
    assert online.run("sync", "--once").returncode == 0
    assert StatusDocument.model_validate(online.status()).sync.pending == 0
