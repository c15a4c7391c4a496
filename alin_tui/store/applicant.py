"""The applicant's records: as last pulled, and as shown (the pulled values with the optimistic
rows of queued changes laid over them, read by one merged query).

A queued change shows at once and never flickers back: its rows stay until the pull that
acknowledges it arrives (then the pulled data holds the change), or go when the server refuses it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from alin_tui.domain.entities import Demand, Link, Person, Slot

TYPES = ("demand", "person", "document", "link", "application")

_MERGED = """
SELECT type, id, value, NULL AS key, 0 AS creates FROM records WHERE type IN ({types})
UNION ALL
SELECT type, id, value, outbox_key, creates FROM local_rows WHERE :shown
ORDER BY type, id, key NULLS FIRST
"""


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


Values = dict[str, dict[str, dict[str, Any]]]


def _read(conn: sqlite3.Connection, *, shown: bool = True) -> tuple[Values, Values]:
    """(pulled, shown) by type then id, from one query."""
    pulled: Values = {t: {} for t in TYPES}
    with_local: Values = {t: {} for t in TYPES}
    sql = _MERGED.format(types=",".join(f"'{t}'" for t in TYPES))
    for type_, id_, value, key, creates in conn.execute(sql, {"shown": int(shown)}):
        of_type = with_local.setdefault(type_, {})
        if key is None:
            pulled.setdefault(type_, {})[id_] = of_type[id_] = json.loads(value)
        elif id_ in of_type:
            of_type[id_] = {**of_type[id_], **json.loads(value)}
        elif creates:
            of_type[id_] = json.loads(value)
        # a patch over an entity the server no longer has is not shown
    return pulled, with_local


def shown_values(conn: sqlite3.Connection) -> dict[str, dict[str, dict[str, Any]]]:
    """By type then id: what the user sees (pulled values with the optimistic rows)."""
    return _read(conn)[1]


def _records(values: dict[str, dict[str, dict[str, Any]]]) -> ApplicantRecords:
    demand = next(iter(values["demand"].values()), None)
    link = next(iter(values["link"].values()), None)
    return ApplicantRecords(
        demand=demand,
        link=link,
        persons=values["person"],
        documents=values["document"],
        applications=values["application"],
    )


def load(conn: sqlite3.Connection, *, overlay: bool = True) -> ApplicantRecords:
    return _records(_read(conn, shown=overlay)[1])


def load_both(conn: sqlite3.Connection) -> tuple[ApplicantRecords, ApplicantRecords]:
    """The pulled records and the shown ones, from one read of the store."""
    pulled, with_local = _read(conn)
    return _records(pulled), _records(with_local)
