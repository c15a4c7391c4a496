"""Seniority of a demand and the department's « délai anormalement long » (DALO).

Seniority runs from the date of first filing (date d'ancienneté). Each department fixes by
prefectoral order a délai anormalement long (CCH art. L441-1-4); once the demand is that old with no
suitable offer, the applicant may refer it to the DALO mediation commission. The delays are data
(`data/delais.csv`, each with its source); some are unconfirmed and say so (`confirmed=False`), and
`overrides` lets configuration replace any of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from alin_tui.domain.dates import add_months

TYPOLOGIES = ("studio", "T1", "T2", "T3", "T4", "T5", "T6")
CONFIG_SOURCE = "config"  # the source of a delay given by `overrides`

_UNCONFIRMED = "(unconfirmed)"
_SOURCE_LINE = re.compile(r"^#\s{2,}([A-Za-z0-9_-]+):\s*(.*)$")


@dataclass(frozen=True)
class AbnormalDelay:
    departement: str
    months: int
    typology: str | None  # None: the delay is the same for every dwelling size
    source: str
    confirmed: bool


@dataclass(frozen=True)
class Seniority:
    since: dt.date
    months: int
    delay: AbnormalDelay | None  # None: no delay known for the department
    passed: bool
    passed_on: dt.date | None  # first_filed_on + delay months (past or future)


@dataclass(frozen=True)
class _Table:
    rows: dict[tuple[str, str | None], tuple[int, str]]
    sources: dict[str, bool]  # source code -> confirmed


@functools.cache
def _table() -> _Table:
    text = resources.files("alin_tui.domain").joinpath("data/delais.csv").read_text("utf-8")
    lines = text.splitlines()
    definitions: dict[str, str] = {}
    current: str | None = None
    in_sources = False
    for line in lines:
        if not line.startswith("#"):
            break
        if line.startswith("# Source codes"):
            in_sources = True
            continue
        if not in_sources:
            continue
        match = _SOURCE_LINE.match(line)
        if match and not line.startswith("#     "):
            current = match.group(1)
            definitions[current] = match.group(2)
        elif current is not None:
            definitions[current] += " " + line.lstrip("#").strip()
    sources = {code: not text_.startswith(_UNCONFIRMED) for code, text_ in definitions.items()}
    rows: dict[tuple[str, str | None], tuple[int, str]] = {}
    for r in csv.DictReader(line for line in lines if not line.startswith("#")):
        typology = r["typology"] or None
        rows[(r["departement"], typology)] = (int(r["months"]), r["source"])
    return _Table(rows=rows, sources=sources)


def _norm_departement(departement: str) -> str:
    code = departement.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def _norm_typology(typology: str | None) -> str | None:
    if typology is None or not typology.strip():
        return None
    value = typology.strip()
    value = "studio" if value.lower() == "studio" else value.upper()
    if value not in TYPOLOGIES:
        raise ValueError(f"typologie inconnue : {typology!r}")
    return value


def months_since(first_filed_on: dt.date, today: dt.date) -> int:
    """Whole months elapsed: the largest n with first_filed_on + n months <= today, never negative.

    Month ends clamp as in `dates.add_months` (31 January + 1 month = 28 or 29 February), so the
    count agrees with `Seniority.passed_on`.
    """
    n = (today.year - first_filed_on.year) * 12 + (today.month - first_filed_on.month)
    if n > 0 and add_months(first_filed_on, n) > today:
        n -= 1
    return max(n, 0)


def shipped_departements() -> list[str]:
    """Department codes that have a shipped delay, sorted."""
    return sorted({dep for dep, _ in _table().rows})


def abnormal_delay(
    departement: str,
    typology: str | None = None,
    *,
    overrides: Mapping[str, int] | None = None,
) -> AbnormalDelay | None:
    """The department's délai anormalement long, or None when not shipped.

    Where the department fixes one delay per dwelling size, `typology` picks it; without a typology
    the row of the smallest dwelling (studio) is returned. `overrides` (department code -> months,
    every size) comes from configuration and wins over the shipped data.
    """
    dep = _norm_departement(departement)
    typ = _norm_typology(typology)
    if overrides:
        for key, months in overrides.items():
            if _norm_departement(key) == dep:
                if months <= 0:
                    raise ValueError(f"délai configuré invalide pour {dep} : {months}")
                return AbnormalDelay(dep, months, None, CONFIG_SOURCE, True)
    table = _table()
    found = table.rows.get((dep, None))
    row_typology: str | None = None
    if found is None:
        for candidate in (typ,) if typ is not None else TYPOLOGIES:
            found = table.rows.get((dep, candidate))
            if found is not None:
                row_typology = candidate
                break
    if found is None:
        return None
    months, source = found
    return AbnormalDelay(dep, months, row_typology, source, table.sources.get(source, False))


def seniority(
    first_filed_on: dt.date,
    today: dt.date,
    departement: str,
    typology: str | None = None,
    *,
    overrides: Mapping[str, int] | None = None,
) -> Seniority:
    """Months since first filing and whether the department's delay is passed (and when)."""
    delay = abnormal_delay(departement, typology, overrides=overrides)
    months = months_since(first_filed_on, today)
    if delay is None:
        return Seniority(first_filed_on, months, None, False, None)
    passed_on = add_months(first_filed_on, delay.months)
    return Seniority(first_filed_on, months, delay, today >= passed_on, passed_on)


def department_of_demand(number: str | None, wished_communes: tuple[str, ...] = ()) -> str | None:
    """The department whose delay applies: the number's own, or in Île-de-France (one number for
    the region) that of the first wished commune inside the region; None when unknown."""
    from alin_tui.domain.communes import all_communes
    from alin_tui.domain.territory import territory_of_number

    covered = territory_of_number(number)
    if covered is None:
        return None
    if covered.kind == "department":
        return next(iter(covered.departments))
    for wished in wished_communes:
        key = wished.strip().casefold()
        for commune in all_communes():
            if commune.name.casefold() == key and commune.department in covered.departments:
                return commune.department
    return None
