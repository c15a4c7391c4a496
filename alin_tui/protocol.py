"""Wire format of the sync protocol (PROTOCOL.md), shared by the client and the sandbox.

One source of truth: the sandbox's OpenAPI document is generated from these models, and the client
validates every answer with them. Everything a server sends is untrusted: these models bound the
types and sizes; display code still escapes the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(max_length=2000)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=128)]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Service = Literal["sne", "alin"]
EntityType = Literal["demand", "person", "document", "link", "application", "offer"]


# `defer_build`: a model's validator is built when it is first used, not when this module is
# imported: `alin-tui apply` imports it for one argument model (OfferArgs), and building them all
# cost each such command ~20 ms. TokenRequest and PushRequest, the request bodies of the
# sandbox's FastAPI routes, are built at once: FastAPI builds its adapters for them while it
# silences a pydantic warning about their `alias`, which a deferred build would let through.


class _Model(BaseModel):
    """Unknown fields are accepted and kept ("more are welcome"), never trusted for display."""

    model_config = ConfigDict(extra="allow", defer_build=True)


# --- health, auth, errors ------------------------------------------------------------------


class Health(_Model):
    status: Literal["ok"]
    server_time: dt.datetime
    today: dt.date


class TokenRequest(BaseModel):
    username: ShortText
    password: ShortText


class TokenResponse(_Model):
    token: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    expires_at: dt.datetime


class ErrorDetail(_Model):
    code: ShortText
    message: Text


class ErrorBody(BaseModel):
    model_config = ConfigDict(defer_build=True)

    error: ErrorDetail


# --- entities ------------------------------------------------------------------------------


class DemandValue(_Model):
    nur: Annotated[str, StringConstraints(min_length=18, max_length=18)]
    status: Literal["active", "radiated"]
    first_filed_on: dt.date
    renewed_on: dt.date | None = None
    expires_on: dt.date
    radiation_code: ShortText | None = None
    radiated_on: dt.date | None = None  # the day the demand was radiated (RADREN, RADIRR…)
    attestation_on: dt.date | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    address: Text | None = None
    wished_communes: list[ShortText] = Field(default_factory=list, max_length=50)
    reference_income_cents: int | None = Field(default=None, ge=0)
    # The income of year N-1, declared when it dropped by 10 % or more from N-2 (then it counts).
    income_n1_cents: int | None = Field(default=None, ge=0)
    # married | pacs: one joint tax return (one notice covers both); cohabiting: one each.
    couple_status: Literal["married", "pacs", "cohabiting"] | None = None
    version: int = Field(ge=0)


class PersonValue(_Model):
    first_name: ShortText
    last_name: ShortText
    role: Literal["applicant", "spouse", "child", "other"]
    birth_date: dt.date | None = None
    situation: Literal["employee", "self_employed", "retired", "student", "jobseeker", "none"]
    disability: bool = False  # holds a disability card: the household moves up one category
    tax_dependant: bool = False  # attached to the household's tax return (a child under 25)


DocumentKind = Literal[
    "identity",
    "tax_notice",
    "payslips",
    "income_other",
    "employment_contract",
    "family_situation",
    "moving_reason",
]


class DocumentValue(_Model):
    slot_id: Id
    person_id: Id
    kind: DocumentKind
    required: bool
    state: Literal["missing", "received", "accepted", "rejected", "expired"]
    reason: Text | None = None
    valid_until: dt.date | None = None
    pay_period: Annotated[str, StringConstraints(max_length=10)] | None = None  # payslips: YYYY-MM
    covers: list[Id] = Field(default_factory=list, max_length=20)  # a joint tax notice: both


class LinkValue(_Model):
    nur: Annotated[str, StringConstraints(max_length=18)] | None = None
    state: Literal["linked", "unlinked"]
    origin: Literal["sne", "alin"] | None = None
    draft: bool = False
    sne_version: int | None = None
    situation_version: int | None = None


class ApplicationValue(_Model):
    offer_id: Id
    status: Literal["submitted", "transmitted", "examined", "accepted", "refused", "withdrawn"]
    rank: int | None = Field(default=None, ge=1)
    created_at: dt.datetime


class OfferValue(_Model):
    reference: ShortText
    residence_title: ShortText
    address: Text
    commune: ShortText
    postal_code: Annotated[str, StringConstraints(max_length=10)]
    department: Annotated[str, StringConstraints(max_length=3)]
    zone: Literal["paris", "idf", "other"]
    typology: Literal["studio", "T1", "T2", "T3", "T4", "T5", "T6"]
    surface_m2: float = Field(gt=0, lt=1000)
    floor: int = Field(ge=-5, le=100)
    lift: bool = False
    rent_cents: int = Field(ge=0)
    charges_cents: int = Field(ge=0)
    financing: Literal["PLAI", "PLUS", "PLS"]
    available_on: dt.date
    published_on: dt.date | None = None
    closes_on: dt.date
    status: Literal["open", "closed"]


ENTITY_MODELS: dict[str, type[_Model]] = {
    "demand": DemandValue,
    "person": PersonValue,
    "document": DocumentValue,
    "link": LinkValue,
    "application": ApplicationValue,
    "offer": OfferValue,
}

SERVICE_OF: dict[str, Service] = {
    "demand": "sne",
    "person": "sne",
    "document": "sne",
    "link": "alin",
    "application": "alin",
    "offer": "alin",
}


# --- pull ----------------------------------------------------------------------------------


class Change(_Model):
    op: Literal["put", "del"]
    type: EntityType
    id: Id
    version: int = Field(ge=0)
    value: dict[str, Any] | None = None


class PullResponse(_Model):
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    has_more: bool
    server_time: dt.datetime
    today: dt.date
    last_mutation_ids: dict[ClientId, int] = Field(default_factory=dict)
    changes: list[Change] = Field(default_factory=list, max_length=1000)


# --- push ----------------------------------------------------------------------------------


class Mutation(BaseModel):
    model_config = ConfigDict(defer_build=True)

    id: int = Field(ge=1, strict=True)
    name: ShortText
    # Any JSON: arguments of the wrong shape are a per-mutation refusal (`invalid`), not an
    # envelope error.
    args: Any = Field(default_factory=dict)
    base_version: int | None = Field(default=None, strict=True)


class PushRequest(BaseModel):
    client_id: ClientId
    mutations: list[Mutation]


class MutationResult(_Model):
    id: int
    status: Literal["ok", "rejected", "conflict", "duplicate"]
    code: ShortText | None = None
    message: Text | None = None
    server_version: int | None = None
    server_value: dict[str, Any] | None = None
    missing: list[Id] | None = None


class PushResponse(_Model):
    last_mutation_id: int = Field(ge=0)
    results: list[MutationResult]


# --- the mutation catalogue ----------------------------------------------------------------
#
# One entry per mutation: its name, its service, the model of its arguments, whether it carries a
# `base_version`, and, where the client shows it before the server answers, its optimistic effect
# (rows laid over the pulled ones until the pull that acknowledges it) and its settlement (rows
# the server's answer lets the client write at once). Both are pure functions of plain values, so
# this module stays free of the store; the sandbox pairs each name with its rule
# (`sandbox/rules.RULES`), the interface with its label (`operation.<name>` in both catalogs).
# Adding a mutation: an entry here, its rule, its two labels.

MutationName = Literal[
    "demand.update",
    "demand.renew",
    "document.attach",
    "document.remove",
    "link.create",
    "situation.refresh",
    "application.create",
    "application.withdraw",
]


class _Args(BaseModel):
    """Arguments are typed exactly: wrong types and coercions are refused (`invalid`); keys the
    mutation does not read are ignored, as they always were."""

    model_config = ConfigDict(extra="ignore", strict=True, defer_build=True)


class NoArgs(_Args):
    pass


class DemandFields(_Args):
    """The fields of a demand that `demand.update` may change; nothing else (`invalid`)."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    email: Annotated[str, StringConstraints(max_length=500)] | None = None
    phone: Annotated[str, StringConstraints(max_length=500)] | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = None
    wished_communes: (
        list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] | None
    ) = Field(default=None, max_length=50)
    reference_income_cents: int | None = Field(default=None, ge=0, lt=10**12)


class DemandUpdateArgs(_Args):
    fields: DemandFields


class SlotArgs(_Args):
    slot_id: Id


class DocumentAttachArgs(_Args):
    slot_id: Id
    upload_id: Id


class LinkCreateArgs(_Args):
    nur: Text  # any text: the rule says why a number is not one (`invalid_nur`)


class OfferArgs(_Args):
    offer_id: Id


class ApplicationArgs(_Args):
    application_id: Id


Values = Mapping[str, Mapping[str, Mapping[str, Any]]]
"""What the client shows, by entity type then id: the pulled values with earlier local rows."""


@dataclass(frozen=True)
class LocalRow:
    """One row of an optimistic effect or a settlement: a patch over an entity's value, or
    (`create`) a whole value for an entity the server has not sent yet."""

    type: EntityType
    id: str
    value: dict[str, Any]
    create: bool = False


Effect = Callable[[Mapping[str, Any], Values, str], list[LocalRow]]
"""(arguments as queued, what is shown now, the queued change's local key) → local rows."""

Settlement = Callable[[Mapping[str, Any], Mapping[str, Any], Values], list[LocalRow]]
"""(arguments as queued, the server's result, what is shown now) → rows to store as pulled."""


@dataclass(frozen=True)
class MutationSpec:
    name: MutationName
    service: Service
    args: type[BaseModel]
    base_version: bool = False  # required beside `args`
    effect: Effect | None = None
    settle: Settlement | None = None


LOCAL_PREFIX = "local-"
"""Ids of entities created locally and not yet known to the server (`local-<key>`)."""


def _one(values: Values, type_: str) -> tuple[str, Mapping[str, Any]] | None:
    return next(iter(values.get(type_, {}).items()), None)


def _demand_update(args: Mapping[str, Any], shown: Values, key: str) -> list[LocalRow]:
    demand = _one(shown, "demand")
    if demand is None:
        return []
    return [LocalRow("demand", demand[0], {**args.get("fields", {}), "_pending": True})]


def _demand_renew(args: Mapping[str, Any], shown: Values, key: str) -> list[LocalRow]:
    demand = _one(shown, "demand")
    return [LocalRow("demand", demand[0], {"_renewal_pending": True})] if demand else []


def _document_attach(args: Mapping[str, Any], shown: Values, key: str) -> list[LocalRow]:
    slot_id = str(args.get("slot_id", ""))
    if slot_id not in shown.get("document", {}):
        return []
    # The validity was the replaced paper's: the new one's is the national file's to say.
    return [LocalRow("document", slot_id, {"_local_state": "queued", "valid_until": None})]


def _document_remove(args: Mapping[str, Any], shown: Values, key: str) -> list[LocalRow]:
    slot_id = str(args.get("slot_id", ""))
    if slot_id not in shown.get("document", {}):
        return []
    patch = {"state": "missing", "reason": None, "valid_until": None, "_pending": True}
    return [LocalRow("document", slot_id, patch)]


def _link_create(args: Mapping[str, Any], shown: Values, key: str) -> list[LocalRow]:
    link = _one(shown, "link")
    demand = _one(shown, "demand")
    version = (demand[1] if demand else {}).get(
        "version", (link[1] if link else {}).get("sne_version")
    )
    patch = {
        "nur": args.get("nur"),
        "state": "linked",
        "sne_version": version,
        "situation_version": version,
        "_pending": True,
    }
    if link is None:
        return [LocalRow("link", f"{LOCAL_PREFIX}{key}", patch, create=True)]
    return [LocalRow("link", link[0], patch)]


def _situation_refresh(args: Mapping[str, Any], shown: Values, key: str) -> list[LocalRow]:
    link = _one(shown, "link")
    if link is None:
        return []
    patch = {"situation_version": link[1].get("sne_version"), "_pending": True}
    return [LocalRow("link", link[0], patch)]


def _application_create(args: Mapping[str, Any], shown: Values, key: str) -> list[LocalRow]:
    value = {
        "offer_id": args.get("offer_id"),
        "status": "submitted",
        "rank": None,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "_pending": True,
    }
    return [LocalRow("application", f"{LOCAL_PREFIX}{key}", value, create=True)]


def _application_created(
    args: Mapping[str, Any], result: Mapping[str, Any], shown: Values
) -> list[LocalRow]:
    """The server's answer names the new application: store it now, so that a withdraw queued
    meanwhile can reach it, without waiting for the next pull."""
    created = result.get("server_value") or {}
    app_id = created.get("id")
    if result.get("status") not in ("ok", "duplicate") or not isinstance(app_id, str):
        return []
    if app_id in shown.get("application", {}):
        return []
    try:
        value = ApplicationValue.model_validate(
            {
                "created_at": dt.datetime.now(dt.UTC),
                **{k: created.get(k) for k in ("offer_id", "status", "rank")},
            }
        )
    except ValueError:
        return []
    return [LocalRow("application", app_id, value.model_dump(mode="json"), create=True)]


def _application_withdraw(args: Mapping[str, Any], shown: Values, key: str) -> list[LocalRow]:
    apps = shown.get("application", {})
    target = args.get("application_id")
    if isinstance(target, Mapping):  # a local reference: the application of an offer
        target = next((i for i, v in apps.items() if v.get("offer_id") == target.get("id")), None)
    if not isinstance(target, str) or target not in apps:
        return []
    return [LocalRow("application", target, {"status": "withdrawn", "_pending": True})]


MUTATIONS: dict[str, MutationSpec] = {
    spec.name: spec
    for spec in (
        MutationSpec(
            "demand.update", "sne", DemandUpdateArgs, base_version=True, effect=_demand_update
        ),
        MutationSpec("demand.renew", "sne", NoArgs, effect=_demand_renew),
        MutationSpec("document.attach", "sne", DocumentAttachArgs, effect=_document_attach),
        MutationSpec("document.remove", "sne", SlotArgs, effect=_document_remove),
        MutationSpec("link.create", "alin", LinkCreateArgs, effect=_link_create),
        MutationSpec("situation.refresh", "alin", NoArgs, effect=_situation_refresh),
        MutationSpec(
            "application.create",
            "alin",
            OfferArgs,
            effect=_application_create,
            settle=_application_created,
        ),
        MutationSpec("application.withdraw", "alin", ApplicationArgs, effect=_application_withdraw),
    )
}
