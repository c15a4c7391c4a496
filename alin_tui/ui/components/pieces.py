"""Pièces justificatives: the checklist per person, updated in place; `Entrée` opens a piece."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from alin_tui.ui import views
from alin_tui.ui.bindings import localize
from alin_tui.ui.components.keyed_table import KeyedTable, clip, fit
from alin_tui.ui.i18n import Translator

# (key, label, width or None to share, shown from this width)
NARROW = (
    ("person", "pieces.person", 12, 0),
    ("piece", "pieces.kind", None, 0),
    ("state", "pieces.state", 13, 0),
    ("reason_or_validity", "pieces.reason_or_validity", None, 0),
)
WIDE = (
    ("person", "pieces.person", 22, 0),
    ("piece", "pieces.kind", 36, 0),
    ("state", "pieces.state", 16, 0),
    ("reason", "pieces.reason", None, 0),
    ("valid_until", "pieces.valid_until", 18, 0),
)
WIDE_FROM = 118


class PiecesPane(Vertical):
    DEFAULT_CSS = """
    PiecesPane #pieces-hint { height: 1; padding: 0 1; color: $text-muted; }
    PiecesPane #pieces-empty { padding: 1 2; color: $text-muted; height: auto; }
    """
    BINDINGS = [Binding("enter", "open", "keys.open_piece", id="piece-open")]

    class Opened(Message):
        def __init__(self, detail: dict[str, str]) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self, t: Translator, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        localize(self, t)
        self._rows: list[views.SlotRow] = []

    def compose(self) -> ComposeResult:
        yield Static(self.t("pieces.none"), id="pieces-empty")
        yield KeyedTable(id="documents")
        yield Static(self.t("pieces.hint"), id="pieces-hint")

    @property
    def table(self) -> KeyedTable:
        return self.query_one("#documents", KeyedTable)

    def show(self, model: views.ScreenModel) -> None:
        self._rows = views.document_rows(self.t, model)
        self.query_one("#pieces-empty").display = not self._rows
        self.table.display = bool(self._rows)
        self.query_one("#pieces-hint").display = bool(self._rows)
        self._paint()

    def on_resize(self) -> None:
        self._paint()

    def _paint(self) -> None:
        width = self.size.width or 80
        specs = WIDE if width >= WIDE_FROM else NARROW
        columns = fit([(k, self.t(label), w, f) for k, label, w, f in specs], width)
        rows = []
        for row in self._rows:
            cells = []
            for key, _, w in columns:
                cell = getattr(row, key)
                if key == "piece" and width < WIDE_FROM:
                    cell = cell.copy()
                    cell.plain = self.t(f"kind_short.{row.detail['kind']}")
                if key == "person" and width < WIDE_FROM:
                    cell = cell.copy()
                    cell.plain = cell.plain.split(" (")[0]
                cells.append(clip(cell, w))
            rows.append((row.key, cells))
        self.table.show(columns, rows)

    def action_open(self) -> None:
        key = self.table.selected_key
        row = next((r for r in self._rows if r.key == key), None)
        if row is not None:
            self.post_message(self.Opened(row.detail))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()
