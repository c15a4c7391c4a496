"""Deterministic demo data: accounts for each situation of DOMAIN.md and thousands of offers.

The same `seed`, `start_day` and offer count give byte-identical data. Dates are relative to the
start day. Communes come from the reference data shipped with the domain.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import sqlite3
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from alin_tui.domain.communes import all_communes
from alin_tui.domain.dates import add_months, add_years
from alin_tui.domain.documents import payslips_valid_until, slots_for
from alin_tui.sandbox.accounts import ACCOUNTS
from alin_tui.sandbox.store import SandboxStore

_FIRST = [
    "Amina",
    "Camille",
    "Julien",
    "Sofia",
    "Mehdi",
    "Claire",
    "Thomas",
    "Nadia",
    "Hugo",
    "Fatou",
    "Léa",
    "Karim",
    "Inès",
    "Paul",
    "Yasmine",
    "Louis",
    "Chloé",
    "Moussa",
]
_LAST = [
    "Benali",
    "Martin",
    "Dubois",
    "Diallo",
    "Lefèvre",
    "Nguyen",
    "Moreau",
    "Haddad",
    "Fournier",
    "Traoré",
    "Girard",
    "Mercier",
    "Da Silva",
    "Bernard",
    "Petit",
    "Roux",
]
_STREETS = [
    "rue Victor-Hugo",
    "avenue Jean-Jaurès",
    "rue de la République",
    "boulevard Gambetta",
    "rue Pasteur",
    "allée des Tilleuls",
    "rue Jules-Ferry",
    "avenue du Général-Leclerc",
    "rue Émile-Zola",
    "place de la Mairie",
    "rue des Écoles",
    "chemin des Vignes",
    "rue Paul-Vaillant-Couturier",
    "avenue de la Libération",
    "rue Aristide-Briand",
    "rue du Moulin",
    "impasse des Lilas",
    "rue Louise-Michel",
    "quai de la Loire",
    "rue Saint-Exupéry",
    "boulevard de Strasbourg",
    "rue Condorcet",
]
_RESIDENCES = [
    "Les Tilleuls",
    "Le Clos des Vignes",
    "Les Jardins de la Plaine",
    "Le Parc Fleuri",
    "Les Terrasses du Canal",
    "Résidence Pasteur",
    "Le Hameau des Chênes",
    "Les Hauts du Parc",
    "Cœur de Ville",
    "L'Orée du Bois",
    "Les Balcons du Lac",
    "Le Square Voltaire",
    "Les Allées Marianne",
    "Résidence Sainte-Anne",
    "Le Carré Saint-Jean",
    "Les Rives du Canal",
    "La Source",
    "Les Cèdres",
]
_TYPOLOGIES = [
    ("studio", 8, 18, 30),
    ("T1", 10, 24, 34),
    ("T2", 30, 38, 55),
    ("T3", 30, 55, 72),
    ("T4", 16, 70, 90),
    ("T5", 6, 85, 110),
]
_FINANCING = [("PLAI", 25, 5.0, 6.8), ("PLUS", 55, 6.0, 8.8), ("PLS", 20, 8.6, 11.6)]
_ZONE_EXTRA = {"paris": 1.3, "idf": 0.6, "other": 0.0}
_OFFICE = string.ascii_uppercase + string.digits
# AL-in gave its last numbers before 20 April 2021: a seeded one is older than that month.
AL_IN_LAST_NUMBER_DAY = dt.date(2021, 3, 15)


@dataclass
class _Ids:
    seq: int = 0

    def next(self) -> int:
        self.seq += 1
        return self.seq


def make_nur(rng: random.Random, territory: str, first_filed_on: dt.date) -> str:
    """`TTT MM YY NNNNNN GGGGG` as on real certificates (DOMAIN.md)."""
    office = "G" + "".join(rng.choice(_OFFICE) for _ in range(4))
    return (
        f"{territory}{first_filed_on.month:02d}{first_filed_on.year % 100:02d}"
        f"{rng.randrange(10**6):06d}{office}"
    )


def seed(store: SandboxStore, *, seed: int, offers: int, start_day: dt.date) -> None:
    """Wipe the data, stats, uploads and cursors (not tokens, counters nor stored results) and
    write the demo world, with the sandbox's day set back to `start_day`."""
    rng = random.Random(seed)
    with store.write() as conn:
        for table in (
            "entities",
            "history",
            "users",
            "stats_mutations",
            "stats_applications",
            "uploads",
            "upload_chunks",
        ):
            conn.execute(f"DELETE FROM {table}")
        ids = _Ids(int(store.meta("seq", "0") or 0))
        _seed_accounts(conn, rng, ids, start_day)
        _seed_offers(conn, rng, ids, start_day, offers)
        _seed_ranked_application(conn, ids, start_day)
        shift = (start_day - dt.datetime.now(dt.UTC).date()).days
        for key, value in {
            "seed": seed,
            "offers": offers,
            "start_day": start_day.isoformat(),
            "shift_days": shift,
            "rules_day": start_day.isoformat(),
            "seq": ids.seq,
            "cursor_key": secrets.token_hex(16),
        }.items():
            store.set_meta(key, value, conn)


Writer = Callable[..., Any]


def _seed_writer(conn: sqlite3.Connection, ids: _Ids) -> Writer:
    """Writes at seed time: fresh sequence numbers, no history (nothing is replaced yet)."""

    def write(
        type_: str,
        id_: str,
        service: str,
        owner: str | None,
        value: dict[str, Any],
        version: int = 1,
    ) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO entities (type, id, service, owner, seq, version, deleted, "
            "value) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            (
                type_,
                id_,
                service,
                owner,
                ids.next(),
                version,
                json.dumps(value, ensure_ascii=False),
            ),
        )

    return write


def _seed_accounts(conn: sqlite3.Connection, rng: random.Random, ids: _Ids, today: dt.date) -> None:
    write = _seed_writer(conn, ids)
    for username in ACCOUNTS:
        conn.execute(
            "INSERT INTO users (username, password, situation) VALUES (?, ?, ?)",
            (username, username, ACCOUNTS[username]),
        )
    household(
        write,
        rng,
        today,
        "demo",
        expires_in=200,
        territory="111",
        members=[("applicant", "employee"), ("spouse", "employee"), ("child", "none")],
        communes=["Montreuil", "Bagnolet", "Paris"],
        income=3_480_000,
        couple_status="cohabiting",  # not married: each files a tax return, two notices
        states={
            ("applicant", "payslips"): ("missing", None),
            ("spouse", "identity"): ("rejected", "illisible"),
            ("spouse", "tax_notice"): ("missing", None),
            ("spouse", "payslips"): ("missing", None),
        },
    )
    household(
        write,
        rng,
        today,
        "complet",
        expires_in=215,
        territory="069",
        members=[("applicant", "employee")],
        communes=["Lyon", "Villeurbanne"],
        income=2_150_000,
    )
    household(
        write,
        rng,
        today,
        "renouvellement",
        expires_in=20,
        territory="033",
        members=[("applicant", "retired")],
        communes=["Bordeaux", "Pessac"],
        income=1_640_000,
    )
    # Situation 1: a draft typed on AL-in, never given a number.
    write(
        "link",
        "lnk-brouillon",
        "alin",
        "brouillon",
        {
            "nur": None,
            "state": "unlinked",
            "origin": None,
            "draft": True,
            "sne_version": None,
            "situation_version": None,
        },
    )
    # Situation 2: a number obtained on AL-in; the national-file account is still to be claimed.
    # AL-in stopped giving numbers on 20 April 2021: the first filing is before, renewed since.
    filed = min(add_years(today - dt.timedelta(days=400), -5), AL_IN_LAST_NUMBER_DAY)
    number = make_nur(rng, "059", filed)
    write(
        "link",
        "lnk-numero",
        "alin",
        "numero",
        {
            "nur": number,
            "state": "unlinked",
            "origin": "alin",
            "draft": False,
            "sne_version": None,
            "situation_version": None,
        },
    )
    claim = {
        "nur": number,
        "first_filed_on": filed.isoformat(),
        "renewed_on": (today - dt.timedelta(days=35)).isoformat(),
        "territory": "059",
    }
    conn.execute(
        "UPDATE users SET hidden = ? WHERE username = 'numero'", (json.dumps({"claim": claim}),)
    )
    foyers = [
        ("foyer-01", {"radiated": True}),
        # A student of 22 attached to the parent's tax return: a dependant, on the parent's notice.
        ("foyer-02", {"linked": False, "details": {2: {"age": 22, "tax_dependant": True}}}),
        # Income down by a fifth in N-1 (declared on the national file): N-1 counts, not N-2.
        ("foyer-03", {"outdated": True, "income_drop": 0.2}),
        # Registered three weeks ago: the registration certificate is still to come.
        ("foyer-04", {"states": {("applicant", "tax_notice"): ("missing", None)}, "recent": 20}),
        # A married couple (one joint notice), the spouse holding a disability card.
        (
            "foyer-05",
            {
                "couple_status": "married",
                "extra_members": [("spouse", "none", {"disability": True})],
            },
        ),
    ]
    towns = [
        ["Lille", "Roubaix"],
        ["Nantes", "Rezé"],
        ["Toulouse", "Blagnac"],
        ["Créteil", "Vitry-sur-Seine"],
        ["Strasbourg", "Schiltigheim"],
    ]
    territories = ["059", "044", "031", "111", "067"]
    for (username, opts), communes, territory in zip(foyers, towns, territories, strict=True):
        household(
            write,
            rng,
            today,
            username,
            expires_in=90 + rng.randrange(200),
            territory=territory,
            members=[("applicant", "employee"), ("child", "none")],
            communes=communes,
            income=1_900_000 + rng.randrange(600_000),
            **opts,
        )


def household(
    write: Writer,
    rng: random.Random,
    today: dt.date,
    username: str,
    *,
    expires_in: int,
    territory: str,
    members: list[tuple[str, str]],
    communes: list[str],
    income: int | None,
    states: dict[tuple[str, str], tuple[str, str | None]] | None = None,
    radiated: bool = False,
    linked: bool = True,
    outdated: bool = False,
    nur: str | None = None,
    first_filed_on: dt.date | None = None,
    renewed_on: dt.date | None = None,
    default_state: str = "accepted",
    origin: str = "sne",
    attested: bool = True,
    version: int | None = None,
    keep_link: bool = False,
    couple_status: str | None = None,
    income_drop: float | None = None,
    details: dict[int, dict[str, Any]] | None = None,
    extra_members: list[tuple[str, str, dict[str, Any]]] | None = None,
    recent: int | None = None,
) -> None:
    """A demand on the national file with its persons and document slots, and the AL-in link.

    Used by the seed and by the control routes that play situations 1 and 2. `details` adds to a
    member (by position from 1): `age` in years, `disability`, `tax_dependant`; `extra_members`
    are drawn from their own generator, so adding one leaves every other seeded value as it was;
    `recent`: filed that many days ago, the registration certificate still to come."""
    expires = today + dt.timedelta(days=expires_in)
    first_filed = add_years(expires, -1)
    if recent is not None:
        first_filed = today - dt.timedelta(days=recent)
        expires = add_years(first_filed, 1)
        attested = False
    if first_filed_on is not None:
        first_filed = first_filed_on
        expires = add_years(renewed_on or first_filed_on, 1)
    if radiated:
        first_filed = add_years(today - dt.timedelta(days=30), -1)
        expires = add_years(first_filed, 1)
    nur = nur or make_nur(rng, territory, first_filed)
    last = rng.choice(_LAST)
    version = version or (2 if radiated else 1)
    demand = {
        "nur": nur,
        "status": "radiated" if radiated else "active",
        "first_filed_on": first_filed.isoformat(),
        "renewed_on": renewed_on.isoformat() if renewed_on else None,
        "expires_on": expires.isoformat(),
        "radiation_code": "RADREN" if radiated else None,
        "radiated_on": (expires + dt.timedelta(days=1)).isoformat() if radiated else None,
        "attestation_on": (first_filed + dt.timedelta(days=rng.randrange(3, 25))).isoformat(),
        "email": f"{username}@exemple.fr",
        "phone": "06 " + " ".join(f"{rng.randrange(100):02d}" for _ in range(4)),
        "address": f"{rng.randrange(1, 120)} {rng.choice(_STREETS)}",
        "wished_communes": communes,
        "reference_income_cents": income,
        "income_n1_cents": (
            round(income * (1 - income_drop)) if income is not None and income_drop else None
        ),
        "couple_status": couple_status,
        "version": version,
    }
    if not attested:  # drawn all the same, so that the values seeded after it stay as they were
        demand["attestation_on"] = None
    write("demand", f"dem-{username}", "sne", username, demand, version)
    states = states or {}
    details = details or {}
    people = [
        (role, situation, details.get(i, {}), rng) for i, (role, situation) in enumerate(members, 1)
    ]
    people += [
        (role, situation, extra, random.Random(f"{username}-{i}"))
        for i, (role, situation, extra) in enumerate(extra_members or (), len(members) + 1)
    ]
    joint = couple_status in ("married", "pacs")
    ids = [f"per-{username}-{i}" for i in range(1, len(people) + 1)]
    spouse_id = next((pid for pid, (r, *_) in zip(ids, people, strict=True) if r == "spouse"), None)
    for index, (role, situation, extra, draw) in enumerate(people, start=1):
        person_id = ids[index - 1]
        adult = role != "child"
        birth = today - dt.timedelta(
            days=365 * (draw.randrange(24, 60) if adult else draw.randrange(2, 15))
            + draw.randrange(365)
        )
        if "age" in extra:  # a set age, the draws above kept so that nothing else moves
            birth = add_years(today, -int(extra["age"])) - dt.timedelta(days=40)
        first = draw.choice(_FIRST)
        grown = add_years(birth, 18) <= today
        person = {
            "first_name": first,
            "last_name": last,
            "role": role,
            "birth_date": birth.isoformat(),
            "situation": "student" if "age" in extra and role == "child" else situation,
            "disability": bool(extra.get("disability")),
            "tax_dependant": bool(extra.get("tax_dependant")),
        }
        write("person", person_id, "sne", username, person)
        specs = slots_for(
            role,
            person["situation"],
            adult=grown,
            tax_dependant=person["tax_dependant"],
            joint_tax=joint and role == "spouse",
        )
        for spec in specs:
            state, reason = states.get((role, spec.kind), (default_state, None))
            slot_id = f"pj-{username}-{index}-{spec.kind}"
            valid_until = _valid_until(spec.kind, state, today, draw)
            document = {
                "slot_id": slot_id,
                "person_id": person_id,
                "kind": spec.kind,
                "required": spec.required,
                "state": state,
                "reason": reason,
                "valid_until": valid_until,
            }
            if spec.kind == "identity" and not grown:
                document["valid_until"] = None  # a family book or birth certificate: no expiry
            if spec.kind == "payslips" and valid_until is not None:
                period = add_months(dt.date.fromisoformat(valid_until).replace(day=1), -3)
                document["pay_period"] = f"{period:%Y-%m}"
                document["valid_until"] = payslips_valid_until(period).isoformat()
            if spec.kind == "tax_notice" and joint and role == "applicant" and spouse_id:
                document["covers"] = [spouse_id]  # one joint notice for the married couple
            write("document", slot_id, "sne", username, document)
    # Radiation raised the demand's version (PROTOCOL.md §4): AL-in's copy predates it.
    situation_version = version - 1 if outdated or radiated else version
    if outdated:
        version += 1
        demand["version"] = version
        write("demand", f"dem-{username}", "sne", username, demand, version)
    if keep_link:
        return
    write(
        "link",
        f"lnk-{username}",
        "alin",
        username,
        {
            "nur": nur if linked else None,
            "state": "linked" if linked else "unlinked",
            "origin": origin if linked else None,
            "draft": False,
            "sne_version": version,
            "situation_version": situation_version if linked else None,
        },
    )


def _valid_until(kind: str, state: str, today: dt.date, rng: random.Random) -> str | None:
    if state not in ("accepted", "received"):
        return None
    if kind == "payslips":
        return (today + dt.timedelta(days=rng.randrange(45, 80))).isoformat()
    if kind == "tax_notice":
        return dt.date(today.year, 12, 31).isoformat()
    if kind == "identity":
        return add_years(today, rng.randrange(2, 9)).isoformat()
    return None


def _seed_ranked_application(conn: sqlite3.Connection, ids: _Ids, today: dt.date) -> None:
    """`foyer-05` applied to an offer of its territory, closed since; the landlord's commission
    has examined the applications and ranked the household second (an attribution by rank)."""
    row = conn.execute(
        "SELECT id FROM entities WHERE type = 'offer' AND json_extract(value, '$.department') = "
        "'67' AND json_extract(value, '$.status') = 'closed' "
        "ORDER BY json_extract(value, '$.typology') IN ('T3', 'T4') DESC, id LIMIT 1"
    ).fetchone()
    if row is None:  # a seed with too few offers to have one in the Bas-Rhin
        return
    created = dt.datetime.combine(today - dt.timedelta(days=45), dt.time(10, 12), dt.UTC)
    value = {
        "offer_id": row[0],
        "status": "examined",
        "rank": 2,
        "created_at": created.isoformat().replace("+00:00", "Z"),
    }
    write = _seed_writer(conn, ids)
    write("application", "ap-foyer-05-1", "alin", "foyer-05", value)


def _seed_offers(
    conn: sqlite3.Connection, rng: random.Random, ids: _Ids, today: dt.date, count: int
) -> None:
    communes = all_communes()
    typ_weights = [t[1] for t in _TYPOLOGIES]
    fin_weights = [f[1] for f in _FINANCING]
    rows = []
    for i in range(1, count + 1):
        commune = rng.choice(communes)
        typology, _, smin, smax = rng.choices(_TYPOLOGIES, typ_weights)[0]
        financing, _, rmin, rmax = rng.choices(_FINANCING, fin_weights)[0]
        surface = round(rng.uniform(smin, smax), 1)
        per_m2 = min(13.0, rng.uniform(rmin, rmax) + _ZONE_EXTRA[commune.zone])
        published = today - dt.timedelta(days=rng.randrange(0, 40))
        closes = published + dt.timedelta(days=rng.randrange(10, 60))
        floor = rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 10, 12])
        value = {
            "reference": f"AL{commune.department}-{published:%y%m}-{i:06d}",
            "residence_title": rng.choice(_RESIDENCES),
            "address": f"{rng.randrange(1, 150)} {rng.choice(_STREETS)}",
            "commune": commune.name,
            "postal_code": commune.postal_code,
            "department": commune.department,
            "zone": commune.zone,
            "typology": typology,
            "surface_m2": surface,
            "floor": floor,
            "lift": floor >= 4 or rng.random() < 0.3,
            "rent_cents": int(round(surface * per_m2 * 100)),
            "charges_cents": int(round(surface * rng.uniform(1.2, 2.8) * 100)),
            "financing": financing,
            "available_on": (today + dt.timedelta(days=rng.randrange(15, 120))).isoformat(),
            "published_on": published.isoformat(),
            "closes_on": closes.isoformat(),
            "status": "open" if closes >= today else "closed",
        }
        rows.append(
            (
                "offer",
                f"of-{i:06d}",
                "alin",
                None,
                ids.next(),
                1,
                0,
                json.dumps(value, ensure_ascii=False),
            )
        )
    conn.executemany(
        "INSERT INTO entities (type, id, service, owner, seq, version, deleted, value) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
