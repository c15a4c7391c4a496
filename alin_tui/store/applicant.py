"""The dossier as the user should see it: the last pulled data plus the pending overlay.

Pending mutations not yet reflected in the pulled data (id above the server's acknowledged
`last_mutation_ids` for this client) are applied on top, so a change shows at once and never
flickers back: once the pulled data includes it, the overlay stops applying it.
"""

from __future__ import annotations

import copy
import sqlite3
from dataclasses import dataclass
from typing import Any

from alin_tui.domain.entities import Demand, Link, Person, Slot
from alin_tui.store import outbox, records, sync_state

LOCAL_PREFIX = "local-"


@dataclass
class ApplicantRecords:
    demand: dict[str, Any] | None
    link: dict[str, Any] | None
    persons: dict[str, dict[str, Any]]
    documents: dict[str, dict[str, Any]]
    applications: dict[str, dict[str, Any]]

    def demand_rule(self) -> Demand | None:
        return Demand.from_value(self.demand) if self.demand else None

    def link_rule(self) -> Link | None:
        return Link.from_value(self.link) if self.link else None

    def slots(self) -> list[Slot]:
        return [Slot.from_value(i, v) for i, v in self.documents.items()]

    def person_rules(self) -> list[Person]:
        return [Person.from_value(i, v) for i, v in self.persons.items()]


def acknowledged(conn: sqlite3.Connection, service: str) -> int:
    ids = sync_state.get(conn, service)["last_mutation_ids"]
    return int(ids.get(outbox.client_id(conn), 0))


def load(conn: sqlite3.Connection, *, overlay: bool = True) -> ApplicantRecords:
    demands = records.values(conn, "demand")
    links = records.values(conn, "link")
    data = ApplicantRecords(
        demand=demands[0][1] if demands else None,
        link=links[0][1] if links else None,
        persons=dict(records.values(conn, "person")),
        documents=dict(records.values(conn, "document")),
        applications=dict(records.values(conn, "application")),
    )
    if overlay:
        apply_overlay(conn, data)
    return data


def load_both(conn: sqlite3.Connection) -> tuple[ApplicantRecords, ApplicantRecords]:
    """The pulled data and the same with the overlay, from one read of the store."""
    pulled = load(conn, overlay=False)
    shown = copy.deepcopy(pulled)
    apply_overlay(conn, shown)
    return pulled, shown


def apply_overlay(conn: sqlite3.Connection, data: ApplicantRecords) -> None:
    acks = {s: acknowledged(conn, s) for s in ("sne", "alin")}
    for row in outbox.rows(conn, states=("pending", "done")):
        if row.mutation_id <= acks[row.service]:
            continue  # the pulled data already includes it
        _apply(data, row)


def _apply(data: ApplicantRecords, row: outbox.Row) -> None:
    args = row.args
    if row.name == "demand.update" and data.demand is not None:
        data.demand = {**data.demand, **args.get("fields", {}), "_pending": True}
    elif row.name == "demand.renew" and data.demand is not None:
        data.demand = {**data.demand, "_renewal_pending": True}
    elif row.name in ("document.attach", "document.remove"):
        slot = data.documents.get(args.get("slot_id", ""))
        if slot is not None:
            slot = copy.deepcopy(slot)
            if row.name == "document.attach":
                slot["_local_state"] = "queued"
            else:
                slot.update(state="missing", reason=None, valid_until=None)
            data.documents[args["slot_id"]] = slot
    elif row.name == "link.create":
        link = dict(data.link or {})
        version = (data.demand or {}).get("version", link.get("sne_version"))
        link.update(
            nur=args.get("nur"),
            state="linked",
            sne_version=version,
            situation_version=version,
            _pending=True,
        )
        data.link = link
    elif row.name == "situation.refresh" and data.link is not None:
        data.link = {
            **data.link,
            "situation_version": data.link.get("sne_version"),
            "_pending": True,
        }
    elif row.name == "application.create":
        created = (row.result or {}).get("server_value") or {}
        if created.get("id") in data.applications:
            return  # the server's answer already put the real one in place
        local_id = f"{LOCAL_PREFIX}{row.service}-{row.mutation_id}"
        data.applications[local_id] = {
            "offer_id": args.get("offer_id"),
            "status": "submitted",
            "rank": None,
            "created_at": row.created_at,
            "_pending": True,
        }
    elif row.name == "application.withdraw":
        app_id = args.get("application_id", "")
        if app_id in data.applications:
            data.applications[app_id] = {
                **data.applications[app_id],
                "status": "withdrawn",
                "_pending": True,
            }
