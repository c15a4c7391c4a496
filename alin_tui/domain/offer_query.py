"""What the Offres list asks for: free text, filters and a sort, as one value; the search box's
words read as filters (« saint-denis t3 700€ » → text « saint-denis », T3, at most 700 €).

Pure: no SQLite here. `alin_tui.store.offers` turns an `OfferQuery` into SQL; the helpers below
(`typology_code`, `department_code`, `fts_terms`, `fts_match`, `matching_communes`) are the
rules it applies.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from alin_tui.domain.search import fold

Sort = Literal["relevance", "rent", "surface", "closing"]
SORTS: tuple[Sort, ...] = ("relevance", "rent", "surface", "closing")
TYPOLOGIES: tuple[str, ...] = ("studio", "T1", "T2", "T3", "T4", "T5", "T6")  # as stored

# Above these a number is not a filter (a paste, a typo, « 1e308 »): it stays in the text.
MAX_RENT_CENTS = 100_000 * 100
MAX_SURFACE_M2 = 10_000.0


@dataclass(frozen=True)
class OfferQuery:
    text: str = ""  # free text, matched by FTS prefix on every word
    place: str | None = None  # a commune name (folded, prefix) or a department code ("93", "2A")
    typology: str | None = None  # "studio", "T1".."T6"
    max_rent_cents: int | None = None  # rent + charges
    min_surface_m2: float | None = None
    eligible_pairs: frozenset[tuple[str, str]] | None = None  # allowed (financing, zone)
    departments: frozenset[str] | None = None  # allowed departments (the demand's territory)
    closing_within_days: int | None = None  # closes_on <= today + n
    sort: Sort = "relevance"

    def overlay(self, other: OfferQuery) -> OfferQuery:
        """`self` with every field that `other` sets (not None, not "", sort not the default)."""
        changes: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(other, field.name)
            if value is None or value == "" or (field.name == "sort" and value == "relevance"):
                continue
            changes[field.name] = value
        return dataclasses.replace(self, **changes)


_TYPOLOGY = re.compile(r"(?:[tf]([1-6])|(studio))", re.IGNORECASE)


# A number as typed in France: « 700 », « 700,50 », « 1 200 » (space, no-break or narrow no-break
# space, or a dot between groups of three). Groups are bounded so a pasted wall of digits costs
# a bounded amount of work at each start. A department code never starts a spaced group:
# « 93 700€ » is Seine-Saint-Denis and 700 €, not 93,700 €.
_SPACE = "[ \u00a0\u202f]"
_DEPARTMENT_CODES = r"0[1-9]|[1-8][0-9]|9[0-5]|2[ab]|97[1-6]"
_NUMBER = (
    rf"(?!(?:{_DEPARTMENT_CODES}){_SPACE})"
    rf"[0-9]{{1,3}}(?:{_SPACE}[0-9]{{3}}){{1,3}}(?:[.,][0-9]{{1,2}})?"
    r"|[0-9]{1,3}(?:\.[0-9]{3}){1,3}(?:,[0-9]{1,2})?"
    r"|[0-9]{1,9}(?:[.,][0-9]{1,2})?"
)
_AMOUNT = re.compile(
    rf"(?<!\S)(?:€{_SPACE}?(?P<n1>{_NUMBER})"
    rf"|(?P<n2>{_NUMBER}){_SPACE}?(?P<unit>€|euros?|eur|e|m²|m2))(?=[,;]?(?:\s|$))",
    re.IGNORECASE,
)
_DEPARTMENT = re.compile(_DEPARTMENT_CODES, re.IGNORECASE)
_GROUP_SEPARATORS = str.maketrans("", "", " \u00a0\u202f")


def typology_code(word: str) -> str | None:
    """« t3 », « T3 », « F3 » → "T3"; « studio » → "studio"; anything else → None."""
    m = _TYPOLOGY.fullmatch(word.strip())
    if not m:
        return None
    return "studio" if m.group(2) else f"T{m.group(1)}"


def department_code(word: str) -> str | None:
    """« 93 », « 2a », « 971 » → the department code as stored ("93", "2A", "971"), else None."""
    word = word.strip()
    return word.upper() if _DEPARTMENT.fullmatch(word) else None


def _decimal(number: str) -> Decimal | None:
    digits = number.translate(_GROUP_SEPARATORS)
    if re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]{1,2})?", digits):
        digits = digits.replace(".", "")  # « 1.200 »: a dot between groups of three
    try:
        return Decimal(digits.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None


def parse_search(typed: str) -> OfferQuery:
    """Read filters out of the search box; every other word stays in `text` as typed.

    « t3 », « studio », « F3 » → typology; « 700€ », « 700 € », « €700 », « 700,50€ »,
    « 1 200 € », « 700 euros » → rent with charges at most; « 40m² », « 40 m2 » → surface at
    least; « 93 », « 2A », « 971 » → department; a comma or semicolon after a filter is allowed.
    When a filter is given twice, the last one wins.
    Numbers no rent or surface can be (0, above 100,000 € or 10,000 m²) stay text, as does
    « 15e » (an arrondissement, not 15 €). Linear in the length of `typed`.
    """
    rent: int | None = None
    surface: float | None = None
    kept: list[str] = []
    last = 0
    for m in _AMOUNT.finditer(typed):
        unit = (m.group("unit") or "€").casefold()
        number = m.group("n1") or m.group("n2")
        value = _decimal(number)
        taken = False
        if value is not None and unit in ("m²", "m2"):
            if 0 < value <= MAX_SURFACE_M2:
                surface, taken = float(value), True
        elif value is not None and not (unit == "e" and value <= 20 and value == int(value)):
            cents = int(value * 100)
            if 0 < cents <= MAX_RENT_CENTS:
                rent, taken = cents, True
        if taken:
            kept.append(typed[last : m.start()])
            last = m.end()
    kept.append(typed[last:])

    typology: str | None = None
    place: str | None = None
    words: list[str] = []
    for word in " ".join(kept).split():
        bare = word.rstrip(",;")  # « saint-denis, t3, 700€ »
        if (code := typology_code(bare)) is not None:
            typology = code
        elif (dept := department_code(bare)) is not None:
            place = dept
        elif bare:
            words.append(word)
    return OfferQuery(
        text=" ".join(words),
        place=place,
        typology=typology,
        max_rent_cents=rent,
        min_surface_m2=surface,
    )


_TERM = re.compile(r"[^\W_]+")

# No offer's text (reference, residence, address, commune, postal code) has this many distinct
# words: more words than this, each needing a word of its own, match nothing.
MAX_TERMS = 32


def fts_terms(text: str) -> list[str]:
    """The words of `text` as the full-text index sees them (folded, letters and digits only),
    sorted, without repeats and without a word that starts another (« gar » with « gare »: every
    offer matching the longer matches the shorter)."""
    words = sorted(set(_TERM.findall(fold(text))))
    last = len(words) - 1
    return [w for i, w in enumerate(words) if i == last or not words[i + 1].startswith(w)]


def fts_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: every term a quoted prefix, all required.

    Terms hold only letters and digits (`fts_terms`), so nothing the user types (quotes, `*`,
    `-`, `NEAR`, `AND`) can be read as FTS5 syntax.
    """
    return " ".join(f'"{t}"*' for t in terms)


def matching_communes(place: str, communes: Iterable[str]) -> list[str]:
    """The communes that `place` names: equal once folded, or starting with it (« saint-d »
    → Saint-Denis, Saint-Didier…). Empty when `place` folds to nothing."""
    wanted = fold(place)
    if not wanted:
        return []
    return [c for c in communes if fold(c).startswith(wanted)]
