"""Where the applicant stands (the stage codes of the protocol), the single next step and the site
where it happens, and which of the three starting situations of April 2021 applies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from alin_tui.domain.completeness import Completeness, assess
from alin_tui.domain.entities import Demand, Link, Slot
from alin_tui.domain.lifecycle import RENEWAL_WARNING_DAYS, RENEWAL_WINDOW_DAYS

__all__ = ["RENEWAL_WARNING_DAYS", "RENEWAL_WINDOW_DAYS", "Standing", "compute_stage"]

STAGES = (
    "radiated",
    "no_demand",
    "draft_without_number",
    "number_without_account",
    "not_linked",
    "renewal_due",
    "situation_outdated",
    "incomplete",
    "ready",
)

# Stage -> next step code, as the command line reports it.
NEXT_STEP = {
    "radiated": "new_demand",
    "no_demand": "create_demand_on_sne",
    "draft_without_number": "create_demand_on_sne",
    "number_without_account": "claim_sne_account",
    "not_linked": "link_number",
    "renewal_due": "renew",
    "situation_outdated": "refresh_situation",
    "incomplete": "send_documents",
    "ready": "apply",
}

# Where each next step happens: the national file ("sne") or AL-in ("alin").
NEXT_STEP_SITE = {
    "new_demand": "sne",
    "create_demand_on_sne": "sne",
    "claim_sne_account": "sne",
    "link_number": "alin",
    "renew": "sne",
    "refresh_situation": "alin",
    "send_documents": "sne",
    "apply": "alin",
}


@dataclass(frozen=True)
class Standing:
    stage: str
    next_step: str
    site: str
    completeness: Completeness
    situation: int | None  # starting situation 1, 2 or 3 of the April 2021 notice
    lifecycle: str = "no_demand"  # one of lifecycle.LIFECYCLE

    @property
    def complete(self) -> bool:
        return self.completeness.complete


def starting_situation(demand: Demand | None, link: Link | None) -> int | None:
    """1: a draft on AL-in without a number (void; start on the national file);
    2: a number obtained on AL-in (no national-file account yet, or claimed since);
    3: a demand of the national file imported into AL-in (linked).
    None: nothing yet, or a national demand not linked to AL-in (none of the three: the number
    is still to be entered on AL-in)."""
    if link is not None and link.nur and link.origin == "alin":
        return 2
    if demand is not None:
        return 3 if link is not None and link.state == "linked" else None
    if link is not None and link.draft:
        return 1
    return None


def lifecycle_state(
    demand: Demand | None, link: Link | None, today: dt.date, window: int = RENEWAL_WINDOW_DAYS
) -> str:
    """Where the demand itself stands (DOMAIN.md, lifecycle), whatever AL-in knows of it."""
    if demand is None:
        if link is not None and link.nur and link.origin == "alin":
            return "number_without_account"
        if link is not None and link.draft:
            return "draft"
        return "no_demand"
    if demand.status == "radiated":
        return "radiated"
    if demand.expires_on is not None and (demand.expires_on - today).days <= window:
        return "renewal_due"
    if demand.attestation_on is None:
        return "registered"
    return "active"


def compute_stage(
    demand: Demand | None,
    link: Link | None,
    slots: Sequence[Slot],
    today: dt.date,
    window: int = RENEWAL_WINDOW_DAYS,
) -> Standing:
    """First match wins, in the protocol's order. `window`: days before expiry from which the
    renewal is due (the protocol's 60 unless the user's setting says otherwise)."""
    completeness = assess(slots if demand is not None else (), today)
    stage = _stage(demand, link, completeness, today, window)
    step = NEXT_STEP[stage]
    return Standing(
        stage,
        step,
        NEXT_STEP_SITE[step],
        completeness,
        starting_situation(demand, link),
        lifecycle_state(demand, link, today, window),
    )


def _stage(
    demand: Demand | None,
    link: Link | None,
    completeness: Completeness,
    today: dt.date,
    window: int = RENEWAL_WINDOW_DAYS,
) -> str:
    if demand is not None and demand.status == "radiated":
        return "radiated"
    if demand is None:
        if link is not None and link.draft and not link.nur:
            return "draft_without_number"
        if link is not None and link.nur and link.origin == "alin":
            return "number_without_account"
        return "no_demand"
    if link is None or link.state != "linked":
        return "not_linked"
    if demand.expires_on is not None and (demand.expires_on - today).days <= window:
        return "renewal_due"
    if not link.situation_fresh:
        return "situation_outdated"
    if not completeness.complete:
        return "incomplete"
    return "ready"
