"""Reference communes (name, postal code, department, region, income-ceiling zone), shipped as data."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Commune:
    name: str
    postal_code: str
    department: str
    region: str
    zone: str  # "paris" | "idf" | "other"


@functools.cache
def all_communes() -> tuple[Commune, ...]:
    text = resources.files("alin_tui.domain").joinpath("data/communes.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(
        Commune(r["commune"], r["postal_code"], r["department"], r["region"], r["zone"])
        for r in rows
    )


def zone_of(commune: str, postal_code: str | None = None) -> str | None:
    """Zone of a commune by name (and postal code when given), or None if not in the reference."""
    key = commune.strip().casefold()
    for c in all_communes():
        if c.name.casefold() == key and (postal_code is None or c.postal_code == postal_code):
            return c.zone
    return None
