"""Offres: a search field, the filters in effect and the position, the list of every matching
offer (a window over the store), and what stands between the user and applying.

Words of the search act as filters (« saint-denis t3 700€ »); `f` opens the filters, `s` changes
the sort, `e` keeps only the offers under the household's ceiling. Queries run in a worker that
drops stale answers, so typing never waits for the store.

`m` saves the search and its filters under a name, `n` lists the saved searches with how many
offers are new to each and opens one (its new offers are then seen, and marked in the list). The
count of new offers goes on the tab's label; after a sync, the offers that arrived for a saved
search are announced once (`store/saved.py`).
"""

from __future__ import annotations

import dataclasses
import re
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
from alin_tui.sqlite import open_connection
from alin_tui.store import offers as offer_store
from alin_tui.store import saved
from alin_tui.ui import views
from alin_tui.ui.bindings import localize
from alin_tui.ui.components.offer_list import COLUMNS, OfferHeader, OfferList
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean

MAX_TYPED = 500  # a search longer than this is cut (a paste of a whole page is not a search)


_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)")


def _printable(text: str) -> str:
    """Pasted text without what a terminal would act on: escape sequences (colours copied from
    another terminal) and control characters (a tab or a line break becomes a space)."""
    import unicodedata

    text = _ESCAPE_SEQUENCE.sub("", text)
    return "".join(
        " " if c.isspace() else c for c in text if c.isspace() or unicodedata.category(c) != "Cc"
    )


class SearchInput(Input):
    """The search field. `Esc` leaves it for the list (the list's `Esc` then clears it); a paste
    lands whole, its lines joined by spaces."""

    BINDINGS = [
        Binding("escape", "leave", "keys.leave_search", id="search-leave"),
        # ↓ and Pg suiv. read the results: to the list, and the key counts there.
        Binding("down", "leave('move', 1)", show=False),
        Binding("pagedown", "leave('page', 1)", show=False),
    ]

    def action_leave(self, then: str | None = None, step: int = 0) -> None:
        """To the list, at once: the next key must already find the list focused."""
        offers = self.query_ancestor(OffresPane).list
        self.screen.set_focus(offers)
        if then == "move":
            offers.action_move(step)
        elif then == "page":
            offers.action_page(step)

    async def action_submit(self) -> None:
        self.action_leave()
        await super().action_submit()

    def _on_paste(self, event: Paste) -> None:
        event.prevent_default()  # not Input's own handler, which keeps the first line only
        if event.text:
            text = " ".join(_printable(event.text).split())[:MAX_TYPED]
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)
        event.stop()


class StoreSource:
    """The offers of one query, read from the store a window at a time."""

    def __init__(
        self,
        conn,
        query: OfferQuery,
        model: views.ScreenModel,
        t: Translator,
        total,
        fresh: frozenset[str] = frozenset(),
    ):
        self.conn, self.query, self.model, self.t, self.total = conn, query, model, t, total
        self.fresh = fresh  # the offers new to the saved search just opened

    def rows(self, offset: int, limit: int) -> list[tuple[str, dict[str, Text]]]:
        found = offer_store.query_window(self.conn, self.query, self.model.today, offset, limit)
        return [
            (o["id"], views.offer_cells(self.t, self.model, o, fresh=o["id"] in self.fresh))
            for o in found
        ]

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
        Binding("t", "territory", "keys.territory", show=False, id="territory-only"),
        Binding("m", "save_search", "saved.key_save", show=False, id="search-save"),
        Binding("n", "saved_searches", "saved.key_open", show=False, id="searches-open"),
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
        self.territory_only = False  # only the offers in the demand's territory
        self.typed = ""
        self.model: views.ScreenModel | None = None
        self.conn: sqlite3.Connection | None = None
        self._generation = 0
        self._reader: sqlite3.Connection | None = None
        self._shut = False  # set once unmounted: no worker opens or uses a connection after
        self._reader_lock = threading.Lock()
        self._position = (0, 0)
        self.fresh: frozenset[str] = frozenset()
        self._to_first_fresh = False  # a saved search just opened: show its first new offer
        self._alerts_conn: sqlite3.Connection | None = None
        self._alerts_lock = threading.Lock()
        self._alerts_generation = 0

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
        if self.territory_only and self.model is not None:
            q = dataclasses.replace(q, departments=views.territory_departments(self.model))
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
            self.check_alerts(notify=False)

    def reload(self, *, keep: bool) -> None:
        if not keep:
            self.list.start_over()
        self._generation += 1
        self._count(self._generation, self.query(), keep)

    @work(thread=True, exclusive=True, group="offer-count")
    def _count(self, generation: int, query: OfferQuery, keep: bool) -> None:
        """Count the matches off the main thread; a newer query makes this answer stale."""
        try:
            with self._reader_lock:
                if self._shut:  # the pane is gone (a kiosk visit ended): its store may be too
                    return
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
        source = StoreSource(self.conn, query, self.model, self.t, total, self.fresh)
        self.list.set_source(source, keep=keep)
        if self._to_first_fresh:  # a saved search opened: the cursor on its first new offer
            self._to_first_fresh = False
            found = [source.position(i) for i in sorted(self.fresh)[:50]]
            places = [p for p in found if p is not None]
            if places:
                self.list.go_to(min(places))
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
        if self.territory_only:
            parts.append(t("offres.territory_only"))
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

    def action_territory(self) -> None:
        """`t`: only the offers of the demand's territory (those marked « ⊘ » hidden), or all."""
        self.territory_only = not self.territory_only
        self.reload(keep=True)

    def action_filters(self) -> None:
        from alin_tui.ui.filters import FiltersDialog

        communes: list[str] = offer_store.communes(self.conn) if self.conn is not None else []

        def done(result: Any) -> None:
            if result is None:
                return
            self.chosen, self.eligible_only, self.territory_only = result
            self.reload(keep=True)

        dialog = FiltersDialog(
            self.t, self.chosen, self.eligible_only, communes, territory_only=self.territory_only
        )
        self.app.push_screen(dialog, done)

    # --- saved searches ---------------------------------------------------------------------

    def action_save_search(self) -> None:
        """`m`: the search as typed and the filters chosen, under a name the user gives."""
        from alin_tui.ui.saved_dialogs import SaveSearchDialog

        if self.conn is None:
            return
        draft = self._draft("")
        prefill = self.typed.strip()[: saved.NAME_MAX].strip() or (self.chosen.place or "")

        def done(name: str | None) -> None:
            if name:
                self._save_search(name)

        what = views.saved_search_text(self.t, draft)
        dialog = SaveSearchDialog(self.t, prefill, what, saved.names(self.conn))
        self.app.push_screen(dialog, done)

    def _draft(self, name: str) -> saved.SavedSearch:
        """What would be saved: the typed text, and the place, type and rent of the filters
        (the minimum surface, closing soon, under the ceiling and the sort are not kept)."""
        q = self.chosen
        return saved.SavedSearch(
            name, " ".join(self.typed.split()), q.place, q.typology, q.max_rent_cents, "", 0, 0
        )

    def _save_search(self, name: str) -> None:
        draft = self._draft(name)
        try:
            _, replaced = saved.save(
                self.conn,
                name,
                draft.text,
                commune=draft.commune,
                typology=draft.typology,
                max_rent_cents=draft.max_rent_cents,
            )
        except saved.InvalidSearch as exc:
            self.notify(views.invalid_search_text(self.t, exc), severity="warning", timeout=8)
            return
        except sqlite3.Error as exc:
            self.notify(self.t("actions.failed", error=str(exc)), severity="error", timeout=10)
            return
        key = "saved.replaced_app" if replaced else "saved.saved_app"
        self.notify(self.t(key, name=clean(name)))
        self.check_alerts(notify=False)

    def action_saved_searches(self) -> None:
        """`n`: the saved searches, with their new offers; one is opened or removed."""
        from alin_tui.ui.saved_dialogs import SavedSearchesDialog

        if self.conn is None or self.model is None:
            return
        try:
            searches = saved.searches(self.conn)
            counts = saved.new_counts(self.conn, self.model.today)
        except sqlite3.Error as exc:
            self.notify(self.t("actions.failed", error=str(exc)), severity="error", timeout=10)
            return
        if not searches:
            self.notify(self.t("saved.none_in_app", shortcut=self._key_shown("search-save", "m")))
            return
        rows = [
            (s.name, views.saved_search_text(self.t, s), counts.get(s.name, 0)) for s in searches
        ]

        def done(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            what, name = choice
            if what == "open":
                self.open_saved(name)
            else:
                self._ask_remove_saved(name)

        self.app.push_screen(SavedSearchesDialog(self.t, rows), done)

    def open_saved(self, name: str) -> None:
        """Show a saved search (its text and filters) and mark its new offers seen; they stay
        marked in the list until another saved search is opened."""
        assert self.conn is not None and self.model is not None
        try:
            search = saved.get(self.conn, name)
            if search is None:
                return
            found = saved.new_offers(self.conn, name, self.model.today)
            saved.mark_seen(self.conn, name)
        except (sqlite3.Error, saved.UnknownSearch) as exc:
            self.notify(self.t("actions.failed", error=str(exc)), severity="error", timeout=10)
            return
        self.fresh = frozenset(f.offer["id"] for f in found)
        self._to_first_fresh = bool(found)  # once counted, the cursor goes to the first new one
        self.chosen = OfferQuery(
            place=search.commune,
            typology=search.typology,
            max_rent_cents=search.max_rent_cents,
            sort=self.chosen.sort,
        )
        self.eligible_only = self.territory_only = False  # the search counted every match
        self.typed = search.text
        with self.search.prevent(Input.Changed):
            self.search.value = search.text
        self.search.cursor_position = len(search.text)
        self.reload(keep=False)
        self.screen.set_focus(self.list)
        new = views.new_offers_text(self.t, len(found))
        self.notify(self.t("saved.opened", name=clean(name), new=new))
        self.check_alerts(notify=False)

    def _ask_remove_saved(self, name: str) -> None:
        """Forgetting a saved search loses what it had seen: asked first, like every removal."""
        from alin_tui.ui.dialogs import ConfirmDialog

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._remove_saved(name)
            else:  # kept: back to the list it was chosen from
                self.action_saved_searches()

        t = self.t
        dialog = ConfirmDialog(
            t,
            t("saved.remove_title", name=clean(name)),
            t("saved.remove_body"),
            t("saved.remove_button"),
        )
        self.app.push_screen(dialog, done)

    def _remove_saved(self, name: str) -> None:
        try:
            saved.remove(self.conn, name)
        except sqlite3.Error as exc:
            self.notify(self.t("actions.failed", error=str(exc)), severity="error", timeout=10)
            return
        self.notify(self.t("saved.removed", name=clean(name)))
        self.check_alerts(notify=False)

    def _key_shown(self, binding_id: str, default: str) -> str:
        """A key as the user has it (after their keymap), as the footer shows it."""
        keys = getattr(self.app, "_keymap", {}).get(binding_id, default)
        return self.app.get_key_display(Binding(keys.split(",")[0].strip(), binding_id))

    def check_alerts(self, *, notify: bool) -> None:
        """Count the offers new to the saved searches (the tab's label); with `notify`, announce
        those that arrived since the last announcement (after a sync). Off the main thread."""
        if self.model is None:
            return
        self._alerts_generation += 1
        self._alerts(self._alerts_generation, self.model.today, notify)

    @work(thread=True, group="offer-alerts")
    def _alerts(self, generation: int, today, notify: bool) -> None:
        try:
            with self._alerts_lock:
                if self._shut:
                    return
                if self._alerts_conn is None:
                    self._alerts_conn = open_connection(self.store_path)
                conn = self._alerts_conn
                announced = saved.to_notify(conn, today) if notify else []
                total = saved.new_total(conn, today)
        except sqlite3.Error:  # a locked or damaged store: the list says so; the count waits
            return
        self.app.call_from_thread(self._alerted, generation, total, announced)

    def _alerted(self, generation: int, total: int, announced: list[tuple[str, int]]) -> None:
        if announced:
            t = self.t
            searches = views.announced_text(t, announced)
            key = self._key_shown("searches-open", "n")
            self.notify(t("saved.notify", searches=searches, shortcut=key), timeout=10)
        if generation == self._alerts_generation:
            self.post_message(self.NewOffers(total))

    class NewOffers(Message):
        """How many offers are new to the saved searches (for the tab's label)."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def on_unmount(self) -> None:
        # Under the workers' locks: closing a connection that a worker thread is reading
        # crashes the process (seen when a kiosk visit ended during a count).
        with self._reader_lock, self._alerts_lock:
            self._shut = True
            if self._reader is not None:
                self._reader.close()
                self._reader = None
            if self._alerts_conn is not None:
                self._alerts_conn.close()
                self._alerts_conn = None
