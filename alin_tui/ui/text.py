"""Making server text safe for the screen: no control or escape sequences, never parsed as markup.

Values are put in `rich.text.Text` objects (plain, never markup) after `clean`.
Dates and amounts are formatted in `format.py`; `date_fr` and `euros` are its French shapes.
"""

from __future__ import annotations

import datetime as dt
import re

from alin_tui.ui.format import date_short, money

# C0 and C1 controls (tab and newline folded to a space), DEL, and ANSI/OSC escape sequences.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(value: object, *, limit: int = 500) -> str:
    text = "" if value is None else str(value)
    text = _CONTROLS.sub(" ", _ESCAPES.sub("", text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def date_fr(value: str | dt.date | None) -> str:
    """« 27/11/2026 »; kept for existing callers, see `format.date_short`."""
    return date_short(value, "fr")


def euros(cents: int | None) -> str:
    """« 1 234,50 € »; kept for existing callers, see `format.money`."""
    return money(cents, "fr")


def server_words(t, result: dict) -> str:
    """Why the server refused, for people: its own sentence (it speaks French), or in another
    language the catalog's sentence for its code; never the code itself."""
    message = clean(result.get("message") or "")
    if t.lang == "fr" and message:
        return message
    code = str(result.get("code") or "")
    key = f"server_refusal.{code}"
    words = t(key, count=len(result.get("missing") or []))
    return words if words != key else message or t("server_refusal.other")
