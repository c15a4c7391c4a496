"""Making server text safe for the screen: no control or escape sequences, never parsed as markup.

Values are put in `rich.text.Text` objects (plain, never markup) after `clean`.
"""

from __future__ import annotations

import datetime as dt
import re

# C0 and C1 controls (tab and newline folded to a space), DEL, and ANSI/OSC escape sequences.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(value: object, *, limit: int = 500) -> str:
    text = "" if value is None else str(value)
    text = _CONTROLS.sub(" ", _ESCAPES.sub("", text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def date_fr(value: str | dt.date | None) -> str:
    if not value:
        return "—"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.strftime("%d/%m/%Y")


def euros(cents: int | None) -> str:
    if cents is None:
        return "—"
    whole, rest = divmod(int(cents), 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{grouped},{rest:02d} €"
