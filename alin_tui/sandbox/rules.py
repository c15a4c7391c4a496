"""The sandbox's authoritative rules: mutations of both services, date rules, the situations that
the control routes play. Reuses `domain/` so that the app, the command line and the server judge
alike (one gate for applications, one catalogue of documents, one lifecycle)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from alin_tui import protocol as p
from alin_tui.domain import applying, lifecycle
from alin_tui.domain import nur as nur_rules
from alin_tui.domain.documents import (
    assumed_pay_period,
    payslips_valid_until,
    tax_notice_valid_until,
)
from alin_tui.domain.entities import Demand, Link, Slot
from alin_tui.sandbox.store import Entity, SandboxStore, rfc3339


class Rejected(Exception):
    """A refusal: becomes a `rejected` (or `conflict`/`duplicate`) result, counter advanced."""

    def __init__(self, code: str, message: str, *, status: str = "rejected", **extra: Any):
        super().__init__(message)
        self.code, self.message, self.status, self.extra = code, message, status, extra


@dataclass
class Ctx:
    store: SandboxStore
    conn: sqlite3.Connection
    user: str
    today: dt.date
    max_applications: int

    # --- lookups ---------------------------------------------------------------------------

    def demand(self) -> Entity | None:
        return self.store.get(self.conn, "demand", f"dem-{self.user}")

    def link(self) -> Entity | None:
        return self.store.get(self.conn, "link", f"lnk-{self.user}")

    def slots(self) -> list[Entity]:
        return self.store.owned(self.conn, self.user, "document")

    def applications(self) -> list[Entity]:
        return self.store.owned(self.conn, self.user, "application")

    def put(self, e: Entity, value: dict[str, Any], version: int | None = None) -> int:
        return self.store.update(self.conn, e, value, version)


def put_demand(
    ctx_store: SandboxStore, conn: sqlite3.Connection, demand: Entity, value: dict[str, Any]
) -> int:
    """A new version of a demand, and the AL-in link's `sne_version` follows it."""
    version = demand.version + 1
    value = {**value, "version": version}
    ctx_store.update(conn, demand, value, version)
    link = ctx_store.get(conn, "link", f"lnk-{demand.owner}")
    if link is not None:
        ctx_store.update(conn, link, {**link.value, "sne_version": version})
    return version


def _active_demand(ctx: Ctx) -> Entity:
    demand = ctx.demand()
    if demand is None:
        raise Rejected("no_account", "Aucun compte sur le fichier national de la demande.")
    if demand.value.get("status") != "active":
        raise Rejected("demand_inactive", "La demande n'est plus active (radiée).")
    return demand


# --- national file (sne) -------------------------------------------------------------------


def demand_update(ctx: Ctx, args: p.DemandUpdateArgs, base_version: int | None) -> dict[str, Any]:
    demand = _active_demand(ctx)
    fields = args.fields.model_dump(include=args.fields.model_fields_set)
    if not fields:
        raise Rejected("invalid", "Aucune modification n'a été envoyée.")
    if base_version != demand.version:
        raise Rejected(
            "conflict",
            "La demande a changé depuis votre lecture.",
            status="conflict",
            server_version=demand.version,
            server_value=demand.value,
        )
    version = put_demand(ctx.store, ctx.conn, demand, {**demand.value, **fields})
    return {"server_version": version}


def demand_renew(ctx: Ctx, args: p.NoArgs, base_version: int | None) -> dict[str, Any]:
    demand = _active_demand(ctx)
    expires_on = dt.date.fromisoformat(demand.value["expires_on"])
    if not lifecycle.can_renew(expires_on, ctx.today):
        opens = expires_on - dt.timedelta(days=60)
        raise Rejected(
            "too_early",
            f"Le renouvellement est possible à partir du {opens.strftime('%d/%m/%Y')}.",
        )
    renewal = lifecycle.renew(ctx.today)
    version = put_demand(
        ctx.store,
        ctx.conn,
        demand,
        {
            **demand.value,
            "renewed_on": renewal.renewed_on.isoformat(),
            "expires_on": renewal.expires_on.isoformat(),
        },
    )
    return {"server_version": version}


def _own_slot(ctx: Ctx, slot_id: str) -> Entity:
    if ctx.demand() is None:
        raise Rejected("no_account", "Aucun compte sur le fichier national de la demande.")
    slot = ctx.store.get(ctx.conn, "document", slot_id)
    if slot is None or slot.owner != ctx.user or slot.deleted:
        raise Rejected("slot_unknown", "Cette pièce n'existe pas dans votre dossier.")
    return slot


def document_attach(
    ctx: Ctx, args: p.DocumentAttachArgs, base_version: int | None
) -> dict[str, Any]:
    slot = _own_slot(ctx, args.slot_id)
    upload_id = args.upload_id
    row = ctx.conn.execute(
        "SELECT owner, length, offset, sha256 FROM uploads WHERE id = ?", (upload_id,)
    ).fetchone()
    if row is None or row[0] != ctx.user:
        raise Rejected(
            "upload_unknown", "Ce fichier n'a pas été reçu (ou plus) : envoyez-le à nouveau."
        )
    if row[2] != row[1]:
        raise Rejected("invalid_file", "L'envoi du fichier n'est pas terminé.")
    digest = hashlib.sha256()
    for (chunk,) in ctx.conn.execute(
        "SELECT data FROM upload_chunks WHERE upload_id = ? ORDER BY offset", (upload_id,)
    ):
        digest.update(chunk)
    if not row[3] or digest.hexdigest() != row[3].lower():
        raise Rejected(
            "invalid_file",
            "Le fichier reçu diffère du fichier envoyé (abîmé en route) : envoyez-le à nouveau.",
        )
    kind = slot.value.get("kind")
    value = {**slot.value, "state": "received", "reason": None, "valid_until": None}
    if kind == "payslips":  # valid from the pay period (the reviewer may correct the month)
        period = assumed_pay_period(ctx.today)
        value["pay_period"] = f"{period:%Y-%m}"
        value["valid_until"] = payslips_valid_until(period).isoformat()
    elif kind == "tax_notice":
        value["valid_until"] = tax_notice_valid_until(ctx.today.year - 1).isoformat()
    version = ctx.put(slot, value)
    return {"server_version": version}


def document_remove(ctx: Ctx, args: p.SlotArgs, base_version: int | None) -> dict[str, Any]:
    slot = _own_slot(ctx, args.slot_id)
    version = ctx.put(slot, {**slot.value, "state": "missing", "reason": None, "valid_until": None})
    return {"server_version": version}


# --- AL-in (alin) --------------------------------------------------------------------------


def _demand_by_nur(ctx: Ctx, nur: str) -> Entity | None:
    row = ctx.conn.execute(
        "SELECT id FROM entities WHERE type = 'demand' AND json_extract(value, '$.nur') = ?",
        (nur,),
    ).fetchone()
    return ctx.store.get(ctx.conn, "demand", row[0]) if row else None


def _link_entity(ctx: Ctx) -> Entity:
    link = ctx.link()
    if link is not None:
        return link
    ctx.store.put(
        ctx.conn,
        type_="link",
        id_=f"lnk-{ctx.user}",
        service="alin",
        owner=ctx.user,
        value={
            "nur": None,
            "state": "unlinked",
            "origin": None,
            "draft": False,
            "sne_version": None,
            "situation_version": None,
        },
    )
    return ctx.link()  # type: ignore[return-value]


NUR_UNKNOWN = (
    "Ce numéro unique ne correspond à aucune demande à votre nom au fichier national : "
    "vérifiez-le sur votre attestation d'enregistrement."
)


def link_create(ctx: Ctx, args: p.LinkCreateArgs, base_version: int | None) -> dict[str, Any]:
    try:
        number = nur_rules.normalize(args.nur)
    except nur_rules.InvalidNur as exc:
        raise Rejected("invalid_nur", str(exc)) from exc
    demand = _demand_by_nur(ctx, number)
    if demand is None or demand.owner != ctx.user:
        # PROTOCOL v3: one answer whether or not the number exists, so that no one learns from
        # it that another applicant's number does.
        raise Rejected("nur_unknown", NUR_UNKNOWN)
    link = _link_entity(ctx)
    origin = link.value.get("origin") if link.value.get("nur") == number else None
    ctx.put(
        link,
        {
            **link.value,
            "nur": number,
            "state": "linked",
            "origin": origin or "sne",
            "draft": False,
            "sne_version": demand.version,
            "situation_version": demand.version,
        },
    )
    warnings = nur_rules.warnings(number, ctx.today)
    return {"message": "warning: " + " ".join(warnings)} if warnings else {}


def _linked_demand(ctx: Ctx) -> tuple[Entity | None, Entity | None]:
    link = ctx.link()
    if link is None or link.value.get("state") != "linked" or not link.value.get("nur"):
        return link, None
    return link, _demand_by_nur(ctx, link.value["nur"])


def situation_refresh(ctx: Ctx, args: p.NoArgs, base_version: int | None) -> dict[str, Any]:
    link, demand = _linked_demand(ctx)
    if link is None or link.value.get("state") != "linked":
        raise Rejected("not_linked", "Aucun numéro unique lié à AL-in.")
    version = demand.version if demand is not None else link.value.get("sne_version")
    ctx.put(link, {**link.value, "sne_version": version, "situation_version": version})
    return {}


def application_create(ctx: Ctx, args: p.OfferArgs, base_version: int | None) -> dict[str, Any]:
    offer_id = args.offer_id
    offer = ctx.store.get(ctx.conn, "offer", offer_id)
    offer_value = offer.value if offer is not None and not offer.deleted else None
    apps = ctx.applications()
    link, demand = _linked_demand(ctx)
    slots = (
        [_slot(e) for e in ctx.store.owned(ctx.conn, demand.owner, "document")]
        if demand is not None and demand.owner
        else []
    )
    refusal = applying.first_refusal(
        offer_id=offer_id,
        offer=offer_value,
        applications=[a.value for a in apps],
        demand=Demand.from_value(demand.value) if demand else None,
        link=Link.from_value(link.value) if link else None,
        slots=slots,
        today=ctx.today,
        max_applications=ctx.max_applications,
    )
    if refusal is not None and refusal.code == "duplicate":
        existing = next(a for a in apps if a.value.get("offer_id") == offer_id)
        raise Rejected(
            "duplicate",
            refusal.message,
            status="duplicate",
            server_value=_application_view(existing),
        )
    if refusal is not None and refusal.code == "dossier_incomplete":
        # PROTOCOL v3: the message is words (no slot id, no code); `missing` keeps the ids.
        raise Rejected("dossier_incomplete", refusal.message, missing=list(refusal.missing))
    if refusal is not None:
        raise Rejected(refusal.code, refusal.message)
    number = int(ctx.store.meta("app_seq", "0") or 0) + 1
    ctx.store.set_meta("app_seq", number, ctx.conn)
    app_id = f"ap-{number:06d}"
    value = {
        "offer_id": offer_id,
        "status": "submitted",
        "rank": _rank(ctx, offer_id),
        "created_at": rfc3339(ctx.store.server_time()),
    }
    ctx.store.put(
        ctx.conn, type_="application", id_=app_id, service="alin", owner=ctx.user, value=value
    )
    ctx.conn.execute(
        "INSERT INTO stats_applications (username, offer_id, count) VALUES (?, ?, 1) "
        "ON CONFLICT (username, offer_id) DO UPDATE SET count = count + 1",
        (ctx.user, offer_id),
    )
    return {"server_value": {"id": app_id, **_application_view_value(value)}}


def _slot(e: Entity) -> Slot:
    return Slot.from_value(e.id, e.value)


def _rank(ctx: Ctx, offer_id: str) -> int | None:
    """The rank of a new application: none (PROTOCOL v3). The rank comes from the landlord's
    commission (`/sandbox/v1/applications/{id}/decide`); before it there is only a queue."""
    return None


def _application_view_value(value: dict[str, Any]) -> dict[str, Any]:
    return {k: value.get(k) for k in ("offer_id", "status", "rank")}


def _application_view(e: Entity) -> dict[str, Any]:
    return {"id": e.id, **_application_view_value(e.value)}


def application_withdraw(
    ctx: Ctx, args: p.ApplicationArgs, base_version: int | None
) -> dict[str, Any]:
    app_id = args.application_id
    app = ctx.store.get(ctx.conn, "application", app_id)
    if app is None or app.owner != ctx.user or app.deleted:
        raise Rejected("application_unknown", "Cette candidature n'existe pas.")
    if app.value.get("status") not in applying.OPEN_STATUSES:
        raise Rejected("not_withdrawable", "Cette candidature ne peut plus être retirée.")
    ctx.put(app, {**app.value, "status": "withdrawn"})
    return {"server_value": _application_view(ctx.store.get(ctx.conn, "application", app_id))}


@dataclass(frozen=True)
class Rule:
    """The server side of a mutation of the catalogue (`protocol.MUTATIONS`): its handler, which
    receives typed arguments, and the refusals checked before its arguments are (PROTOCOL.md
    lists `invalid` after them)."""

    handler: Callable[[Ctx, Any, int | None], dict[str, Any]]
    before_args: Callable[[Ctx], Any] | None = None
    # It tries a demand's number: after too many unknown ones, a push holding it waits
    # (`rate_limited`, PROTOCOL.md), and each `nur_unknown` it gets counts.
    tries_a_number: bool = False


RULES: dict[str, Rule] = {
    "demand.update": Rule(demand_update, before_args=_active_demand),
    "demand.renew": Rule(demand_renew),
    "document.attach": Rule(document_attach),
    "document.remove": Rule(document_remove),
    "link.create": Rule(link_create, tries_a_number=True),
    "situation.refresh": Rule(situation_refresh),
    "application.create": Rule(application_create),
    "application.withdraw": Rule(application_withdraw),
}


# Arguments and demand fields in words, for the `invalid` messages (no wire key shown to people).
_WORDS = {
    "fields": "les modifications",
    "email": "l'adresse électronique",
    "phone": "le téléphone",
    "address": "l'adresse",
    "wished_communes": "les communes souhaitées",
    "reference_income_cents": "le revenu fiscal de référence",
    "nur": "le numéro unique",
    "status": "l'état de la demande",
    "first_filed_on": "la date de premier dépôt",
    "renewed_on": "la date de renouvellement",
    "expires_on": "la date d'expiration",
    "radiation_code": "le motif de radiation",
    "attestation_on": "la date d'attestation",
    "version": "la version de la demande",
    "slot_id": "la pièce",
    "upload_id": "le fichier envoyé",
    "offer_id": "l'offre",
    "application_id": "la candidature",
}


def _invalid(exc: ValidationError) -> str:
    errors = exc.errors()
    if errors[0].get("type") == "extra_forbidden":
        keys = sorted({str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden"})
        named = [_WORDS[k] for k in keys if k in _WORDS]
        if named and len(named) == len(keys):
            return f"Ces informations ne se modifient pas ici : {', '.join(named)}."
        return "Certaines informations envoyées ne se modifient pas ici."
    named = [_WORDS[str(x)] for x in errors[0].get("loc", ()) if str(x) in _WORDS]
    if named:
        return f"Information manquante ou mal formée : {named[-1]}."
    return "Les données de l'opération sont mal formées."


def apply_mutation(
    ctx: Ctx, service: str, mutation_id: int, name: str, args: Any, base_version: int | None
) -> dict[str, Any]:
    """The stored result of one mutation (the caller commits it with the counter)."""

    def refused(code: str, message: str, status: str = "rejected", **extra: Any) -> dict[str, Any]:
        return {"id": mutation_id, "status": status, "code": code, "message": message, **extra}

    spec = p.MUTATIONS.get(name)
    if spec is None or spec.service != service:
        return refused(
            "unknown_mutation",
            "Ce service ne connaît pas cette opération : mettez l'application à jour.",
        )
    if service == "sne" and ctx.demand() is None:
        return refused("no_account", "Aucun compte sur le fichier national de la demande.")
    rule = RULES[name]
    try:
        if rule.before_args is not None:
            rule.before_args(ctx)
        if not isinstance(args, dict):
            raise Rejected("invalid", "Les données de l'opération sont mal formées.")
        try:
            typed = spec.args.model_validate(args)
        except ValidationError as exc:
            raise Rejected("invalid", _invalid(exc)) from exc
        if spec.base_version and (
            not isinstance(base_version, int) or isinstance(base_version, bool)
        ):
            raise Rejected(
                "invalid", "La version lue de la demande manque : synchronisez puis recommencez."
            )
        outcome = rule.handler(ctx, typed, base_version)
    except Rejected as r:
        return refused(r.code, r.message, r.status, **r.extra)
    ctx.conn.execute(
        "INSERT INTO stats_mutations (name, count) VALUES (?, 1) "
        "ON CONFLICT (name) DO UPDATE SET count = count + 1",
        (name,),
    )
    return {"id": mutation_id, "status": "ok", **outcome}


# --- date rules ----------------------------------------------------------------------------


def radiate(
    store: SandboxStore, conn: sqlite3.Connection, demand: Entity, code: str, on: dt.date
) -> int:
    """The demand radiated (`status`, `radiation_code`, `radiated_on`): a new version, which the
    AL-in link's `sne_version` follows."""
    value = {**demand.value, "status": "radiated", "radiation_code": code}
    return put_demand(store, conn, demand, {**value, "radiated_on": on.isoformat()})


def _due(conn: sqlite3.Connection, type_: str, where: str, day: str) -> list[str]:
    return [
        i
        for (i,) in conn.execute(
            f"SELECT id FROM entities WHERE type = ? AND deleted = 0 AND {where}", (type_, day)
        )
    ]


def apply_date_rules(store: SandboxStore, conn: sqlite3.Connection, today: dt.date) -> None:
    """Expiries (`valid_until`), RADREN radiations, offers closing after `closes_on`."""
    day = today.isoformat()
    for doc_id in _due(
        conn,
        "document",
        "json_extract(value, '$.state') IN "
        "('received', 'accepted') AND json_extract(value, '$.valid_until') < ?",
        day,
    ):
        doc = store.get(conn, "document", doc_id)
        store.update(conn, doc, {**doc.value, "state": "expired"})
    for demand_id in _due(
        conn,
        "demand",
        "json_extract(value, '$.status') = 'active' AND json_extract(value, '$.expires_on') < ?",
        day,
    ):
        demand = store.get(conn, "demand", demand_id)
        expired = dt.date.fromisoformat(demand.value["expires_on"])
        radiate(store, conn, demand, "RADREN", expired + dt.timedelta(days=1))
    for offer_id in _due(
        conn,
        "offer",
        "json_extract(value, '$.status') = 'open' AND json_extract(value, '$.closes_on') < ?",
        day,
    ):
        offer = store.get(conn, "offer", offer_id)
        store.update(conn, offer, {**offer.value, "status": "closed"})
    store.set_meta("rules_day", day, conn)


def ensure_date_rules(store: SandboxStore) -> dt.date:
    """Apply the date rules once per sandbox day (the day moves with real time and the clock)."""
    today = store.today()
    if store.meta("rules_day") != today.isoformat():
        with store.write() as conn:
            if store.meta("rules_day") != today.isoformat():
                apply_date_rules(store, conn, today)
    return today


# --- situations played by the control routes -----------------------------------------------


def runtime_writer(store: SandboxStore, conn: sqlite3.Connection):
    def write(
        type_: str,
        id_: str,
        service: str,
        owner: str | None,
        value: dict[str, Any],
        version: int | None = None,
    ) -> None:
        store.put(
            conn, type_=type_, id_=id_, service=service, owner=owner, value=value, version=version
        )

    return write


def create_demand(
    store: SandboxStore, conn: sqlite3.Connection, username: str, today: dt.date
) -> Entity:
    """Situation 1 done on the national file: a new demand with a new number, documents missing,
    the AL-in draft gone."""
    from alin_tui.sandbox.seed import household, make_nur

    rng = random.Random(f"{username}-{today.isoformat()}-{store.meta('seq')}")
    old = store.get(conn, "demand", f"dem-{username}")
    version = old.version + 1 if old else 1
    household(
        runtime_writer(store, conn),
        rng,
        today,
        username,
        expires_in=365,
        territory="111",
        members=[("applicant", "employee")],
        communes=[],
        income=None,
        default_state="missing",
        linked=False,
        attested=False,
        first_filed_on=today,
        nur=make_nur(rng, "111", today),
        version=version,
    )
    return store.get(conn, "demand", f"dem-{username}")  # type: ignore[return-value]


def claim_account(
    store: SandboxStore, conn: sqlite3.Connection, username: str, today: dt.date
) -> Entity | None:
    """Situation 2 done on the national file: the account for the number obtained on AL-in."""
    from alin_tui.sandbox.seed import household

    row = conn.execute("SELECT hidden FROM users WHERE username = ?", (username,)).fetchone()
    claim = json.loads(row[0]).get("claim") if row else None
    if not claim:
        link = store.get(conn, "link", f"lnk-{username}")
        if link is None or not link.value.get("nur") or link.value.get("origin") != "alin":
            return None
        filed = today - dt.timedelta(days=100)
        claim = {
            "nur": link.value["nur"],
            "first_filed_on": filed.isoformat(),
            "renewed_on": None,
            "territory": link.value["nur"][:3],
        }
    filed = dt.date.fromisoformat(claim["first_filed_on"])
    renewed = dt.date.fromisoformat(claim["renewed_on"]) if claim.get("renewed_on") else None
    rng = random.Random(f"{username}-{claim['nur']}")
    old = store.get(conn, "demand", f"dem-{username}")
    household(
        runtime_writer(store, conn),
        rng,
        today,
        username,
        expires_in=365,
        territory=claim["territory"],
        members=[("applicant", "employee")],
        communes=[],
        income=None,
        default_state="received",
        linked=False,
        nur=claim["nur"],
        first_filed_on=filed,
        renewed_on=renewed,
        version=old.version + 1 if old else 1,
        keep_link=True,
    )
    demand = store.get(conn, "demand", f"dem-{username}")
    link = store.get(conn, "link", f"lnk-{username}")
    if link is not None and demand is not None:
        store.put(
            conn,
            type_="link",
            id_=link.id,
            service="alin",
            owner=username,
            value={**link.value, "sne_version": demand.version},
        )
    return demand
