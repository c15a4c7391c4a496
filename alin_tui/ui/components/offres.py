"""Offres: a search field, the filters in effect and the position, the list of every matching
offer (a window over the store), and what stands between the user and applying.

Words of the search act as filters (« saint-denis t3 700€ »); `f` opens the filters, `s` changes
the sort, `e` keeps only the offers under the household's ceiling. Queries run in a worker that
drops stale answers, so typing never waits for the store.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Paste
from textual.message import Message
from textual.widgets import Input, Static

from alin_tui.domain.offer_query import SORTS, OfferQuery, parse_search
from alin_tui.store import offers as offer_store
from alin_tui.ui import views
from alin_tui.ui.bindings import localize
from alin_tui.ui.components.offer_list import COLUMNS, OfferHeader, OfferList
from alin_tui.ui.i18n import Translator

MAX_TYPED = 500  # a search longer than this is cut (a paste of a whole page is not a search)


class SearchInput(Input):
    """The search field. `Esc` leaves it for the list (the list's `Esc` then clears it); a paste
    lands whole, its lines joined by spaces."""

    BINDINGS = [Binding("escape", "leave", "keys.leave_search", id="search-leave")]

    def action_leave(self) -> None:
        """To the list, at once: the next key must already find the list focused."""
        self.screen.set_focus(self.query_ancestor(OffresPane).list)

    async def action_submit(self) -> None:
        self.action_leave()
        await super().action_submit()

    def _on_paste(self, event: Paste) -> None:
        event.prevent_default()  # not Input's own handler, which keeps the first line only
        if event.text:
            text = " ".join(event.text.split())[:MAX_TYPED]
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)
        event.stop()


class StoreSource:
    """The offers of one query, read from the store a window at a time."""

    def __init__(self, conn, query: OfferQuery, model: views.ScreenModel, t: Translator, total):
        self.conn, self.query, self.model, self.t, self.total = conn, query, model, t, total

    def rows(self, offset: int, limit: int) -> list[tuple[str, dict[str, Text]]]:
        found = offer_store.query_window(self.conn, self.query, self.model.today, offset, limit)
        return [(o["id"], views.offer_cells(self.t, self.model, o)) for o in found]

    def position(self, offer_id: str) -> int | None:
        return offer_store.query_position(self.conn, self.query, self.model.today, offer_id)


class OffresPane(Vertical):
    DEFAULT_CSS = """
    OffresPane SearchInput { padding: 0 1; }
    OffresPane #offers-info { height: 1; padding: 0 1; color: $text-muted; }
    OffresPane OfferHeader { padding-left: 0; }
    OffresPane #apply-hint { height: auto; max-height: 2; padding: 0 1; }
    OffresPane #apply-hint.-blocked { color: $warning; }
    """
    BINDINGS = [
        Binding("a", "apply", "keys.apply", id="apply"),
        Binding("f", "filters", "keys.filters", id="filters"),
        Binding("s", "sort", "keys.sort", id="sort"),
        Binding("e", "eligible", "keys.eligible", id="eligible-only"),
        Binding("escape", "clear", "keys.clear_search", show=False, id="search-clear"),
    ]

    class Apply(Message):
        def __init__(self, offer_id: str) -> None:
            super().__init__()
            self.offer_id = offer_id

    def __init__(self, t: Translator, store_path: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t
        localize(self, t)
        self.store_path = store_path
        self.chosen = OfferQuery()  # the filters and sort chosen in the dialog and by keys
        self.eligible_only = False
        self.typed = ""
        self.model: views.ScreenModel | None = None
        self.conn: sqlite3.Connection | None = None
        self._generation = 0
        self._reader: sqlite3.Connection | None = None
        self._reader_lock = threading.Lock()
        self._position = (0, 0)

    def compose(self) -> ComposeResult:
        yield SearchInput(
            placeholder=self.t("offres.search_placeholder"),
            id="offers-search",
            max_length=MAX_TYPED,
            compact=True,
            select_on_focus=False,
        )
        yield Static(id="offers-info")
        yield OfferHeader(id="offers-header")
        yield OfferList(id="offers")
        yield Static(id="apply-hint")

    @property
    def list(self) -> OfferList:
        return self.query_one(OfferList)

    @property
    def search(self) -> SearchInput:
        return self.query_one(SearchInput)

    def on_mount(self) -> None:
        self.list.on_layout = self._layout
        self.search.cursor_blink = False
        localize(self.list, self.t)
        localize(self.search, self.t)

    def _layout(self, width: int) -> None:
        titles = {c.key: self.t(c.title) for c in COLUMNS}
        self.query_one(OfferHeader).show(titles, width)

    # --- data -------------------------------------------------------------------------------

    def query(self) -> OfferQuery:
        q = self.chosen.overlay(parse_search(self.typed))
        if self.eligible_only and self.model is not None:
            q = dataclasses.replace(q, eligible_pairs=views.eligible_pairs(self.model))
        return q

    def show(
        self,
        conn: sqlite3.Connection,
        model: views.ScreenModel,
        hint: tuple[bool, str],
        *,
        offers_changed: bool,
    ) -> None:
        """A new read model. The list is read again only when the offers (or what the filters
        depend on) changed; then the cursor stays on the same offer."""
        first = self.model is None
        self.conn, self.model = conn, model
        enabled, sentence = hint
        widget = self.query_one("#apply-hint", Static)
        widget.update(Text(self.t("offres.hint") if enabled else sentence))
        widget.set_class(not enabled, "-blocked")
        if first or offers_changed:
            self.reload(keep=not first)

    def reload(self, *, keep: bool) -> None:
        self._generation += 1
        self._count(self._generation, self.query(), keep)

    @work(thread=True, exclusive=True, group="offer-count")
    def _count(self, generation: int, query: OfferQuery, keep: bool) -> None:
        """Count the matches off the main thread; a newer query makes this answer stale."""
        try:
            with self._reader_lock:
                if self._reader is None:
                    self._reader = sqlite3.connect(self.store_path, check_same_thread=False)
                today = self.model.today if self.model else None
                total = offer_store.query_count(self._reader, query, today)
        except sqlite3.Error as exc:  # a damaged or locked store: say so, keep the app up
            self.app.call_from_thread(self._failed, generation, str(exc))
            return
        self.app.call_from_thread(self._counted, generation, query, keep, total)

    def _failed(self, generation: int, error: str) -> None:
        if generation == self._generation:
            self.query_one("#offers-info", Static).update(
                Text(self.t("offres.store_error", error=error), style="bold red")
            )

    def _counted(self, generation: int, query: OfferQuery, keep: bool, total: int) -> None:
        if generation != self._generation or self.conn is None or self.model is None:
            return  # stale: the user typed on
        source = StoreSource(self.conn, query, self.model, self.t, total)
        self.list.set_source(source, keep=keep)
        self._show_info()

    def _show_info(self) -> None:
        t, q = self.t, self.query()
        index, total = self._position
        if total == 0:
            parts = [t("offres.none")]
        else:
            parts = [t("offres.position", index=t.number(index + 1), total=t.number(total))]
        if q.place:
            parts.append(q.place)
        if q.typology:
            parts.append(q.typology)
        if q.max_rent_cents is not None:
            parts.append("≤ " + t.money_whole(q.max_rent_cents))
        if q.min_surface_m2 is not None:
            parts.append(f"≥ {q.min_surface_m2:.0f} m²")
        if q.closing_within_days is not None:
            parts.append(t("offres.closing_within", days=q.closing_within_days))
        if self.eligible_only:
            parts.append(t("offres.eligible_only"))
        parts.append(t("offres.sorted", sort=t(f"sort.{q.sort}")))
        self.query_one("#offers-info", Static).update(Text(" · ".join(parts)))

    @on(OfferList.Moved)
    def _moved(self, event: OfferList.Moved) -> None:
        self._position = (event.index, event.total)
        self._show_info()

    @on(Input.Changed, "#offers-search")
    def _typed(self, event: Input.Changed) -> None:
        if event.value != self.typed:
            self.typed = event.value
            self.reload(keep=False)

    # --- actions ----------------------------------------------------------------------------

    def focus_search(self, *, select: bool = False) -> None:
        self.screen.set_focus(self.search)
        if select and self.search.value:
            self.search.select_all()

    def action_clear(self) -> None:
        if self.typed:
            self.search.value = ""  # Changed reloads

    def action_apply(self) -> None:
        offer_id = self.list.row_at_cursor()
        if offer_id is not None:
            self.post_message(self.Apply(offer_id))

    def action_sort(self) -> None:
        following = SORTS[(SORTS.index(self.chosen.sort) + 1) % len(SORTS)]
        self.chosen = dataclasses.replace(self.chosen, sort=following)
        self.reload(keep=True)

    def action_eligible(self) -> None:
        self.eligible_only = not self.eligible_only
        self.reload(keep=True)

    def action_filters(self) -> None:
        from alin_tui.ui.filters import FiltersDialog

        communes: list[str] = offer_store.communes(self.conn) if self.conn is not None else []

        def done(result: Any) -> None:
            if result is None:
                return
            self.chosen, self.eligible_only = result
            self.reload(keep=True)

        self.app.push_screen(FiltersDialog(self.t, self.chosen, self.eligible_only, communes), done)

    def on_unmount(self) -> None:
        if self._reader is not None:
            self._reader.close()
