"""The catalogue of supporting documents (arrêté of 22 December 2020, CERFA 14069) and their
validity.

- Registration needs only an identity document of the applicant.
- Instruction (before an application can reach a landlord) needs, for every person to be housed:
  a valid identity document (minors: the family book or a birth certificate, which do not expire);
  the tax notice of the reference year for each adult with a tax return (a married or PACS couple
  files one joint return: one notice covers both, asked once; a dependant attached to the
  household's return is on it); current income (3 payslips, or the matching proof for the
  self-employed, retired, students, jobseekers); the employment contract of each worker; the
  family-situation proof where relevant.
- Complementary pieces (reason for moving, disability card) may be asked; never blocking.
- Payslips count while their pay period is at most 3 months old; a tax notice while it is the one
  of the current reference year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from alin_tui.domain.dates import add_months

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

PAYSLIPS_VALID_MONTHS = 3

# Where each piece is asked, in the words of the texts (shown beside a slot, never translated:
# these are the titles of French regulations).
ARRETE = "arrêté du 22 décembre 2020 (pièces justificatives de la demande, CERFA 14069)"
SOURCES = {
    "identity": ARRETE + " : pièce d'identité ou titre de séjour de chaque personne à loger",
    "identity_minor": ARRETE + " : livret de famille ou acte de naissance pour les mineurs",
    "tax_notice": ARRETE
    + " : avis d'imposition de l'année N-2 (N-1 si les revenus ont baissé), un par foyer fiscal",
    "payslips": ARRETE + " : revenus actuels, 3 derniers bulletins de salaire",
    "income_other": ARRETE
    + " : revenus actuels (pension, allocation chômage, prestations, bilan, bourse)",
    "employment_contract": ARRETE + " : contrat de travail de chaque personne qui travaille",
    "family_situation": ARRETE + " : situation familiale (livret de famille, PACS, jugement)",
    "moving_reason": ARRETE + " : pièces complémentaires sur le motif de la demande",
}


@dataclass(frozen=True)
class SlotSpec:
    kind: str
    required: bool
    stage: str = "instruction"

    @property
    def blocking(self) -> bool:
        """A blocking piece stops an application from reaching a landlord until it is in."""
        return self.required and self.stage != "complementary"


def source_of(kind: str, *, minor: bool = False) -> str:
    """The regulation that asks for a piece, in its own (French) words."""
    if kind == "identity" and minor:
        return SOURCES["identity_minor"]
    return SOURCES.get(kind, ARRETE)


def slots_for(
    role: str,
    situation: str,
    *,
    adult: bool | None = None,
    tax_dependant: bool = False,
    joint_tax: bool = False,
) -> tuple[SlotSpec, ...]:
    """The instruction slots of one person to be housed, by role, situation and age.

    `adult` defaults to "not a child"; a minor gets only the identity slot (family book or birth
    certificate, no expiry). An adult with no income (`none`) still files a tax notice, unless
    the household's return covers them: a dependant attached for tax (`tax_dependant`), or the
    spouse of a married or PACS couple whose joint notice is asked of the applicant (`joint_tax`).
    """
    if adult is None:
        adult = role != "child"
    if not adult:
        return (SlotSpec("identity", True),)
    specs = [SlotSpec("identity", True)]
    if not (tax_dependant or joint_tax):
        specs.append(SlotSpec("tax_notice", True))
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


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def payslips_valid_until(pay_period: dt.date) -> dt.date:
    """Payslips count while their pay period is at most 3 months old: the slips of October are
    good until 31 January (the validity runs from the pay period, not from the day received)."""
    return month_end(add_months(pay_period.replace(day=1), PAYSLIPS_VALID_MONTHS))


def assumed_pay_period(received_on: dt.date) -> dt.date:
    """When nothing says which month the latest slip is for: the month before the one it was
    received in (a slip comes after the month it pays)."""
    return add_months(received_on.replace(day=1), -1)


def parse_pay_period(value: object) -> dt.date | None:
    """`YYYY-MM` (or a full date) as the first day of that month; None when absent or unreadable."""
    text = str(value or "").strip()
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(text + "-01")
        return dt.date.fromisoformat(text).replace(day=1) if text else None
    except ValueError:
        return None


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
