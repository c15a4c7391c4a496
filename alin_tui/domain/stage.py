"""Where the applicant stands (the stage codes of the protocol) and the single next step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from alin_tui.domain.dossier import Demand, Link, Slot

RENEWAL_WINDOW_DAYS = 60
RENEWAL_WARNING_DAYS = 30

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


@dataclass(frozen=True)
class Standing:
    stage: str
    next_step: str
    blocking: tuple[Slot, ...]

    @property
    def complete(self) -> bool:
        return not self.blocking


def blocking_slots(slots: Sequence[Slot], today: dt.date) -> tuple[Slot, ...]:
    return tuple(s for s in slots if s.blocking(today))


def compute_stage(
    demand: Demand | None, link: Link | None, slots: Sequence[Slot], today: dt.date
) -> Standing:
    """First match wins, in the protocol's order."""
    blocking = blocking_slots(slots, today) if demand is not None else ()
    stage = _stage(demand, link, blocking, today)
    return Standing(stage=stage, next_step=NEXT_STEP[stage], blocking=blocking)


def _stage(
    demand: Demand | None, link: Link | None, blocking: tuple[Slot, ...], today: dt.date
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
    if demand.expires_on is not None and (demand.expires_on - today).days <= RENEWAL_WINDOW_DAYS:
        return "renewal_due"
    if not link.situation_fresh:
        return "situation_outdated"
    if blocking:
        return "incomplete"
    return "ready"
