"""The one gate for applying to an offer, shared by the apply button, the command line and the
sandbox's acceptance of `application.create`.

Checks run in the protocol's order: offer_unknown, duplicate, not_linked, demand_inactive,
situation_outdated, dossier_incomplete, out_of_territory, offer_closed, application_limit. The
server and the command line stop at the first; the interface lists them all.

`out_of_territory` (`domain.territory`): the offer's department is outside what the demand's
number covers (its department; the Île-de-France region for a number starting `111`). A number or
a department that cannot be read refuses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from alin_tui.domain import territory
from alin_tui.domain.completeness import assess
from alin_tui.domain.entities import Demand, Link, Slot

DEFAULT_MAX_APPLICATIONS = 3  # unconfirmed rule: configurable
OPEN_STATUSES = ("submitted", "transmitted", "examined")
STATUSES = (*OPEN_STATUSES, "accepted", "refused", "withdrawn")
ORDER = (
    "offer_unknown",
    "duplicate",
    "not_linked",
    "demand_inactive",
    "situation_outdated",
    "dossier_incomplete",
    "out_of_territory",
    "offer_closed",
    "application_limit",
)


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    missing: tuple[str, ...] = field(default=())
    # What the words need, as codes: `out_of_territory` gives `offer_department` ("93") and
    # `territory` (the number's first three characters, "069").
    params: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


def offer_is_open(offer: Mapping[str, Any], today: dt.date) -> bool:
    closes = offer.get("closes_on")
    closes_on = dt.date.fromisoformat(str(closes)) if closes else None
    return offer.get("status") == "open" and (closes_on is None or closes_on >= today)


def refusals(
    *,
    offer_id: str,
    offer: Mapping[str, Any] | None,
    applications: Iterable[Mapping[str, Any]],
    demand: Demand | None,
    link: Link | None,
    slots: Sequence[Slot],
    today: dt.date,
    max_applications: int = DEFAULT_MAX_APPLICATIONS,
) -> list[Refusal]:
    """Every reason the application would be refused, in the protocol's order (empty: it may go)."""
    apps = list(applications)
    out: list[Refusal] = []
    if offer is None:
        out.append(Refusal("offer_unknown", f"L'offre {offer_id} n'existe pas."))
    if any(a.get("offer_id") == offer_id for a in apps):
        out.append(Refusal("duplicate", "Vous avez déjà candidaté à cette offre."))
    if link is None or link.state != "linked":
        out.append(Refusal("not_linked", "Votre numéro unique n'est pas lié à AL-in."))
    if demand is None or demand.status != "active":
        out.append(
            Refusal(
                "demand_inactive",
                "Votre demande n'est pas active sur le fichier national (radiée ou introuvable).",
            )
        )
    if link is not None and link.state == "linked" and not link.situation_fresh:
        out.append(
            Refusal(
                "situation_outdated",
                "Votre situation sur AL-in n'est pas à jour : « Mettre à jour ma situation ».",
            )
        )
    completeness = assess(slots, today)
    if demand is not None and not completeness.complete:
        ids = tuple(completeness.missing_slot_ids)
        out.append(
            Refusal(
                "dossier_incomplete",
                f"Dossier incomplet sur le fichier national : {_pieces(len(ids))} "
                "à fournir ou à remplacer.",
                ids,
            )
        )
    number = (demand.nur if demand is not None else None) or (link.nur if link else None)
    if offer is not None and territory.in_territory(number, offer.get("department")) is False:
        out.append(out_of_territory(number, offer.get("department")))
    if offer is not None and not offer_is_open(offer, today):
        out.append(Refusal("offer_closed", "Cette offre est close."))
    active = sum(1 for a in apps if a.get("status") in OPEN_STATUSES)
    if active >= max_applications:
        out.append(
            Refusal(
                "application_limit",
                f"Vous avez déjà {active} candidature{'s' if active > 1 else ''} en cours "
                f"(maximum {max_applications}) : retirez-en une pour candidater.",
            )
        )
    return out


def _pieces(n: int) -> str:
    return f"{n} pièce" if n < 2 else f"{n} pièces"


def out_of_territory(number: str | None, offer_department: str | None) -> Refusal:
    """The refusal of an offer outside the demand's territory, naming both."""
    covered = territory.territory_of_number(number)
    place = territory.department(offer_department)
    assert covered is not None and place is not None
    return Refusal(
        "out_of_territory",
        f"Cette offre est {place.locative} ; votre demande couvre {covered.place.the}.",
        params={
            "offer_department": place.code,
            "territory": territory.territory_code(number) or "",
        },
    )


def first_refusal(**kwargs: Any) -> Refusal | None:
    found = refusals(**kwargs)
    return found[0] if found else None
