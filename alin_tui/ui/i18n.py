"""Message catalogs (French first, English available), loaded from TOML files beside this module."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

LANGS = ("fr", "en")


@functools.cache
def catalog(lang: str) -> dict[str, Any]:
    """`locales/<lang>.toml`, plus every `locales/<lang>/*.toml` (one file per command of the
    command line); a top-level section lives in one file only."""
    lang = lang if lang in LANGS else "fr"
    root = resources.files("alin_tui.ui").joinpath("locales")
    table = tomllib.loads(root.joinpath(f"{lang}.toml").read_text("utf-8"))
    parts = root.joinpath(lang)
    if parts.is_dir():
        for part in sorted(parts.iterdir(), key=lambda p: p.name):
            if not part.name.endswith(".toml"):
                continue
            extra = tomllib.loads(part.read_text("utf-8"))
            twice = table.keys() & extra.keys()
            if twice:
                raise ValueError(lang, part.name, sorted(twice))  # a section defined twice
            table.update(extra)
    return table


class Translator:
    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang if lang in LANGS else "fr"
        self._primary = catalog(self.lang)
        self._fallback = catalog("fr")

    def __call__(self, key: str, **params: Any) -> str:
        """`t("demande.nur")`; a missing key falls back to French, then to the key itself."""
        for table in (self._primary, self._fallback):
            node = _lookup(table, key.split("."))
            if isinstance(node, str):
                return node.format(**params) if params else node
        return key

    def refusal(self, reason: str, params: dict[str, Any]) -> str:
        """Why a document was not taken in, in words (`sync/intake.Refusal`)."""
        from alin_tui.ui.text import clean

        words = dict(params)
        if "size" in words:
            words["size"] = self.size(int(words["size"]))
        if "date" in words:
            words["date"] = self.date(words["date"])
        words["message"] = clean(words.get("message") or "").rstrip(". ")
        words["error"] = clean(words.get("error") or "")
        key = f"intake.reason.{reason}"
        text = self(key, **words)
        return text if text != key else self("intake.reason.other")

    def piece(self, kind: str | None, person: str | None = None) -> str:
        """« Avis d'imposition (Nadia) »: a kind of piece, and whose it is when known."""
        from alin_tui.ui.text import clean

        label = self(f"kind.{kind}") if kind else ""
        return f"{label} ({clean(person)})" if person else label

    def size(self, n: int) -> str:
        """« 12,4 Mo » / « 12.4 MB »; bytes under a kilobyte as they are."""
        from alin_tui.ui import format

        return format.size(n, self.lang)

    def duration(self, seconds: float | None) -> str:
        from alin_tui.ui import format

        return format.duration(seconds, self.lang)

    # Dates, money and numbers in the language's format (the widgets never format by hand).
    def money(self, cents: int | None) -> str:
        from alin_tui.ui import format

        return format.money(cents, self.lang)

    def money_whole(self, cents: int | None) -> str:
        from alin_tui.ui import format

        return format.money_whole(cents, self.lang)

    def number(self, n: int | float) -> str:
        from alin_tui.ui import format

        return format.number(n, self.lang)

    def date(self, day: Any) -> str:
        from alin_tui.ui import format

        return format.date_long(day, self.lang)

    def month(self, day: Any) -> str:
        from alin_tui.ui import format

        return format.month_year(day, self.lang)

    def date_short(self, day: Any) -> str:
        from alin_tui.ui import format

        return format.date_short(day, self.lang)

    def place_the(self, place: Any) -> str:
        """« le Rhône » / "Rhône": a department or region as a sentence names it."""
        from alin_tui.ui import format

        return format.place_the(place, self.lang)

    def place_in(self, place: Any) -> str:
        """« dans le Rhône » / "in Rhône"."""
        from alin_tui.ui import format

        return format.place_in(place, self.lang)

    def time(self, moment: Any) -> str:
        from alin_tui.ui import format

        return format.time_hm(moment, self.lang)


def _lookup(node: Any, parts: list[str]) -> Any:
    """Nested tables, where a key may itself hold dots (`operation."link.create"`)."""
    for i, part in enumerate(parts):
        if not isinstance(node, dict):
            return None
        rest = ".".join(parts[i:])
        if rest in node:
            return node[rest]
        node = node.get(part)
    return node
