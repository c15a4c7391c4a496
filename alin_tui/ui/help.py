"""`?`: the keys of the current tab and those that work everywhere, as remapped by the user."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from alin_tui.ui.dialogs import Dialog
from alin_tui.ui.i18n import Translator


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    HelpScreen > .dialog { width: 80; max-height: 100%; }
    """

    def __init__(self, t: Translator, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__(t)
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.t("help.title"), classes="title")
            for title, keys in self.sections:
                if not keys:  # a tab with no keys of its own: no empty heading
                    continue
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", no_wrap=True, min_width=12)
                table.add_column()
                for key, description in keys:
                    table.add_row(Text(key), Text(description))
                yield Static(Text(title, style="underline"))
                yield Static(table)
            yield Static(Text(self.t("help.close"), style="dim"))


def describe(app, t: Translator, bindings: list[Binding]) -> list[tuple[str, str]]:
    """(key as shown, description) for each binding with a description, keymap applied."""
    keymap = getattr(app, "_keymap", {})
    out = []
    seen = set()
    for b in bindings:
        if not b.description or b.action in seen:
            continue
        seen.add(b.action)
        keys = keymap.get(b.id, b.key) if b.id else b.key
        shown = ", ".join(
            app.get_key_display(Binding(k.strip(), b.action)) for k in keys.split(",")
        )
        out.append((shown, t(b.description) if "." in b.description else b.description))
    return out
