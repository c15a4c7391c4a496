"""Wire format of the sync protocol (PROTOCOL.md), shared by the client and the sandbox.

One source of truth: the sandbox's OpenAPI document is generated from these models, and the client
validates every answer with them. Everything a server sends is untrusted: these models bound the
types and sizes; display code still escapes the text.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(max_length=2000)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=128)]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Service = Literal["sne", "alin"]
EntityType = Literal["demand", "person", "document", "link", "application", "offer"]


class _Model(BaseModel):
    """Unknown fields are accepted and kept ("more are welcome"), never trusted for display."""

    model_config = ConfigDict(extra="allow")


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
    error: ErrorDetail


# --- entities ------------------------------------------------------------------------------


class DemandValue(_Model):
    nur: Annotated[str, StringConstraints(min_length=18, max_length=18)]
    status: Literal["active", "radiated"]
    first_filed_on: dt.date
    renewed_on: dt.date | None = None
    expires_on: dt.date
    radiation_code: ShortText | None = None
    attestation_on: dt.date | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    address: Text | None = None
    wished_communes: list[ShortText] = Field(default_factory=list, max_length=50)
    reference_income_cents: int | None = Field(default=None, ge=0)
    version: int = Field(ge=0)


class PersonValue(_Model):
    first_name: ShortText
    last_name: ShortText
    role: Literal["applicant", "spouse", "child", "other"]
    birth_date: dt.date | None = None
    situation: Literal["employee", "self_employed", "retired", "student", "jobseeker", "none"]


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
