"""Is the national dossier complete, and if not, exactly what blocks it, per person and slot.

Complete: every required slot of every person to be housed is received or accepted, and none is
expired. A required kind the catalogue expects but for which the file has no slot also blocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alin_tui.domain.documents import effective_state, slots_for
from alin_tui.domain.entities import Person, Slot

# Why a slot blocks.
MISSING, REJECTED, EXPIRED, ABSENT = "missing", "rejected", "expired", "absent"


@dataclass(frozen=True)
class Blocker:
    person_id: str
    slot_id: str | None  # None when the file has no slot at all for that kind
    kind: str
    cause: str  # missing | rejected | expired | absent
    reason: str | None  # the reviewer's reason for a rejection


@dataclass(frozen=True)
class Completeness:
    blockers: tuple[Blocker, ...]

    @property
    def complete(self) -> bool:
        return not self.blockers

    @property
    def missing_slot_ids(self) -> list[str]:
        return [b.slot_id for b in self.blockers if b.slot_id]

    def by_person(self) -> dict[str, list[Blocker]]:
        grouped: dict[str, list[Blocker]] = {}
        for b in self.blockers:
            grouped.setdefault(b.person_id, []).append(b)
        return grouped


def slot_blocker(slot: Slot, today: dt.date) -> Blocker | None:
    if not slot.required:
        return None
    state = effective_state(slot.state, slot.valid_until, today)
    if state in ("received", "accepted"):
        return None
    cause = {"rejected": REJECTED, "expired": EXPIRED}.get(state, MISSING)
    return Blocker(slot.person_id, slot.slot_id, slot.kind, cause, slot.reason)


def assess(
    slots: Sequence[Slot],
    today: dt.date,
    persons: Iterable[Person] = (),
    *,
    joint_tax: bool = False,
) -> Completeness:
    """Blockers of the dossier; with `persons`, also kinds the catalogue requires but nobody filed
    (`joint_tax`: a married or PACS couple, whose one notice is asked of the applicant)."""
    blockers = [b for s in slots if (b := slot_blocker(s, today)) is not None]
    for person in persons:
        have = {s.kind for s in slots if s.person_id == person.id or person.id in s.covers}
        specs = slots_for(
            person.role,
            person.situation,
            adult=person.is_adult(today),
            tax_dependant=person.tax_dependant and (person.age(today) or 0) < 25,
            joint_tax=joint_tax and person.role == "spouse",
        )
        for spec in specs:
            if spec.required and spec.kind not in have:
                blockers.append(Blocker(person.id, None, spec.kind, ABSENT, None))
    return Completeness(tuple(blockers))
