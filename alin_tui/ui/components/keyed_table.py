"""A DataTable updated by row key: a refresh changes the cells that changed, keeps the cursor on
the same row (Textual's `clear()` would put it back on the first one) and does nothing when
nothing changed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

Cells = Sequence[Text]


class KeyedTable(DataTable):
    DEFAULT_CSS = """
    KeyedTable { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns_shown: tuple[tuple[str, str, int | None], ...] = ()
        self._rows_shown: list[tuple[str, tuple[str, ...]]] = []

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor (what an action applies to, read at the key)."""
        if self.row_count == 0:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def show(
        self,
        columns: Sequence[tuple[str, str, int | None]],
        rows: Sequence[tuple[str, Cells]],
    ) -> None:
        """`columns`: (key, label, width or None); `rows`: (key, cells in column order)."""
        wanted_columns = tuple((key, label, width) for key, label, width in columns)
        plain = [(key, tuple(c.plain + "\0" + str(c.style) for c in cells)) for key, cells in rows]
        if wanted_columns == self._columns_shown and plain == self._rows_shown:
            return  # nothing changed: no repaint, no cursor move
        selected = self.selected_key
        same_rows = [k for k, _ in plain] == [k for k, _ in self._rows_shown]
        if wanted_columns == self._columns_shown and same_rows:
            for (key, cells), (_, old), (_, new) in zip(rows, self._rows_shown, plain, strict=True):
                for (column, _, _), cell, before, after in zip(
                    wanted_columns, cells, old, new, strict=True
                ):
                    if before != after:
                        self.update_cell(key, column, cell)
            self._rows_shown = plain
            return
        with self.app.batch_update():
            scroll_y = self.scroll_y
            self.clear(columns=wanted_columns != self._columns_shown)
            self.scroll_x = 0
            if wanted_columns != self._columns_shown:
                for key, label, width in columns:
                    self.add_column(label, key=key, width=width)
            for key, cells in rows:
                self.add_row(*cells, key=key)
            self._columns_shown = wanted_columns
            self._rows_shown = plain
            if selected is not None and selected in self.rows:
                self.move_cursor(row=self.get_row_index(selected), animate=False, scroll=False)
                self.scroll_to(y=scroll_y, animate=False, immediate=True)


def fit(
    specs: Sequence[tuple[str, str, int | None, int]], width: int, *, padding: int = 2
) -> list[tuple[str, str, int]]:
    """Column widths for a table `width` cells wide: (key, label, fixed width or None to share
    the rest, shown from this table width). Each column costs `padding` cells more."""
    shown = [s for s in specs if width >= s[3]]
    room = width - 2 - padding * len(shown) - sum(s[2] or 0 for s in shown)
    flex = [s for s in shown if s[2] is None]
    out = []
    for key, label, fixed, _ in shown:
        if fixed is None:
            share = max(6, room // len(flex))
            out.append((key, label, share))
        else:
            out.append((key, label, fixed))
    return out


def clip(cell: Text, width: int) -> Text:
    """A cell shortened with « … » to its column, never cut without a sign."""
    if cell.cell_len <= width:
        return cell
    cell = cell.copy()
    cell.truncate(width, overflow="ellipsis")
    return cell
