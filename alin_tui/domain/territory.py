"""The territory of a demand, and whether an offer lies in it (PROTOCOL v3 `out_of_territory`).

A demand covers one department, read from the first three characters of its number (`TTT` of
`TTT MM YY NNNNNN GGGGG`): « 069 » is the Rhône, « 02A » Corse-du-Sud, « 971 » Guadeloupe. In
Île-de-France the number is regional: « 111 » covers the whole region (Paris, 77, 78, 91, 92,
93, 94, 95), and so does a number whose code is one of those departments (DOMAIN.md: one demand
covers its region in Île-de-France). A code this module cannot read (no number, « 000 », letters)
gives no territory: the offer is then not refused, since nothing says it is outside.

The names of departments and regions (INSEE's code officiel géographique) ship as data in
`data/departements.csv` and `data/regions.csv`, with the article and the preposition French
sentences need (« dans la Seine-Saint-Denis », « votre demande couvre le Rhône »).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from alin_tui.domain import nur as nur_rules

IDF_REGION = "11"
IDF_NUMBER = "111"  # the territory code of every Île-de-France number


@dataclass(frozen=True)
class Place:
    """A department or a region, named: `the` « la Seine-Saint-Denis », `locative` « dans la
    Seine-Saint-Denis » / « en Île-de-France »."""

    code: str
    name: str
    the: str
    locative: str


@dataclass(frozen=True)
class Department(Place):
    region: str


@dataclass(frozen=True)
class Territory:
    """What a demand covers: one department, or (Île-de-France) one region."""

    kind: Literal["department", "region"]
    place: Place
    departments: frozenset[str]

    def covers(self, department: str | None) -> bool | None:
        """Whether an offer of `department` lies inside; None when the department is unknown."""
        code = department_code(department)
        return None if code is None else code in self.departments


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("alin_tui.domain").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@functools.cache
def departments() -> Mapping[str, Department]:
    """Every department by its code ("01" … "95", "2A", "2B", "971" … "976")."""
    return {
        r["code"]: Department(r["code"], r["name"], r["with_article"], r["locative"], r["region"])
        for r in _rows("departements.csv")
    }


@functools.cache
def regions() -> Mapping[str, Place]:
    """Every region by its INSEE code ("11" is Île-de-France)."""
    return {
        r["code"]: Place(r["code"], r["name"], r["with_article"], r["locative"])
        for r in _rows("regions.csv")
    }


def department_code(value: str | None) -> str | None:
    """A department code as the reference has it, or None: « 93 », « 093 », « 2a », « 971 »,
    « 1 » → "93", "93", "2A", "971", "01"."""
    if value is None:
        return None
    code = str(value).strip().upper()
    if len(code) == 1 and code.isdigit():
        code = "0" + code
    if len(code) == 3 and code.startswith("0"):
        code = code[1:]
    return code if code in departments() else None


def department(value: str | None) -> Department | None:
    code = department_code(value)
    return None if code is None else departments()[code]


def region_territory(code: str) -> Territory:
    return Territory(
        "region",
        regions()[code],
        frozenset(d.code for d in departments().values() if d.region == code),
    )


def territory_for_department(value: str | None) -> Territory | None:
    """The territory a demand must cover to apply to an offer of this department: the department,
    or the region in Île-de-France."""
    found = department(value)
    if found is None:
        return None
    if found.region == IDF_REGION:
        return region_territory(IDF_REGION)
    return Territory("department", found, frozenset({found.code}))


def territory_code(number: str | None) -> str | None:
    """The first three characters of a number (`TTT`), or None when it is no number."""
    if not number:
        return None
    try:
        return nur_rules.normalize(number)[:3]
    except nur_rules.InvalidNur:
        return None


def territory_of_code(code: str | None) -> Territory | None:
    """« 111 » → Île-de-France; « 069 » → the Rhône; « 02A » → Corse-du-Sud; « 971 » →
    Guadeloupe; anything else → None (unknown)."""
    if code is None:
        return None
    code = code.strip().upper()
    if code == IDF_NUMBER:
        return region_territory(IDF_REGION)
    if len(code) != 3 or not (code.startswith("0") or code.startswith("97")):
        return None
    found = department(code)  # PROTOCOL.md §3: the department; only « 111 » is the region
    return None if found is None else Territory("department", found, frozenset({found.code}))


def territory_of_number(number: str | None) -> Territory | None:
    """The territory a demand's number covers, or None when it cannot be read."""
    return territory_of_code(territory_code(number))


def in_territory(number: str | None, offer_department: str | None) -> bool | None:
    """Whether an offer of `offer_department` lies in the territory of the demand `number`:
    None when either is unknown (then nothing is refused)."""
    territory = territory_of_number(number)
    return None if territory is None else territory.covers(offer_department)
