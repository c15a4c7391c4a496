"""Bindings with ids (users remap them with `[keymap]` in the config) and descriptions that are
catalog keys, translated per node once it knows its translator."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from alin_tui.ui.i18n import Translator


def localize(node: DOMNode, t: Translator) -> None:
    """Replace the catalog keys in `node`'s binding descriptions by their text."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=t(b.description)) if _is_key(b.description) else b
            for b in bindings
        ]


def ids_of(*classes: type) -> set[str]:
    """The binding ids declared by these classes (what a keymap may name)."""
    from textual.binding import Binding

    return {
        b.id
        for cls in classes
        for b in getattr(cls, "BINDINGS", ())
        if isinstance(b, Binding) and b.id
    }


def _is_key(text: str) -> bool:
    return "." in text and " " not in text and text.islower()
