"""Ma demande: stage, next step, number, link with AL-in, renewal, dossier."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from alin_tui.ui import views
from alin_tui.ui.i18n import Translator


class DemandePane(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    DemandePane { padding: 1 2; }
    DemandePane #summary { width: 1fr; }
    """

    def __init__(self, t: Translator, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        self._shown: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="summary")

    def show(self, model: views.ScreenModel) -> None:
        rows = views.overview(self.t, model)
        key = repr([(label, value.plain, str(value.style)) for label, value in rows])
        if key != self._shown:  # nothing changed: no repaint
            self._shown = key
            self.query_one("#summary", Static).update(views.grid(rows))
