"""The catalogue of supporting documents (arrêté of 22 December 2020, CERFA 14069) per person.

Registration needs only the applicant's identity document; instruction (before an application can
reach a landlord) needs, for every person to be housed, the slots below.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = (
    "identity",
    "tax_notice",
    "payslips",
    "income_other",
    "employment_contract",
    "family_situation",
    "moving_reason",
)

EARNING = {"employee", "self_employed"}


@dataclass(frozen=True)
class SlotSpec:
    kind: str
    required: bool


def slots_for(role: str, situation: str) -> tuple[SlotSpec, ...]:
    """The instruction slots of one person to be housed, by role and situation."""
    if role == "child":
        # Minors: the family book or a birth certificate proves identity and filiation.
        return (SlotSpec("identity", True),)
    specs = [SlotSpec("identity", True), SlotSpec("tax_notice", True)]
    if situation == "employee":
        specs += [SlotSpec("payslips", True), SlotSpec("employment_contract", True)]
    elif situation == "self_employed" or situation in ("retired", "student", "jobseeker"):
        specs += [SlotSpec("income_other", True)]
    if role == "spouse":
        specs.append(SlotSpec("family_situation", False))
    return tuple(specs)
