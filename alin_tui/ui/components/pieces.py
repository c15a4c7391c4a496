"""Pièces justificatives: the checklist per person, updated in place; the documents on their way
with a progress bar each; the files of the drop folder waiting to be sorted (« À classer »); the
last thing the drop folder did.

Keys: `Entrée` opens a piece (or sorts a waiting file), `a` attaches a file to the piece under
the cursor (or replaces it), `x` / `Suppr` takes a queued document back or removes a received
one. Each action carries the slot id read when the key is pressed.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, ProgressBar, Static

from alin_tui.ui import views
from alin_tui.ui.bindings import localize
from alin_tui.ui.components.keyed_table import KeyedTable, clip, fit
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean

# (key, label, width or None to share, shown from this width)
NARROW = (
    ("person", "pieces.person", 12, 0),
    ("piece", "pieces.kind", None, 0),
    ("state", "pieces.state", 13, 0),
    ("reason_or_validity", "pieces.reason_or_validity", None, 0),
)
WIDE = (
    ("person", "pieces.person", 22, 0),
    ("piece", "pieces.kind", 36, 0),  # at least; as wide as the longest name when there is room
    ("state", "pieces.state", 16, 0),
    ("reason", "pieces.reason", None, 0),
    ("valid_until", "pieces.valid_until", 18, 0),
)
WIDE_FROM = 118
UNSORTED = (("file", "pieces.file", None, 0), ("guess", "pieces.guess", None, 0))


class UploadRow(Horizontal):
    """One document on its way: its piece and file, a bar, bytes sent, rate and time left."""

    DEFAULT_CSS = """
    UploadRow { height: 1; padding: 0 1; }
    UploadRow .upload-name { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    UploadRow ProgressBar { width: 22; height: 1; }
    UploadRow ProgressBar Bar { width: 14; }
    UploadRow .upload-detail { width: auto; max-width: 40; height: 1; color: $text-muted; }
    """

    def __init__(self, t: Translator, upload: views.UploadView, label: str) -> None:
        super().__init__(classes="upload-row")
        self.t, self.upload, self.label = t, upload, label
        self._seen: tuple[float, int] | None = None
        self.rate: float | None = upload.rate

    def compose(self) -> ComposeResult:
        yield Static(Text(self.label), classes="upload-name")
        yield ProgressBar(total=max(1, self.upload.total), show_eta=False)
        yield Static("", classes="upload-detail")

    def on_mount(self) -> None:
        self.show(self.upload.sent, self.upload.total)

    def show(self, sent: int, total: int) -> None:
        now = time.monotonic()
        if self._seen is not None and sent > self._seen[1] and now > self._seen[0]:
            measured = (sent - self._seen[1]) / (now - self._seen[0])
            self.rate = measured if self.rate is None else 0.5 * self.rate + 0.5 * measured
        self._seen = (now, sent)
        self.query_one(ProgressBar).update(total=max(1, total), progress=sent)
        detail = views.upload_detail(self.t, sent, total, self.rate)
        if self.upload.state == "uploaded" or (total and sent >= total):
            detail = self.t("pieces.sent_waiting")
        self.query_one(".upload-detail", Static).update(Text(detail))


class PiecesPane(Vertical):
    DEFAULT_CSS = """
    PiecesPane #pieces-hint { height: 1; padding: 0 1; color: $text-muted; }
    PiecesPane #pieces-empty { padding: 1 2; color: $text-muted; height: auto; }
    PiecesPane #uploads { height: auto; max-height: 5; }
    PiecesPane #unsorted-title { height: 1; padding: 0 1; text-style: bold; color: $warning; }
    PiecesPane #unsorted { height: auto; max-height: 6; }
    PiecesPane #pieces-activity {
        height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """
    BINDINGS = [
        Binding("enter", "open", "keys.open_piece", id="piece-open"),
        Binding("a", "attach", "keys.attach", id="piece-attach"),
        Binding("x,delete", "remove", "keys.remove_piece", id="piece-remove"),
    ]

    def __init__(self, t: Translator, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        localize(self, t)
        self._rows: list[views.SlotRow] = []
        self._unsorted: list = []
        self._labels: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(self.t("pieces.none"), id="pieces-empty")
        yield KeyedTable(id="documents")
        yield Vertical(id="uploads")
        yield Static(self.t("pieces.unsorted_title"), id="unsorted-title")
        yield KeyedTable(id="unsorted")
        yield Static("", id="pieces-activity")
        yield Static(self.t("pieces.hint"), id="pieces-hint")

    @property
    def table(self) -> KeyedTable:
        return self.query_one("#documents", KeyedTable)

    @property
    def unsorted_table(self) -> KeyedTable:
        return self.query_one("#unsorted", KeyedTable)

    # --- refresh ----------------------------------------------------------------------------

    def show(self, model: views.ScreenModel, unsorted: list | None = None) -> None:
        self._rows = views.document_rows(self.t, model)
        self._labels = {r.key: f"{r.piece.plain} — {r.person.plain}" for r in self._rows}
        self.query_one("#pieces-empty").display = not self._rows
        self.table.display = bool(self._rows)
        self.query_one("#pieces-hint").display = bool(self._rows)
        if unsorted is not None:
            self._unsorted = unsorted
        self._paint()
        self._show_uploads(model)
        self._show_unsorted()

    def on_resize(self) -> None:
        self._paint()
        self._show_unsorted()

    def _paint(self) -> None:
        width = self.size.width or 80
        specs = WIDE if width >= WIDE_FROM else NARROW
        if specs is WIDE:  # the piece's whole name when the window has room, the reason after
            longest = max([row.piece.cell_len for row in self._rows], default=0)
            spare = width - sum(w or 0 for _, _, w, _ in WIDE) - 2 * len(WIDE) - 2 - 24
            piece = max(36, min(longest, 36 + max(0, spare)))
            specs = tuple((k, label, piece if k == "piece" else w, f) for k, label, w, f in WIDE)
        columns = fit([(k, self.t(label), w, f) for k, label, w, f in specs], width)
        rows = []
        for row in self._rows:
            cells = []
            for key, _, w in columns:
                cell = getattr(row, key)
                if key == "piece" and width < WIDE_FROM:
                    cell = cell.copy()
                    cell.plain = self.t(f"kind_short.{row.detail['variant']}")
                if key == "person" and width < WIDE_FROM:
                    cell = cell.copy()
                    cell.plain = cell.plain.split(" (")[0]
                cells.append(clip(cell, w))
            rows.append((row.key, cells))
        self.table.show(columns, rows)

    def _show_uploads(self, model: views.ScreenModel) -> None:
        box = self.query_one("#uploads", Vertical)
        shown = {row.upload.local_id: row for row in box.query(UploadRow)}
        wanted = {u.local_id: u for u in model.uploads.values()}
        for local_id, row in shown.items():
            if local_id not in wanted:
                row.remove()
        for local_id, upload in wanted.items():
            if local_id in shown:
                shown[local_id].upload = upload
                shown[local_id].show(upload.sent, upload.total)
            else:
                label = f"{self._labels.get(upload.slot_id, '')} · {upload.name}"
                box.mount(UploadRow(self.t, upload, label))
        box.display = bool(wanted)

    def progress(self, local_id: str, sent: int, total: int) -> bool:
        """An upload moved on (from the sync loop): its bar follows; False when not shown."""
        for row in self.query(UploadRow):
            if row.upload.local_id == local_id:
                row.show(sent, total)
                return True
        return False

    def _show_unsorted(self) -> None:
        table = self.unsorted_table
        waiting = bool(self._unsorted)
        if not waiting and table.has_focus:
            self.screen.set_focus(self.table)  # the last file sorted: back to the checklist
        table.display = waiting
        self.query_one("#unsorted-title").display = waiting
        if not waiting:
            return
        width = self.size.width or 80
        columns = fit([(k, self.t(label), w, f) for k, label, w, f in UNSORTED], width)
        rows = []
        for item in self._unsorted:
            guess = self._guess(item)
            cells = {"file": Text(clean(item.name, limit=120)), "guess": Text(guess, style="dim")}
            rows.append((item.raw, [clip(cells[k], w) for k, _, w in columns]))
        table.show(columns, rows)

    def _guess(self, item) -> str:
        if item.replaces and item.replaces in self._labels:
            return self.t("pieces.guess_replaces", piece=self._labels[item.replaces])
        if item.candidates and item.kind:
            return self.t("pieces.guess_which", piece=self.t(f"kind_short.{item.kind}"))
        return self.t("pieces.guess_none")

    def show_activity(self, line: str) -> None:
        self.query_one("#pieces-activity", Static).update(Text(line))

    # --- actions, bound to the row under the cursor when the key is pressed ------------------

    def _selected(self) -> views.SlotRow | None:
        key = self.table.selected_key
        return next((r for r in self._rows if r.key == key), None)

    def selected(self) -> views.SlotRow | None:
        """The piece under the cursor of the checklist (None when the list is empty)."""
        return self._selected()

    def _unsorted_selected(self):
        key = self.unsorted_table.selected_key
        return next((u for u in self._unsorted if u.raw == key), None)

    # The dialogs open within the key's own handling (not through a message that would arrive
    # after the next key): a path typed right after `a` lands in the dialog's field.

    def _documents(self):
        return getattr(self.screen, "documents", None)

    def action_open(self) -> None:
        documents = self._documents()
        if documents is None:
            return
        if self.unsorted_table.has_focus:
            item = self._unsorted_selected()
            if item is not None:
                documents.sort(item.raw, item.name, item.candidates)
            return
        row = self._selected()
        if row is not None:
            documents.open(row.detail)

    def action_attach(self) -> None:
        if self.unsorted_table.has_focus:
            self.action_open()
            return
        row, documents = self._selected(), self._documents()
        if row is not None and documents is not None:
            documents.attach(row.detail)

    def action_remove(self) -> None:
        if self.unsorted_table.has_focus:
            return
        row, documents = self._selected(), self._documents()
        if row is not None and documents is not None:
            documents.remove(row.detail)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()
