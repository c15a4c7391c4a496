"""The demand's unique number (NUR / NUD): normalisation, validation, display.

18 upper-case letters or digits, read `TTT MM YY NNNNNN GGGGG`. The number has no checksum and is
officially non-meaningful, so we only reject what cannot be a number at all and *warn* when the
month/year of first filing looks implausible.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

LENGTH = 18
_SEPARATORS = re.compile(r"[\s.\-]+")
_VALID = re.compile(r"[A-Z0-9]{18}")


class InvalidNur(ValueError):
    """The text cannot be a NUR; the message says why, in French; `code` and `params` let a
    screen say it in the reader's language (not_text, empty, characters, length)."""

    def __init__(self, message: str, code: str = "invalid", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def normalize(text: str) -> str:
    """Upper-case and drop spaces, dashes and dots; raise `InvalidNur` unless 18 letters/digits."""
    if not isinstance(text, str):
        raise InvalidNur("Le numéro unique doit être du texte.", "not_text")
    cleaned = _SEPARATORS.sub("", text).upper()
    if not cleaned:
        raise InvalidNur("Le numéro unique est vide : il compte 18 lettres ou chiffres.", "empty")
    typed = _SEPARATORS.sub("", text)  # the characters as typed (not upper-cased) for the message
    bad = sorted({c for c in typed if not (c.isascii() and c.isalnum())})
    if bad:
        shown = " ".join(f"« {c} »" for c in bad[:5])
        raise InvalidNur(
            f"Le numéro unique ne contient que des lettres et des chiffres (trouvé : {shown}).",
            "characters",
            found=shown,
        )
    if len(cleaned) != LENGTH:
        raise InvalidNur(
            f"Le numéro unique compte 18 caractères ; celui-ci en a {len(cleaned)}.",
            "length",
            count=len(cleaned),
        )
    assert _VALID.fullmatch(cleaned)
    return cleaned


def display(nur: str) -> str:
    """Grouped for reading aloud: `111 1023 517879 GDPUB`."""
    n = normalize(nur)
    return f"{n[0:3]} {n[3:7]} {n[7:13]} {n[13:18]}"


@dataclass(frozen=True)
class FilingMonth:
    year: int
    month: int


def filing_month(nur: str) -> FilingMonth | None:
    """Month and year of first filing read from MMYY, or None when MM is not 01–12 or not digits."""
    n = normalize(nur)
    mm, yy = n[3:5], n[5:7]
    if not (mm.isdigit() and yy.isdigit()):
        return None
    month = int(mm)
    if not 1 <= month <= 12:
        return None
    return FilingMonth(2000 + int(yy), month)


def warning_codes(nur: str, today: dt.date) -> list[tuple[str, dict[str, object]]]:
    """The plausibility warnings as codes for a screen to word: `month_invalid` (the month read)
    or `month_future` (month, year)."""
    n = normalize(nur)
    fm = filing_month(n)
    if fm is None:
        return [("month_invalid", {"month": n[3:5]})]
    if (fm.year, fm.month) > (today.year, today.month):
        return [("month_future", {"month": f"{fm.month:02d}", "year": fm.year})]
    return []


def warnings(nur: str, today: dt.date) -> list[str]:
    """Plausibility warnings (never a rejection): impossible month, or a month/year in the future."""
    n = normalize(nur)
    fm = filing_month(n)
    if fm is None:
        return [
            f"Le mois de premier dépôt lu dans le numéro ({n[3:5]}) n'existe pas : "
            "vérifiez le numéro sur votre attestation."
        ]
    if (fm.year, fm.month) > (today.year, today.month):
        return [
            f"Le numéro indique un premier dépôt en {fm.month:02d}/{fm.year}, date à venir : "
            "vérifiez le numéro sur votre attestation."
        ]
    return []
