"""The catalogue of supporting documents (arrêté of 22 December 2020, CERFA 14069) and their
validity.

- Registration needs only an identity document of the applicant.
- Instruction (before an application can reach a landlord) needs, for every person to be housed:
  a valid identity document (minors: family book or birth certificate); the tax notice of the
  reference year for each adult; current income (3 payslips, or the matching proof for the
  self-employed, retired, students, jobseekers); the employment contract of each worker; the
  family-situation proof where relevant.
- Complementary pieces (reason for moving) may be asked; never blocking by default.
"""

from __future__ import annotations

import datetime as dt
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
STAGES = ("registration", "instruction", "complementary")
STATES = ("missing", "received", "accepted", "rejected", "expired")
SITUATIONS = ("employee", "self_employed", "retired", "student", "jobseeker", "none")
ROLES = ("applicant", "spouse", "child", "other")

PAYSLIPS_VALID_DAYS = 90


@dataclass(frozen=True)
class SlotSpec:
    kind: str
    required: bool
    stage: str = "instruction"


def slots_for(role: str, situation: str, *, adult: bool | None = None) -> tuple[SlotSpec, ...]:
    """The instruction slots of one person to be housed, by role, situation and age.

    `adult` defaults to "not a child"; a minor gets only the identity slot (family book or birth
    certificate). An adult with no income (`none`) still files a tax notice.
    """
    if adult is None:
        adult = role != "child"
    if not adult:
        return (SlotSpec("identity", True),)
    specs = [SlotSpec("identity", True), SlotSpec("tax_notice", True)]
    if situation == "employee":
        specs += [SlotSpec("payslips", True), SlotSpec("employment_contract", True)]
    elif situation in ("self_employed", "retired", "student", "jobseeker"):
        specs.append(SlotSpec("income_other", True))
    if role == "spouse":
        specs.append(SlotSpec("family_situation", False))
    return tuple(specs)


def registration_slots() -> tuple[SlotSpec, ...]:
    """Registering a demand needs only the applicant's identity document."""
    return (SlotSpec("identity", True, "registration"),)


def complementary_slots() -> tuple[SlotSpec, ...]:
    """May be asked (eviction notice, landlord's notice, unfit-housing order, disability card)."""
    return (SlotSpec("moving_reason", False, "complementary"),)


# --- validity ----------------------------------------------------------------------------


def payslips_valid_until(received_on: dt.date) -> dt.date:
    """Payslips older than 3 months are expired: valid for 90 days from receipt."""
    return received_on + dt.timedelta(days=PAYSLIPS_VALID_DAYS)


def reference_income_year(today: dt.date) -> int:
    """The income year that counts: N-2."""
    return today.year - 2


def current_tax_notice_year(today: dt.date) -> int:
    """The notice issued in N-1 gives the income of N-2."""
    return today.year - 1


def tax_notice_valid_until(notice_year: int) -> dt.date:
    """A notice stays the reference one until 31 December of the year after it was issued."""
    return dt.date(notice_year + 1, 12, 31)


def effective_state(state: str, valid_until: dt.date | None, today: dt.date) -> str:
    """`expired` once a received or accepted document is past its validity, else its state."""
    if state in ("received", "accepted") and valid_until is not None and valid_until < today:
        return "expired"
    return state
