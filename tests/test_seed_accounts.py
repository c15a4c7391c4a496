"""The ten demo accounts, each pulled from a real sandbox over loopback: what `status` says of
each (in French and in English) and what `status --json` holds must be true to DOMAIN.md, never
contradict itself, and never show a code, an id or an ISO date to a person."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from alin_tui.domain import eligibility
from alin_tui.sandbox.accounts import ACCOUNTS
from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig
from alin_tui.status_text import status_lines
from alin_tui.store import applicant
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session
from alin_tui.sync.status import status_json
from alin_tui.ui.i18n import Translator

TODAY = dt.date(2026, 11, 27)
USERS = (
    "demo",
    "complet",
    "renouvellement",
    "brouillon",
    "numero",
    "foyer-01",
    "foyer-02",
    "foyer-03",
    "foyer-04",
    "foyer-05",
)


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("ten-accounts")
    config = SandboxConfig(db=base / "sandbox.db", seed=1, offers=400, today=TODAY)
    found = {}
    with EmbeddedSandbox(config) as sandbox:
        for user in USERS:
            path = base / user / "store.db"
            path.parent.mkdir()
            session = Session(path, sandbox.url, credentials=Credentials(user, user))
            try:
                session.sync()
            finally:
                session.close()
            found[user] = path
    return found


def _status(path: Path, lang: str) -> str:
    settings = SimpleNamespace(
        profile="p", drop_folder=path.parent / "dépôt", renewal_window_days=60
    )
    conn = connect(path)
    try:
        return "\n".join(status_lines(conn, settings, Translator(lang)))
    finally:
        conn.close()


def _json(path: Path) -> dict:
    conn = connect(path)
    try:
        return status_json(conn, path.parent / "dépôt")
    finally:
        conn.close()


def _rows(text: str) -> dict[str, str]:
    """The « label  value » rows of the summary, by label (continuation rows appended)."""
    rows: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        m = re.match(r"^  (\S.*?)\s{2,}(.*)$", line)
        if m:
            last = m.group(1)
            rows[last] = m.group(2)
        elif re.match(r"^ {4,}\S", line) and last and not line.lstrip().startswith("-"):
            rows[last] += " " + line.strip()
    return rows


def test_every_account_is_covered() -> None:
    assert set(USERS) == set(ACCOUNTS)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_nothing_said_is_a_code_an_id_or_an_iso_date(stores, user, lang) -> None:
    text = _status(stores[user], lang)
    body = "\n".join(line for line in text.splitlines() if "dépôt" not in line)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body), body
    assert "pj-" not in body and "per-" not in body and "ap-" not in body
    for code in ("dossier_incomplete", "out_of_territory", "RADREN", "send_documents", "_"):
        assert code not in body, (code, body)


@pytest.mark.parametrize("user", USERS)
def test_no_contradiction_beside_a_stage(stores, user) -> None:
    """A radiated demand is never « complet » or « à jour »; no demand, no dossier line."""
    doc = _json(stores[user])
    rows = _rows(_status(stores[user], "fr"))
    if doc["lifecycle"] in ("radiated", "draft", "number_without_account", "no_demand"):
        assert "Dossier" not in rows
        assert "à jour" not in " ".join(rows.values())
    if doc["lifecycle"] == "radiated":
        assert "Lien avec AL-in" not in rows and "Situation de départ" not in rows


def test_demo_an_unmarried_couple_each_with_a_notice(stores) -> None:
    doc = _json(stores["demo"])
    assert (doc["stage"], doc["next_step"], doc["lifecycle"], doc["situation"]) == (
        "incomplete",
        "send_documents",
        "active",
        3,
    )
    assert not doc["complete"] and len(doc["missing"]) == 4
    text = _status(stores["demo"], "fr")
    rows = _rows(text)
    assert rows["Étape"] == "Dossier incomplet"
    assert rows["Statut de la demande"] == "active"
    assert rows["Date d'ancienneté"] == "15 juin 2026 (depuis 5 mois)"
    assert rows["Délai anormalement long"].startswith("36 mois dans la Seine-Saint-Denis")
    assert "Nadia (conjoint) — Avis d'imposition : manquante" in text  # cohabiting: two notices
    assert doc["seniority"]["months"] == 5 and doc["seniority"]["department"] == "93"
    en = _rows(_status(stores["demo"], "en"))
    assert en["Stage"] == "Incomplete dossier" and en["Seniority date"] == (
        "15 June 2026 (5 months ago)"
    )


def test_complet_ready_in_the_rhone(stores) -> None:
    doc = _json(stores["complet"])
    assert (doc["stage"], doc["lifecycle"], doc["complete"]) == ("ready", "active", True)
    rows = _rows(_status(stores["complet"], "fr"))
    assert rows["Étape"] == "Prêt à candidater" and rows["Dossier"] == "complet"
    assert rows["Délai anormalement long"].startswith("24 mois dans le Rhône")
    assert _rows(_status(stores["complet"], "en"))["Stage"] == "Ready to apply"


def test_renouvellement_due_in_twenty_days(stores) -> None:
    doc = _json(stores["renouvellement"])
    assert (doc["stage"], doc["next_step"], doc["lifecycle"]) == (
        "renewal_due",
        "renew",
        "renewal_due",
    )
    rows = _rows(_status(stores["renouvellement"], "fr"))
    assert rows["Statut de la demande"] == "active, à renouveler"
    assert rows["Renouvellement avant le"].startswith("17 décembre 2026 (dans 20 jours)")
    assert "l'ancienneté perdue" in rows["Renouvellement avant le"]
    en = _rows(_status(stores["renouvellement"], "en"))
    assert en["Demand status"] == "active, to be renewed"


def test_brouillon_situation_one_no_demand_at_all(stores) -> None:
    doc = _json(stores["brouillon"])
    assert (doc["stage"], doc["lifecycle"], doc["situation"], doc["nur"]) == (
        "draft_without_number",
        "draft",
        1,
        None,
    )
    assert doc["seniority"] is None and not doc["complete"] and doc["missing"] == []
    rows = _rows(_status(stores["brouillon"], "fr"))
    assert rows["Situation de départ"].startswith("1 — brouillon saisi sur AL-in sans numéro")
    assert rows["Statut de la demande"].startswith("aucune demande")
    assert _rows(_status(stores["brouillon"], "en"))["Demand status"].startswith("no demand")


def test_numero_a_number_from_before_april_2021(stores) -> None:
    """AL-in stopped giving numbers on 20 April 2021: situation 2's number is older."""
    doc = _json(stores["numero"])
    assert (doc["stage"], doc["next_step"], doc["lifecycle"], doc["situation"]) == (
        "number_without_account",
        "claim_sne_account",
        "number_without_account",
        2,
    )
    month, year = int(doc["nur"][3:5]), 2000 + int(doc["nur"][5:7])
    assert (year, month) < (2021, 4)
    rows = _rows(_status(stores["numero"], "fr"))
    assert "Dossier" not in rows and rows["Situation de départ"].startswith("2 — numéro obtenu")


def test_foyer_01_radiated_seniority_lost(stores) -> None:
    doc = _json(stores["foyer-01"])
    assert (doc["stage"], doc["next_step"], doc["lifecycle"]) == (
        "radiated",
        "new_demand",
        "radiated",
    )
    assert doc["radiation"] == {"code": "RADREN", "on": "2026-10-29"}
    assert doc["seniority"] is None
    rows = _rows(_status(stores["foyer-01"], "fr"))
    assert rows["Statut de la demande"] == (
        "radiée le 29 octobre 2026 : faute de renouvellement dans les délais"
    )
    assert "ancienneté perdue" in rows["Date d'ancienneté"]
    assert "n'est plus valable" in rows["Numéro unique (NUR/NUD)"]
    en = _rows(_status(stores["foyer-01"], "en"))
    assert "seniority lost" in en["Seniority date"]


def test_foyer_02_not_linked_with_a_dependant_of_twenty_two(stores) -> None:
    doc = _json(stores["foyer-02"])
    assert (doc["stage"], doc["situation"], doc["link"]["state"]) == (
        "not_linked",
        None,
        "unlinked",
    )
    rows = _rows(_status(stores["foyer-02"], "fr"))
    assert rows["Situation de départ"].startswith("demande créée sur le fichier national")
    conn = connect(stores["foyer-02"])
    persons = applicant.load(conn, overlay=False).person_rules()
    conn.close()
    student = next(p for p in persons if p.role == "child")
    assert student.age(TODAY) == 22 and student.tax_dependant
    # One adult with one dependant (under 25, on the parent's return): category 3, not 2.
    assert eligibility.household_category(persons, TODAY) == 3


def test_foyer_03_situation_outdated(stores) -> None:
    doc = _json(stores["foyer-03"])
    assert (doc["stage"], doc["next_step"], doc["link"]["situation_fresh"]) == (
        "situation_outdated",
        "refresh_situation",
        False,
    )
    rows = _rows(_status(stores["foyer-03"], "fr"))
    assert rows["Lien avec AL-in"] == "liée · situation à mettre à jour sur AL-in"


def test_foyer_04_registered_its_certificate_still_to_come(stores) -> None:
    doc = _json(stores["foyer-04"])
    assert (doc["stage"], doc["lifecycle"], doc["attestation_on"]) == (
        "incomplete",
        "registered",
        None,
    )
    rows = _rows(_status(stores["foyer-04"], "fr"))
    assert (
        rows["Statut de la demande"] == "enregistrée, attestation d'enregistrement pas encore reçue"
    )
    assert rows["Attestation d'enregistrement"].startswith("attendue avant le ")
    en = _rows(_status(stores["foyer-04"], "en"))
    assert en["Demand status"] == "registered, registration certificate not received yet"


def test_foyer_05_married_disabled_spouse_ranked_second(stores) -> None:
    doc = _json(stores["foyer-05"])
    assert doc["stage"] == "ready" and doc["complete"]
    (application,) = doc["applications"]
    assert (application["status"], application["rank"]) == ("examined", 2)
    conn = connect(stores["foyer-05"])
    data = applicant.load(conn, overlay=False)
    conn.close()
    persons = data.person_rules()
    notices = [s for s in data.slots() if s.kind == "tax_notice"]
    assert len(notices) == 1 and len(notices[0].covers) == 1  # one joint notice for the couple
    assert any(p.disability for p in persons)
    # Two adults and a child (3 persons), moved up one category for the disability card.
    assert eligibility.household_category(persons, TODAY) == 4
    text = _status(stores["foyer-05"], "fr")
    assert "examinée en commission (rang 2)" in text
    assert (
        "vous a classé au rang 2 : le logement vous sera proposé si le candidat classé premier"
        in text
    )
    assert "placed you second" in _status(stores["foyer-05"], "en")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", ("  - Candidater (", ") refusé : Dossier incomplet sur le fichier national")),
        ("en", ("  - Apply (", ") refused: Dossier incomplete")),
    ],
)
def test_a_server_refusal_is_listed_in_words_without_an_app_key(
    sandbox, api, tmp_path, lang, said
) -> None:
    from alin_tui.store import actions

    path = tmp_path / "store.db"
    session = Session(path, sandbox.url, credentials=Credentials("complet", "complet"))
    try:
        assert session.sync().error is None
        conn = connect(path)
        offer = conn.execute(
            "SELECT id FROM offers WHERE department = '69' AND status = 'open' LIMIT 1"
        ).fetchone()[0]
        assert actions.apply(conn, offer).queued is not None
        conn.close()
        body = {"state": "rejected", "reason": "illisible"}
        assert api.control("documents/pj-complet-1-payslips/review", body).status_code == 200
        assert session.sync().rejected
    finally:
        session.close()
    text = _status(path, lang)
    line = next(x for x in text.splitlines() if x.startswith(said[0]))  # the offer, named
    assert said[1] in line, line
    assert "Ctrl+A" not in text and "dossier_incomplete" not in text
