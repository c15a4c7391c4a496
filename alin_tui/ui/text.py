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
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Invisible format characters: bidi overrides, embeddings, isolates and marks (U+202E can turn
# « 300 € » into « € 003 »), zero-width spaces and joiners, the BOM, soft hyphens, tag characters.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]"
)


def clean(value: object, *, limit: int = 500) -> str:
    """Server text made inert for a terminal: escape sequences dropped, controls and line
    separators as spaces, invisible format characters removed, length bounded. Every string
    from a server passes here before it is shown (as plain `Text`, never markup)."""
    text = "" if value is None else str(value)
    text = _INVISIBLE.sub("", _CONTROLS.sub(" ", _ESCAPES.sub("", text)))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def held_quotes(text: str) -> str:
    """French quotes held to the words they enclose (no-break spaces), as in print: a long
    file name never leaves a lone « at the end of a line."""
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


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
    words = t.count(key, len(result.get("missing") or []))
    return words if words != key else message or t("server_refusal.other")
