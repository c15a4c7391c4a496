"""One catalog per language, the same keys in both, and no user-facing text written in the
code of the screens: every sentence comes from a catalog."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import alin_tui.ui

UI = Path(alin_tui.ui.__file__).parent
# format.py holds the month names and number conventions of each language: locale data.
SCREEN_CODE = [p for p in UI.rglob("*.py") if p.name not in ("format.py",)]
CATALOG_KEY = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")


def flat(table: dict, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in table.items():
        if isinstance(value, dict):
            out |= flat(value, f"{prefix}{key}.")
        else:
            out.add(prefix + key)
    return out


def catalog(lang: str) -> dict:
    """The whole catalog of a language: its main file and its per-command parts."""
    from alin_tui.ui.i18n import catalog as merged

    return merged.__wrapped__(lang)


def test_french_and_english_catalogs_have_the_same_keys() -> None:
    fr, en = flat(catalog("fr")), flat(catalog("en"))
    assert fr - en == set(), "missing in English"
    assert en - fr == set(), "missing in French"


def leaves(table: dict, path: tuple[str, ...] = ()):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from leaves(value, (*path, key))
        else:
            yield (*path, key), value


def test_both_catalogs_have_the_same_placeholders_per_key() -> None:
    english = dict(leaves(catalog("en")))
    for path, text in leaves(catalog("fr")):
        placeholders = set(re.findall(r"{(\w+)}", text))
        assert placeholders == set(re.findall(r"{(\w+)}", english[path])), path


def _constants(path: Path):
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    css = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id in ("DEFAULT_CSS", "CSS") for t in node.targets)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings | css
        ):
            yield node


def test_every_catalog_key_used_by_the_screens_exists() -> None:
    known = flat(catalog("fr"))
    missing = set()
    for path in SCREEN_CODE:
        for node in _constants(path):
            if node.value.endswith((".tcss", ".py", ".toml")):
                continue
            sections = {k.split(".")[0] for k in known}
            if (
                CATALOG_KEY.match(node.value)
                and node.value.split(".")[0] in sections
                and node.value not in known
            ):
                missing.add(f"{path.name}: {node.value}")
    assert missing == set()


def test_no_sentence_is_written_in_the_code_of_the_screens() -> None:
    """A literal with two words or an accented letter is text for people: it belongs in the
    catalogs. Technical strings (ids, keys, styles, SQL, formats) have neither."""
    words = re.compile(r"[A-Za-zÀ-ÿ]{2,}\s+[A-Za-zÀ-ÿ]{2,}|[À-ÿ]")
    technical = re.compile(
        r"^(bold|italic|dim|underline|green|red|yellow|bold red|bold yellow|bold green|italic dim)$"
        r"|^(SELECT|INSERT|UPDATE) "
    )
    found = []
    for path in SCREEN_CODE:
        for node in _constants(path):
            text = node.value
            if words.search(text) and not technical.search(text):
                found.append(f"{path.relative_to(UI)}:{node.lineno}: {text!r}")
    assert found == []
