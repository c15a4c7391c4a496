"""The document `alin-tui profiles list --json` prints: stable, validated before it is printed."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict


class ProfileRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    username: str | None
    stage: str | None  # as `status --json`; null when never synced
    next_step: str | None
    renewal_due_on: dt.date | None
    days_left: int | None  # to the renewal, by the server's day
    missing: int | None  # pieces missing or to replace
    pending: int | None  # queued changes and unfinished uploads
    last_sync_at: str | None
    sync_state: str | None
    damaged: bool  # the store cannot be read: `alin-tui doctor` says more
    # why: "damaged" (not a database any more) or "unavailable" (a read-only folder, another
    # process holding it): the second is no damage at all
    store_problem: Literal["damaged", "unavailable"] | None = None
    logged_in: bool  # a token is kept for this household


class ProfileList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profiles: list[ProfileRow]
