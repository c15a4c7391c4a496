"""Text folding for offer search: case, accents, `-`, `'` and runs of spaces, St/Ste → Saint/Sainte."""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\-'’‘`´_/,.;:()\"]+")
_SPACES = re.compile(r"\s+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def fold(text: str) -> str:
    """A comparable form: `Saint-Étienne`, `st etienne` and `ST  ETIENNE` all fold the same."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _SPACES.split(_PUNCT.sub(" ", stripped.casefold()).strip())
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w)
