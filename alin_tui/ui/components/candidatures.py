"""Mes candidatures: each application named by its offer (commune, type, rent, reference), its
state in words and its rank; `Entrée` opens the offer, `Ctrl+W` withdraws (after a confirmation)."""

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

COLUMNS = (
    ("offer", "candidatures.offer", None, 0),
    ("reference", "offres.reference", 16, 110),
    ("status", "candidatures.status", None, 0),
    ("rank", "candidatures.rank", 5, 0),
    ("created", "candidatures.created", 11, 100),
)


class CandidaturesPane(Vertical):
    DEFAULT_CSS = """
    CandidaturesPane #applications-empty { padding: 1 2; color: $text-muted; height: auto; }
    CandidaturesPane #applications-hint { height: 1; padding: 0 1; color: $text-muted; }
    CandidaturesPane #applications-explain { height: auto; max-height: 4; padding: 0 1; }
    """
    BINDINGS = [
        Binding("enter", "open", "keys.open", id="application-open"),
        Binding("ctrl+w", "withdraw", "keys.withdraw", id="withdraw"),
    ]

    class OpenOffer(Message):
        def __init__(self, offer_id: str) -> None:
            super().__init__()
            self.offer_id = offer_id

    class Withdraw(Message):
        def __init__(self, application_id: str) -> None:
            super().__init__()
            self.application_id = application_id

    def __init__(self, t: Translator, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        localize(self, t)
        self._rows: list[views.ApplicationRow] = []

    def compose(self) -> ComposeResult:
        yield Static(self.t("candidatures.none"), id="applications-empty")
        yield KeyedTable(id="applications")
        yield Static("", id="applications-explain", markup=False)
        yield Static(self.t("candidatures.hint"), id="applications-hint")

    @property
    def table(self) -> KeyedTable:
        return self.query_one("#applications", KeyedTable)

    def show(self, model: views.ScreenModel) -> None:
        self._rows = views.application_rows(self.t, model)
        self.query_one("#applications-empty").display = not self._rows
        self.table.display = bool(self._rows)
        self.query_one("#applications-hint").display = bool(self._rows)
        self.query_one("#applications-explain").display = bool(self._rows)
        self._paint()
        self._explain()

    def _explain(self) -> None:
        """The highlighted application's status in a sentence, under the table."""
        row = self.selected() or (self._rows[0] if self._rows else None)
        self.query_one("#applications-explain", Static).update(row.explain if row else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._explain()

    def on_resize(self) -> None:
        self._paint()

    def _paint(self) -> None:
        """The status column as wide as its longest word (the offer takes the rest); without
        room for the reference column, the reference follows the offer in its cell."""
        width = self.size.width or 80
        status = max([len(self.t("candidatures.status"))] + [r.status.cell_len for r in self._rows])
        specs = [
            (k, self.t(label), min(status, 28) if k == "status" else w, f)
            for k, label, w, f in COLUMNS
        ]
        columns = fit(specs, width)
        with_reference = not any(key == "reference" for key, _, _ in columns)
        rows = []
        for row in self._rows:
            cells = []
            for key, _, w in columns:
                cell = getattr(row, key)
                if key == "offer" and with_reference and row.reference.plain:
                    cell = cell.copy()
                    cell.append(self.t("candidatures.reference_after", reference=row.reference))
                cells.append(clip(cell, w))
            rows.append((row.key, cells))
        self.table.show(columns, rows)

    def selected(self) -> views.ApplicationRow | None:
        key = self.table.selected_key
        return next((r for r in self._rows if r.key == key), None)

    def action_open(self) -> None:
        row = self.selected()
        if row is not None and row.offer_id:
            self.post_message(self.OpenOffer(row.offer_id))

    def action_withdraw(self) -> None:
        row = self.selected()
        if row is not None:
            self.post_message(self.Withdraw(row.key))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()
