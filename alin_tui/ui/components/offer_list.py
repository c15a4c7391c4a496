"""The Offres list: a window over the store, painted line by line.

It never holds the whole list: `render_line` asks its source for the rows it paints, a page at a
time, kept in a small LRU (Textualize/toolong's line API). The cursor is an offer id as much as an
index: when the data under it changes, the list finds that offer again and keeps it on the same
line of the screen. Which columns show depends on the width: at 80 columns what answers "is it for
me?" (commune, type, surface, rent with charges, ceiling, days left), more from 120 and 200.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

PAGE = 64
PAGES_KEPT = 16


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # catalog key
    width: int | None  # None: shares the room left
    from_width: int = 0  # shown when the list is at least this wide
    justify: str = "left"


COLUMNS = (
    Column("commune", "offres.commune", None),
    Column("residence", "offres.residence", None, from_width=118),
    Column("address", "offres.address", None, from_width=190),
    Column("reference", "offres.reference", 16, from_width=118),
    Column("typology", "offres.typology", 6),
    Column("surface", "offres.surface", 7, justify="right"),
    Column("rent", "offres.rent", 12, justify="right"),
    Column("financing", "offres.financing_long", 11, from_width=190),
    # Left-aligned: a number set against the ceiling's words would read as one of them.
    Column("floor", "offres.floor", 6, from_width=190),
    Column("ceiling", "eligibility.column", 14),
    Column("closes", "offres.closes", 11, from_width=150),
    Column("left", "offres.left", 8, justify="right"),
)


def layout(width: int) -> list[tuple[Column, int]]:
    """The columns shown at `width` and the width of each (one space between columns)."""
    shown = [c for c in COLUMNS if width >= c.from_width]
    fixed = sum(c.width or 0 for c in shown) + len(shown) - 1
    flex = [c for c in shown if c.width is None]
    room = max(8 * len(flex), width - fixed)
    widths: dict[str, int] = {}
    # The commune comes first (up to 30 cells, the longest names with their postal code); the
    # columns that share the rest (residence, address) get what is left.
    first, others = flex[0], flex[1:]
    widths[first.key] = min(room - 8 * len(others), 30) if others else room
    rest = room - widths[first.key]
    for i, c in enumerate(others):
        widths[c.key] = rest // len(others) + (1 if i < rest % len(others) else 0)
    return [(c, c.width if c.width is not None else widths[c.key]) for c in shown]


def line_text(cells: dict[str, Text], columns: list[tuple[Column, int]]) -> Text:
    """One row as a line: each cell shortened with « … » to its width, never cut silently."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for i, (column, width) in enumerate(columns):
        cell = cells.get(column.key, Text("")).copy()
        cell.truncate(width, overflow="ellipsis", pad=False)
        pad = width - cell.cell_len
        if column.justify == "right":
            line.append(" " * pad)
            line.append_text(cell)
        else:
            line.append_text(cell)
            line.append(" " * pad)
        if i < len(columns) - 1:
            line.append(" ")
    return line


class OfferSource(Protocol):
    """What the list reads: a count, a window of rows and the position of an offer."""

    total: int

    def rows(self, offset: int, limit: int) -> list[tuple[str, dict[str, Text]]]: ...

    def position(self, offer_id: str) -> int | None: ...


class EmptySource:
    total = 0

    def rows(self, offset: int, limit: int) -> list[tuple[str, dict[str, Text]]]:
        return []

    def position(self, offer_id: str) -> int | None:
        return None


class OfferHeader(Static):
    """The column titles, laid out like the list below."""

    DEFAULT_CSS = """
    OfferHeader { height: 1; padding: 0 1 0 0; text-style: bold; color: $text-muted; }
    """

    def show(self, titles: dict[str, str], width: int) -> None:
        columns = layout(width)
        self.update(line_text({c.key: Text(titles[c.key]) for c, _ in columns}, columns))


class OfferList(ScrollView, can_focus=True):
    """Every matching offer, one per line, read from the store a page at a time."""

    COMPONENT_CLASSES = {"offer-list--cursor", "offer-list--cursor-blurred"}
    DEFAULT_CSS = """
    OfferList { height: 1fr; scrollbar-size-vertical: 1; overflow-y: scroll; overflow-x: hidden; }
    OfferList > .offer-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    OfferList > .offer-list--cursor-blurred { background: $block-cursor-blurred-background; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "open", "keys.open", id="offer-open"),
    ]

    class Moved(Message):
        """The cursor is on another offer (or the list changed under it)."""

        def __init__(self, offer_id: str | None, index: int, total: int) -> None:
            super().__init__()
            self.offer_id, self.index, self.total = offer_id, index, total

    class Opened(Message):
        def __init__(self, offer_id: str) -> None:
            super().__init__()
            self.offer_id = offer_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source: OfferSource = EmptySource()
        self.cursor = 0
        self.cursor_id: str | None = None
        self._pages: OrderedDict[int, list[tuple[str, dict[str, Text]]]] = OrderedDict()
        self.on_layout: Callable[[int], None] | None = None

    # --- data -------------------------------------------------------------------------------

    def start_over(self) -> None:
        """A new search is on its way: the cursor goes to the top now, so that keys typed before
        its results come (Esc then ↓ ↓, at once) count from the top of the new list."""
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self._announce()
        self.refresh()

    def set_source(self, source: OfferSource, *, keep: bool) -> None:
        """Show `source`. With `keep`, the offer under the cursor stays under it, on the same
        line of the screen (a refresh); without (a new search, after `start_over`), the cursor
        stays on its row from the top: where the keys typed meanwhile have taken it."""
        line_on_screen = self.cursor - int(self.scroll_y)
        self.source = source
        self._pages.clear()
        # The content's width, not the widget's: one column more would scroll sideways and
        # draw a horizontal bar, repainted at every key (and one row fewer shown).
        self.virtual_size = Size(self.scrollable_content_region.width, source.total)
        position = source.position(self.cursor_id) if keep and self.cursor_id else None
        index = min(self.cursor, max(0, source.total - 1)) if position is None else position
        self.cursor = index
        top = max(0, index - line_on_screen)
        self.scroll_to(y=top, animate=False, immediate=True)
        self._announce()
        self.refresh()

    def _row(self, index: int) -> tuple[str, dict[str, Text]] | None:
        if not 0 <= index < self.source.total:
            return None
        number = index // PAGE
        page = self._pages.get(number)
        if page is None:
            page = self.source.rows(number * PAGE, PAGE)
            self._pages[number] = page
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = index - number * PAGE
        return page[offset] if offset < len(page) else None

    def row_at_cursor(self) -> str | None:
        row = self._row(self.cursor)
        return row[0] if row else None

    def _announce(self) -> None:
        self.cursor_id = self.row_at_cursor()
        self.post_message(self.Moved(self.cursor_id, self.cursor, self.source.total))

    # --- painting ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        row = self._row(index)
        base = self.rich_style
        if row is None:
            return Strip.blank(width, base)
        text = line_text(row[1], layout(width))
        if index == self.cursor:
            name = "offer-list--cursor" if self.has_focus else "offer-list--cursor-blurred"
            text.stylize(self.get_component_rich_style(name))
        segments = list(text.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, base).apply_style(base)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.source.total)
        if self.on_layout is not None:
            self.on_layout(self.scrollable_content_region.width)

    def on_focus(self) -> None:
        self._refresh_cursor_line()

    def on_blur(self) -> None:
        self._refresh_cursor_line()

    def _refresh_cursor_line(self) -> None:
        self.refresh_line(self.cursor - int(self.scroll_y))

    # --- moving -----------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        total = self.source.total
        if total == 0:
            return
        index = max(0, min(total - 1, index))
        if index == self.cursor and self.cursor_id is not None:
            return
        old = self.cursor
        self.cursor = index
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
            self.refresh()
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
            self.refresh()
        else:
            self.refresh_line(old - top)
            self.refresh_line(index - top)
        self._announce()

    def go_to(self, index: int) -> None:
        """The cursor to a row (a saved search's first new offer), scrolled into view."""
        self._go(index)

    def action_move(self, step: int) -> None:
        self._go(self.cursor + step)

    def action_page(self, step: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        target_top = max(0, min(self.source.total - height, top + step * height))
        self.scroll_to(y=target_top, animate=False, immediate=True)
        self.refresh()
        self._go(self.cursor + step * height)

    def action_jump(self, where: int) -> None:
        self._go(self.source.total - 1 if where < 0 else where)

    def action_open(self) -> None:
        offer_id = self.row_at_cursor()
        if offer_id is not None:
            self.post_message(self.Opened(offer_id))

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_y) + event.y
        if index >= self.source.total:
            return
        if index == self.cursor or event.chain > 1:
            self._go(index)
            self.action_open()
        else:
            self._go(index)
