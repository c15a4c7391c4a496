"""The JSON documents of the command line, as pydantic models: what scripts can rely on.

`status --json` and `offers search --json` are fixed by PROTOCOL.md §8 (fields may be added, never
renamed); the tests validate every `--json` output against these models, so a change to a document
is a change here first. `profiles list --json` is in `profiles_json.py`, `doctor --json` in
`doctor.py`, `offers new|saved --json` in `alerts.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Link(_Doc):
    state: str  # linked | unlinked | …
    situation_fresh: bool


class Missing(_Doc):
    person: str  # the person id
    slot_id: str | None
    kind: str
    reason: str | None


class SyncError(_Doc):
    service: Literal["sne", "alin"]
    mutation_id: int | None
    name: str
    code: str
    message: str


class Sync(_Doc):
    state: Literal["synced", "pending", "offline", "error"]
    pending: int = Field(ge=0)
    last_sync_at: str | None
    errors: list[SyncError]


class Application(_Doc):
    id: str
    offer_id: str | None
    status: str | None
    rank: int | None
    queued: bool


class Seniority(_Doc):
    since: dt.date
    months: int = Field(ge=0)
    department: str | None
    abnormal_delay_months: int | None
    abnormal_delay_confirmed: bool | None
    abnormal_delay_reached_on: dt.date | None
    dalo_possible: bool | None  # the delay is passed: a DALO appeal is possible


class Radiation(_Doc):
    code: str | None  # RADATT, RADABA, RADCON, RADIRR, RADREN
    on: dt.date | None


class StatusDocument(_Doc):
    """`alin-tui status --json`."""

    stage: str
    next_step: str
    nur: str | None = Field(pattern=r"^[0-9A-Z]{18}$")
    link: Link
    complete: bool
    missing: list[Missing]
    renewal_due_on: dt.date | None
    drop_folder: str
    sync: Sync
    lifecycle: Literal[
        "no_demand",
        "draft",
        "number_without_account",
        "registered",
        "active",
        "renewal_due",
        "radiated",
    ]
    situation: Literal[1, 2, 3] | None  # the starting situation of the April 2021 notice
    attestation_on: dt.date | None
    seniority: Seniority | None
    radiation: Radiation | None
    applications: list[Application]


class OfferResult(BaseModel):
    """One entry of `alin-tui offers search --json`: the offer's fields as pulled, plus the
    household's eligibility, the relevance score and the closing-soon flag."""

    model_config = ConfigDict(extra="allow")  # every field of the offer entity, as pulled

    id: str
    reference: str
    commune: str
    postal_code: str
    typology: str
    rent_cents: int
    charges_cents: int
    surface_m2: float
    status: str
    closes_on: dt.date
    eligible: bool | None
    score: float
    closing_soon: bool  # closes within 7 days of the server's day
    in_territory: bool | None  # in the demand's territory (null when unknown)
