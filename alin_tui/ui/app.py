"""The full-screen app: Ma demande, Pièces justificatives, Offres, Mes candidatures.

It reads the local store (so it opens at once, even offline) and runs the headless sync session in
a worker thread; results come back as messages and the views are re-read from the store.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Static,
    TabbedContent,
    TabPane,
)

from alin_tui.domain import applying
from alin_tui.store import actions
from alin_tui.store.db import connect
from alin_tui.ui import views
from alin_tui.ui.i18n import Translator

NARROW_WIDTH = 100
OFFER_WINDOW = 200


class SyncEvent(Message):
    """A cycle of the sync loop started or finished (posted from the loop's thread)."""

    def __init__(self, event: Any) -> None:
        super().__init__()
        self.event = event


class AlinApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "alin-tui"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        store_path: Path,
        *,
        session: Any | None = None,
        lang: str = "fr",
        sync_on_start: bool = True,
        max_applications: int = applying.DEFAULT_MAX_APPLICATIONS,
    ) -> None:
        self.t = Translator(lang)
        super().__init__()
        self.store_path = store_path
        self.session = session
        self.sync_on_start = sync_on_start
        self._db = connect(store_path)
        self._syncing = False
        self.loop = None
        self._query = ""
        self.max_applications = max_applications
        self._model: views.ScreenModel | None = None
        self._offer_id: str | None = None
        self._translate_bindings()

    # Every binding has an id (users remap through `set_keymap`); descriptions are catalog keys,
    # translated per instance in `_translate_bindings`.
    BINDINGS = [
        Binding("f5", "sync", "keys.sync", id="sync"),
        Binding("ctrl+r", "sync", "keys.sync", show=False, id="sync-alt"),
        Binding("1", "tab('demande')", "tabs.demande", show=False, id="tab-demande"),
        Binding("2", "tab('pieces')", "tabs.pieces", show=False, id="tab-pieces"),
        Binding("3", "tab('offres')", "tabs.offres", show=False, id="tab-offres"),
        Binding("4", "tab('candidatures')", "tabs.candidatures", show=False, id="tab-candidatures"),
        Binding("slash", "search", "keys.search", id="search"),
        Binding("ctrl+w", "withdraw", "keys.withdraw", show=False, id="withdraw"),
        Binding("ctrl+e", "edit_contact", "keys.contact", id="contact"),
        Binding("ctrl+a", "attention", "keys.attention", id="attention"),
        Binding("ctrl+l", "link_number", "keys.link", show=False, id="link"),
        Binding("ctrl+n", "renew", "keys.renew", show=False, id="renew"),
        Binding("ctrl+u", "refresh_situation", "keys.refresh", show=False, id="refresh"),
        Binding("ctrl+q", "quit", "keys.quit", id="quit", priority=True),
    ]

    def _translate_bindings(self) -> None:
        table = self._bindings.key_to_bindings
        for key, bindings in table.items():
            table[key] = [
                replace(b, description=self.t(b.description))
                if b.id and "." in b.description
                else b
                for b in bindings
            ]

    @property
    def conn(self) -> sqlite3.Connection:
        return self._db

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header(icon="⌂")
        with TabbedContent(id="tabs", initial="demande"):
            with TabPane(t("tabs.demande"), id="demande"), VerticalScroll():
                yield Static(id="summary")
            with TabPane(t("tabs.pieces"), id="pieces"):
                yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
            with TabPane(t("tabs.offres"), id="offres"):
                with Horizontal(id="offers-bar"):
                    yield Input(placeholder=t("offres.search_placeholder"), id="offers-search")
                yield Static(id="offers-count")
                yield DataTable(id="offers", cursor_type="row", zebra_stripes=True)
                with Horizontal(id="apply-bar"):
                    yield Button(t("offres.apply"), id="apply", variant="primary", disabled=True)
                    yield Static(id="apply-reason")
            with TabPane(t("tabs.candidatures"), id="candidatures"):
                yield Static(id="applications-empty")
                yield DataTable(id="applications", cursor_type="row", zebra_stripes=True)
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        t = self.t
        self.query_one("#documents", DataTable).add_columns(
            t("pieces.person"),
            t("pieces.kind"),
            t("pieces.state"),
            t("pieces.reason"),
            t("pieces.valid_until"),
        )
        self.query_one("#offers", DataTable).add_columns(
            t("offres.reference"),
            t("offres.commune"),
            "Résidence" if t.lang == "fr" else "Residence",
            t("offres.typology"),
            t("offres.surface"),
            t("offres.rent"),
            t("eligibility.column"),
            t("offres.closes"),
        )
        self.query_one("#applications", DataTable).add_columns(
            t("candidatures.offer"),
            t("candidatures.status"),
            t("candidatures.rank"),
            t("candidatures.created"),
        )
        self.refresh_views()
        if self.session is not None:
            from alin_tui.sync.loop import SyncLoop

            self.loop = SyncLoop(self.session, on_event=lambda e: self.post_message(SyncEvent(e)))
            self._run_sync_loop()

    def on_resize(self) -> None:
        self.screen.set_class(self.size.width < NARROW_WIDTH, "narrow")

    # --- actions -------------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab
        target = {"pieces": "#documents", "offres": "#offers", "candidatures": "#applications"}.get(
            tab
        )
        if target:
            self.query_one(target).focus()

    def action_search(self) -> None:
        self.action_tab("offres")
        self.query_one("#offers-search", Input).focus()

    def action_sync(self) -> None:
        """F5: a cycle now (the loop coalesces repeated asks)."""
        if self.loop is not None:
            self.loop.wake()

    @work(thread=True, exclusive=True, group="sync")
    def _run_sync_loop(self) -> None:
        """The one sync loop of this profile: drop folder, backoff, schedule."""
        self.loop.run(first_now=self.sync_on_start)

    async def sync_settled(self, timeout: float = 30.0) -> None:
        """Wait until the loop has nothing to do right now (tests; never in the app's flow)."""
        import asyncio

        if self.loop is not None:
            await asyncio.to_thread(self.loop.wait_idle, timeout)

    def on_sync_event(self, message: SyncEvent) -> None:
        from alin_tui.sync.loop import CycleStarted

        self._syncing = isinstance(message.event, CycleStarted)
        if self._syncing:
            self._show_status()
        else:
            self.refresh_views()

    # --- domain actions (queued offline, sent by the next sync) ---------------------------

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        if self._offer_id is None or self.query_one("#apply", Button).disabled:
            return
        offer_id = self._offer_id
        self._after_action(
            lambda: actions.apply(self.conn, offer_id, max_applications=self.max_applications)
        )

    def action_withdraw(self) -> None:
        table = self.query_one("#applications", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self._after_action(lambda: actions.withdraw(self.conn, str(key)))

    def action_edit_contact(self) -> None:
        from alin_tui.store import applicant
        from alin_tui.ui.screens import ContactScreen

        pulled, shown_data = applicant.load_both(self.conn)
        if pulled.demand is None:
            self.notify(self.t("refusal.demand_inactive"), severity="warning")
            return
        shown = shown_data.demand or {}
        base_version = int(pulled.demand.get("version") or 0)

        def done(changed: dict[str, str] | None) -> None:
            if changed:
                self._after_action(lambda: actions.update_demand(self.conn, changed, base_version))

        self.push_screen(ContactScreen(self.t, shown), done)

    def action_link_number(self) -> None:
        from alin_tui.ui.screens import LinkScreen

        def done(typed: str | None) -> None:
            if typed:
                self._after_action(lambda: actions.link_number(self.conn, typed))

        today = self._model.today if self._model else None
        self.push_screen(LinkScreen(self.t, today), done)

    def action_attention(self) -> None:
        from alin_tui.store import outbox
        from alin_tui.ui.screens import AttentionScreen

        rows = outbox.rows(self.conn, states=("failed", "conflict"))

        def done(choice) -> None:
            if not choice:
                return
            action, row = choice
            if action == "mine":  # the user's values again, on the current version
                self._after_action(lambda: actions.keep_mine(self.conn, row.key))
            else:
                self._after_action(lambda: actions.acknowledge(self.conn, row.key))

        self.push_screen(AttentionScreen(self.t, rows), done)

    def action_renew(self) -> None:
        self._after_action(lambda: actions.renew(self.conn))

    def action_refresh_situation(self) -> None:
        self._after_action(lambda: actions.refresh_situation(self.conn))

    def _after_action(self, do) -> None:
        """Run a local action (check + queue in one transaction) and say what happened. A write
        that fails (disk full, read-only store) queues nothing and says so."""
        t = self.t
        try:
            outcome = do()
        except sqlite3.Error as exc:
            self.notify(t("actions.failed", error=str(exc)), severity="error", timeout=10)
            return
        if outcome.refusal is not None:
            code = outcome.refusal.code
            count = len(outcome.refusal.missing) or self.max_applications
            self.notify(t(f"refusal.{code}", count=count), severity="warning")
        elif outcome.queued is not None or outcome.dropped:
            self.notify(t("actions.queued"))
        self.refresh_views()
        self.action_sync()

    # --- views ---------------------------------------------------------------------------

    def refresh_views(self) -> None:
        t = self.t
        model = self._model = views.read_screen_model(self.conn)
        name, summary = views.overview(t, model)
        self.sub_title = name
        self.query_one("#summary", Static).update(summary)
        docs = self.query_one("#documents", DataTable)
        docs.clear()
        docs.add_rows(views.documents(t, model))
        apps = self.query_one("#applications", DataTable)
        apps.clear()
        app_rows = views.application_rows(t, model)
        for key, cells in app_rows:
            apps.add_row(*cells, key=key)
        empty = self.query_one("#applications-empty", Static)
        empty.update("" if app_rows else t("candidatures.none"))
        empty.display = not app_rows
        self._load_offers()
        self._show_status()

    def _show_apply_state(self) -> None:
        if self._model is None:
            return
        enabled, sentence = views.apply_state(
            self.conn, self.t, self._model, self._offer_id, self.max_applications
        )
        self.query_one("#apply", Button).disabled = not enabled
        self.query_one("#apply-reason", Static).update(sentence)

    @on(DataTable.RowSelected, "#offers")
    def _offer_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an offer moves to the apply button: a second Enter confirms."""
        button = self.query_one("#apply", Button)
        if not button.disabled:
            button.focus()

    @on(DataTable.RowHighlighted, "#offers")
    def _offer_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._offer_id = event.row_key.value if event.row_key else None
        self._show_apply_state()

    def _show_status(self) -> None:
        status = self.query_one("#status", Static)
        line, kind = views.sync_line(self.conn, self.t, syncing=self._syncing)
        status.update(line)
        for k in ("ok", "busy", "warn", "error"):
            status.set_class(k == kind, f"-{k}")

    @on(Input.Changed, "#offers-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._query = event.value
        self._load_offers()

    def _load_offers(self) -> None:
        assert self._model is not None
        rows, total = views.offer_rows(
            self.conn, self.t, self._model, self._query, limit=OFFER_WINDOW
        )
        table = self.query_one("#offers", DataTable)
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        count = self.query_one("#offers-count", Static)
        count.update(
            self.t("offres.count", shown=len(rows), total=total) if total else self.t("offres.none")
        )

    def on_unmount(self) -> None:
        if self.loop is not None:
            self.loop.stop()
        self._db.close()
