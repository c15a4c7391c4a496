"""Message catalogs (French first, English available), loaded from TOML files beside this module."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LANGS = ("fr", "en")


@functools.cache
def _root() -> Any:
    """The folder of the catalogs: beside this file, else as a package resource (a zip)."""
    here = Path(__file__).with_name("locales")
    if here.is_dir():
        return here
    from importlib import resources

    return resources.files("alin_tui.ui").joinpath("locales")


@functools.cache
def _files(lang: str) -> tuple[Any, ...]:
    """`locales/<lang>.toml`, then every `locales/<lang>/*.toml` by name."""
    root = _root()
    parts = root.joinpath(lang)
    found = [p for p in parts.iterdir() if p.name.endswith(".toml")] if parts.is_dir() else []
    return (root.joinpath(f"{lang}.toml"), *sorted(found, key=lambda p: p.name))


@functools.cache
def _parsed(lang: str, index: int) -> dict[str, Any]:
    """One file of `_files(lang)`, parsed."""
    import tomllib

    return tomllib.loads(_files(lang)[index].read_text("utf-8"))


@functools.cache
def catalog(lang: str) -> dict[str, Any]:
    """`locales/<lang>.toml`, plus every `locales/<lang>/*.toml` (one file per command of the
    command line); a top-level section lives in one file only."""
    lang = lang if lang in LANGS else "fr"
    files = _files(lang)
    table = dict(_parsed(lang, 0))
    for index in range(1, len(files)):
        extra = _parsed(lang, index)
        twice = table.keys() & extra.keys()
        if twice:
            raise ValueError(lang, files[index].name, sorted(twice))  # a section defined twice
        table.update(extra)
    return table


_HEADER_LINE = re.compile(r"^[ \t]*\[.*$", re.MULTILINE)
_HEADER = re.compile(r"\[[ \t]*([A-Za-z0-9_-]+)[ \t]*[.\]]")


@functools.cache
def _sections(lang: str) -> dict[str, int] | None:
    """Which file holds each top-level section, read from the `[section]` lines without parsing
    the files (parsing them all costs a command several ms); None when a file holds anything this
    cannot place (keys above its first section, `[[…]]`, a quoted name): then the whole catalog."""
    where: dict[str, int] = {}
    for index, file in enumerate(_files(lang)):
        text = file.read_text("utf-8")
        lines = list(_HEADER_LINE.finditer(text))
        above = text[: lines[0].start()] if lines else text
        if any(s and not s.startswith("#") for s in map(str.strip, above.splitlines())):
            return None
        for line in lines:
            header = _HEADER.match(line.group().strip())
            if header is None or line.group().strip().startswith("[["):
                return None
            where.setdefault(header.group(1), index)
    return where


@functools.cache
def _table(lang: str, section: str) -> dict[str, Any]:
    """A table that answers for `section` as the whole catalog would: the one file that holds
    it, parsed alone, or the whole catalog when that cannot be told."""
    where = _sections(lang)
    index = where.get(section) if where is not None else None
    if index is not None:
        table = _parsed(lang, index)
        if section in table:  # a top-level section lives in one file only
            return table
    return catalog(lang)


class Translator:
    def __init__(self, lang: str = "fr", command: str = "alin-tui") -> None:
        self.lang = lang if lang in LANGS else "fr"
        # How to call alin-tui on the data folder and profile at hand (`Settings.command_line`):
        # the `{command}` of the hints that tell people what to type next.
        self.command = command

    def __call__(self, key: str, **params: Any) -> str:
        """`t("demande.nur")`; a missing key falls back to French, then to the key itself."""
        parts = key.split(".")
        for lang in (self.lang, "fr"):
            node = _lookup(_table(lang, parts[0]), parts)
            if isinstance(node, str):
                if "{command}" in node and "command" not in params:
                    params = {**params, "command": self.command}
                return node.format(**params) if params else node
        return key

    @contextlib.contextmanager
    def acting_on(self, command: str) -> Iterator[None]:
        """Hints name `command` for a while (one household of `sync --all-profiles`)."""
        before, self.command = self.command, command
        try:
            yield
        finally:
            self.command = before

    def count(self, key: str, n: int, **params: Any) -> str:
        """`key` said of `n` things, `{count}` being `n` in the language's format: the entry
        `key_one` for a single thing (0 or 1 in French, 1 in English) when the catalog has one,
        else `key` (the plural)."""
        single = n in (0, 1) if self.lang == "fr" else n == 1
        if single and self.has(key + "_one"):
            key += "_one"
        return self(key, count=self.number(n), **params)

    def has(self, key: str) -> bool:
        parts = key.split(".")
        return any(
            isinstance(_lookup(_table(lang, parts[0]), parts), str) for lang in (self.lang, "fr")
        )

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
