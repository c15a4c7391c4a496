"""Eligibility of an offer by income: household category, zone, ceiling of the financing.

Advice only ("au-dessus du plafond PLUS"): the landlord decides. Ceilings are data
(`data/ceilings.csv`, with their source); PLS = PLUS × 1.3.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from alin_tui.domain.communes import zone_of
from alin_tui.domain.entities import Demand, Person

FINANCINGS = ("PLAI", "PLUS", "PLS")
ZONES = ("paris", "idf", "other")
PLS_FACTOR = 1.3
YOUNG_COUPLE_MAX_AGE_SUM = 55
TAX_DEPENDANT_MAX_AGE = 25  # a child attached to the household's return counts under 25
INCOME_DROP = 0.10  # N-1 counts instead of N-2 when it dropped by 10 % or more


class UnknownCeiling(LookupError):
    """No shipped ceiling for that year, financing, zone and category."""


@functools.cache
def _table() -> dict[tuple[int, str, str, str], int]:
    text = resources.files("alin_tui.domain").joinpath("data/ceilings.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {
        (int(r["year"]), r["financing"], r["zone"], r["category"]): int(r["euros"]) for r in rows
    }


def known_years() -> list[int]:
    return sorted({k[0] for k in _table()})


def ceiling(financing: str, category: int, zone: str, year: int) -> int:
    """Euros per year for a household category (7 and more: category 6 plus the per-person
    amount for each category beyond 6). Raises `UnknownCeiling` when not shipped."""
    if financing not in FINANCINGS:
        raise ValueError(f"financement inconnu : {financing!r}")
    if zone not in ZONES:
        raise ValueError(f"zone inconnue : {zone!r}")
    if category < 1:
        raise ValueError("la catégorie de ménage commence à 1")
    if financing == "PLS":
        return round(ceiling("PLUS", category, zone, year) * PLS_FACTOR)
    table = _table()
    base = table.get((year, financing, zone, str(min(category, 6))))
    if base is None:
        raise UnknownCeiling(f"plafond {financing} {year} inconnu ({zone}, catégorie {category})")
    if category <= 6:
        return base
    extra = table.get((year, financing, zone, "extra"))
    if extra is None:
        raise UnknownCeiling(f"montant par personne supplémentaire {financing} {year} inconnu")
    return base + extra * (category - 6)


def category(adults: int, dependants: int, *, young_couple: bool = False) -> int:
    """Household category 1–6, or more (6 + one per extra person).

    1 single person; 2 two persons with no dependant (not a young couple); 3 three persons, or one
    person with one dependant, or a young couple; 4 four or one with two; 5 five or one with three;
    6 six or one with four; beyond, one more per person.
    """
    if adults < 1 or dependants < 0:
        raise ValueError("un ménage compte au moins un adulte")
    persons = adults + dependants
    if adults == 1 and dependants >= 1:
        return persons + 1
    if persons == 2 and dependants == 0 and young_couple:
        return 3
    return persons


def is_dependant(person: Person, today: dt.date) -> bool:
    """A dependant: a child under 18, or under 25 attached to the household's tax return."""
    if person.role in ("applicant", "spouse"):
        return False
    if not person.is_adult(today):
        return True
    age = person.age(today)
    return person.tax_dependant and age is not None and age < TAX_DEPENDANT_MAX_AGE


def household_category(persons: Iterable[Person], today: dt.date) -> int:
    """Category from the persons to be housed: minors, and children under 25 attached for tax,
    are dependants; a young couple is two spouses with no dependant whose ages add up to 55 or
    less; a household with a person holding a disability card moves up one category."""
    people = list(persons)
    dependants = sum(1 for p in people if is_dependant(p, today))
    adults = max(1, len(people) - dependants)
    couple = [p for p in people if p.role in ("applicant", "spouse")]
    ages = [p.age(today) for p in couple]
    young = (
        len(people) == 2
        and len(couple) == 2
        and all(a is not None for a in ages)
        and sum(a for a in ages if a is not None) <= YOUNG_COUPLE_MAX_AGE_SUM
    )
    up = 1 if any(p.disability for p in people) else 0
    return category(adults, dependants, young_couple=young) + up


@dataclass(frozen=True)
class Income:
    cents: int | None
    year: int  # the income year that counts: N-2, or N-1 after a drop of 10 % or more


def counted_income(demand: Demand | None, today: dt.date) -> Income:
    """The reference income of N-2, or that of N-1 when it dropped by 10 % or more."""
    n2 = demand.reference_income_cents if demand is not None else None
    n1 = demand.income_n1_cents if demand is not None else None
    if n1 is not None and n2 is not None and n1 <= n2 * (1 - INCOME_DROP):
        return Income(n1, today.year - 1)
    return Income(n2, today.year - 2)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool | None  # None: no ceiling known (or no income given)
    financing: str
    zone: str | None
    category: int
    year: int | None  # the ceilings' year used
    ceiling_euros: int | None
    income_euros: int | None
    wanted_year: int | None = None  # this year: when `year` is older, its ceilings are not shipped
    income_year: int | None = None

    @property
    def older_ceilings(self) -> bool:
        """This year's ceilings are not shipped: an older year's stand in, and the screen says so."""
        return (
            self.year is not None and self.wanted_year is not None and self.year < self.wanted_year
        )


def assess_offer(
    *,
    financing: str,
    zone: str | None,
    commune: str | None,
    household_category_: int,
    income_cents: int | None,
    today: dt.date,
    income_year: int | None = None,
) -> Eligibility:
    """Household income of N-2 against the offer's ceiling; `eligible` is None when unknown."""
    zone = zone or (zone_of(commune) if commune else None)
    income = None if income_cents is None else income_cents // 100
    year, limit = None, None
    if zone is not None:
        # This year's ceiling when shipped, else the latest one shipped before (and say which).
        for candidate in reversed([y for y in known_years() if y <= today.year]):
            try:
                limit = ceiling(financing, household_category_, zone, candidate)
            except (UnknownCeiling, ValueError):
                continue
            year = candidate
            break
    eligible = None if limit is None or income_cents is None else income_cents <= limit * 100
    return Eligibility(
        eligible,
        financing,
        zone,
        household_category_,
        year,
        limit,
        income,
        today.year,
        income_year,
    )
