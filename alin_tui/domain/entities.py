"""Typed views of the synced entities as the rules read them: demand, persons, document slots,
AL-in link.

Plain frozen dataclasses built from the synced values (dicts), so the rules stay free of the wire
format and of the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class Demand:
    nur: str
    status: str
    first_filed_on: dt.date | None
    renewed_on: dt.date | None
    expires_on: dt.date | None
    radiation_code: str | None
    version: int
    reference_income_cents: int | None = None
    attestation_on: dt.date | None = None
    radiated_on: dt.date | None = None
    income_n1_cents: int | None = None
    couple_status: str | None = None
    wished_communes: tuple[str, ...] = ()

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> Demand:
        return cls(
            nur=str(value.get("nur") or ""),
            status=str(value.get("status") or "active"),
            first_filed_on=_date(value.get("first_filed_on")),
            renewed_on=_date(value.get("renewed_on")),
            expires_on=_date(value.get("expires_on")),
            radiation_code=value.get("radiation_code"),
            version=int(value.get("version") or 0),
            reference_income_cents=value.get("reference_income_cents"),
            attestation_on=_date(value.get("attestation_on")),
            radiated_on=_date(value.get("radiated_on")),
            income_n1_cents=value.get("income_n1_cents"),
            couple_status=value.get("couple_status"),
            wished_communes=tuple(str(c) for c in value.get("wished_communes") or ()),
        )

    @property
    def joint_tax(self) -> bool:
        """A married or PACS couple files one joint return: one notice covers both."""
        return self.couple_status in ("married", "pacs")


@dataclass(frozen=True)
class Link:
    nur: str | None
    state: str
    origin: str | None
    draft: bool
    sne_version: int | None
    situation_version: int | None

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> Link:
        return cls(
            nur=value.get("nur") or None,
            state=str(value.get("state") or "unlinked"),
            origin=value.get("origin"),
            draft=bool(value.get("draft")),
            sne_version=value.get("sne_version"),
            situation_version=value.get("situation_version"),
        )

    @property
    def situation_fresh(self) -> bool:
        return (
            self.state == "linked"
            and self.sne_version is not None
            and self.situation_version == self.sne_version
        )


@dataclass(frozen=True)
class Slot:
    slot_id: str
    person_id: str
    kind: str
    required: bool
    state: str
    reason: str | None
    valid_until: dt.date | None
    covers: tuple[str, ...] = ()  # the persons a joint piece covers besides its holder
    pay_period: str | None = None

    @classmethod
    def from_value(cls, slot_id: str, value: Mapping[str, Any]) -> Slot:
        return cls(
            slot_id=str(value.get("slot_id") or slot_id),
            person_id=str(value.get("person_id") or ""),
            kind=str(value.get("kind") or ""),
            required=bool(value.get("required")),
            state=str(value.get("state") or "missing"),
            reason=value.get("reason"),
            valid_until=_date(value.get("valid_until")),
            covers=tuple(str(c) for c in value.get("covers") or ()),
            pay_period=value.get("pay_period"),
        )


@dataclass(frozen=True)
class Person:
    id: str
    role: str
    situation: str
    birth_date: dt.date | None
    first_name: str = ""
    last_name: str = ""
    disability: bool = False
    tax_dependant: bool = False

    @classmethod
    def from_value(cls, person_id: str, value: Mapping[str, Any]) -> Person:
        return cls(
            id=person_id,
            role=str(value.get("role") or "other"),
            situation=str(value.get("situation") or "none"),
            birth_date=_date(value.get("birth_date")),
            first_name=str(value.get("first_name") or ""),
            last_name=str(value.get("last_name") or ""),
            disability=bool(value.get("disability")),
            tax_dependant=bool(value.get("tax_dependant")),
        )

    def age(self, today: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    def is_adult(self, today: dt.date) -> bool:
        age = self.age(today)
        return self.role != "child" if age is None else age >= 18
