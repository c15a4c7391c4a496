"""The main screen: the four tabs (one component each), the status line and the keys.

It reads the one read model per refresh and hands it to each tab; it turns what the user chose
(an offer opened, an application to withdraw) into a confirmation, then a store action. Actions
carry the id of the item the user opened or had under the cursor when pressing the key, never a
position a refresh may move.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane

from alin_tui.store import actions
from alin_tui.store import offers as offer_store
from alin_tui.ui import views
from alin_tui.ui.bindings import localize
from alin_tui.ui.components.candidatures import CandidaturesPane
from alin_tui.ui.components.demande import DemandePane
from alin_tui.ui.components.offer_list import OfferList
from alin_tui.ui.components.offres import OffresPane
from alin_tui.ui.components.pieces import PiecesPane
from alin_tui.ui.components.status import StatusLine

TABS = ("demande", "pieces", "offres", "candidatures")


class MainScreen(Screen[None]):
    # Keys that no widget takes are plain bindings (digits and `/` type into the search field
    # while it has focus, and switch tabs or search everywhere else); control keys that a text
    # field would take for editing are priority bindings, so they work whichever widget has focus.
    BINDINGS = [
        Binding("1", "tab('demande')", "tabs.demande", show=False, id="tab-demande"),
        Binding("2", "tab('pieces')", "tabs.pieces", show=False, id="tab-pieces"),
        Binding("3", "tab('offres')", "tabs.offres", show=False, id="tab-offres"),
        Binding("4", "tab('candidatures')", "tabs.candidatures", show=False, id="tab-candidatures"),
        Binding("slash", "search", "keys.search", id="search"),
        Binding("question_mark", "help", "keys.help", id="help"),
        Binding("f1", "help", "keys.help", show=False, id="help-f1", priority=True),
        Binding("f5", "sync", "keys.sync", id="sync", priority=True),
        Binding("ctrl+r", "sync", "keys.sync", show=False, id="sync-alt", priority=True),
        Binding("ctrl+e", "contact", "keys.contact", show=False, id="contact", priority=True),
        Binding("ctrl+a", "attention", "keys.attention", show=False, id="attention", priority=True),
        Binding("ctrl+l", "link_number", "keys.link", show=False, id="link", priority=True),
        Binding("ctrl+n", "renew", "keys.renew", show=False, id="renew", priority=True),
        Binding(
            "ctrl+u", "refresh_situation", "keys.refresh", show=False, id="refresh", priority=True
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.t = self.app.t
        localize(self, self.t)
        self.model: views.ScreenModel | None = None
        from alin_tui.ui.documents import Documents

        self.documents = Documents(self)  # before any sync event can ask for a refresh

    @property
    def conn(self) -> sqlite3.Connection:
        return self.app.conn

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header(icon="⌂")
        with TabbedContent(id="tabs", initial="demande"):
            with TabPane(t("tabs.demande"), id="demande"):
                yield DemandePane(t, id="demande-pane")
            with TabPane(t("tabs.pieces"), id="pieces"):
                yield PiecesPane(t, id="pieces-pane")
            with TabPane(t("tabs.offres"), id="offres"):
                yield OffresPane(t, self.app.store_path, id="offres-pane")
            with TabPane(t("tabs.candidatures"), id="candidatures"):
                yield CandidaturesPane(t, id="candidatures-pane")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_views(offers_changed=True)
        self.set_focus(self.query_one(DemandePane))

    # --- refresh --------------------------------------------------------------------------

    def refresh_views(self, *, offers_changed: bool = False) -> None:
        """Read the model once and give it to every tab; each updates only what changed."""
        t, app = self.t, self.app
        model = self.model = views.read_screen_model(self.conn, self.app.renewal_window_days)
        profile = getattr(self.app, "profile", "default")
        self.app.sub_title = views.applicant_name(t, model) + (
            f" · {profile}" if profile != "default" else ""
        )
        self.query_one(DemandePane).show(model)
        self.query_one(PiecesPane).show(model, self.documents.unsorted())
        self.query_one(CandidaturesPane).show(model)
        hint = views.apply_state(self.conn, t, model, None, app.max_applications)
        self.query_one(OffresPane).show(self.conn, model, hint, offers_changed=offers_changed)
        self.show_status()

    @on(OffresPane.NewOffers)
    def _new_offers(self, event: OffresPane.NewOffers) -> None:
        """« Offres (3) »: the offers new to the saved searches, on the tab's label."""
        from textual.content import Content

        t = self.t
        label = t("saved.tab", tab=t("tabs.offres"), count=event.count) if event.count else None
        self.query_one(TabbedContent).get_tab("offres").label = Content(label or t("tabs.offres"))

    def alert_new_offers(self) -> None:
        """After a sync: announce the offers that arrived for a saved search (once each)."""
        self.query_one(OffresPane).check_alerts(notify=True)

    def show_status(self) -> None:
        line, kind = views.sync_line(self.conn, self.t, syncing=self.app.syncing)
        for status in self.query(StatusLine):  # none yet while the screen is being composed
            status.show(line, kind)

    # --- navigation -----------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        """Switch tab and move the focus at once, before the next key is read."""
        self.query_one(TabbedContent).active = tab
        target = {
            "demande": DemandePane,
            "pieces": PiecesPane,
            "offres": OfferList,
            "candidatures": CandidaturesPane,
        }[tab]
        widget = self.query_one(target)
        if isinstance(widget, PiecesPane | CandidaturesPane):
            widget = widget.table
        self.set_focus(widget)

    def action_search(self) -> None:
        """`/`: the search field, its text selected, so that typing starts a new search."""
        self.query_one(TabbedContent).active = "offres"
        self.query_one(OffresPane).focus_search(select=True)

    def action_sync(self) -> None:
        self.app.action_sync()

    def action_help(self) -> None:
        from alin_tui.ui.bindings import ids_of
        from alin_tui.ui.help import HelpScreen, describe

        t = self.t
        tab = self.query_one(TabbedContent).active
        pane = {
            "demande": DemandePane,
            "pieces": PiecesPane,
            "offres": OffresPane,
            "candidatures": CandidaturesPane,
        }[tab]
        here = list(self.query_one(pane)._bindings.key_to_bindings.values())
        here_bindings = [b for group in here for b in group]
        if tab == "offres":
            here_bindings += [
                b
                for group in self.query_one(OfferList)._bindings.key_to_bindings.values()
                for b in group
            ]
        nav = [(t("help.digits"), t("help.digits_text")), (t("help.esc"), t("help.esc_text"))]
        own = ids_of(type(self), type(self.app), pane, OfferList)
        everywhere = [
            b
            for node in (self, self.app)
            for group in node._bindings.key_to_bindings.values()
            for b in group
            if b.id in own and not (b.id or "").startswith("tab-")
        ]
        here_bindings = [b for b in here_bindings if b.id in own]
        sections = [
            (t("help.this_tab", tab=t(f"tabs.{tab}")), describe(self.app, t, here_bindings)),
            (t("help.everywhere"), nav + describe(self.app, t, everywhere)),
        ]
        if tab == "offres":  # what the marks of the list mean
            legend = [
                (t("help.mark_territory"), t("help.mark_territory_text")),
                (t("help.mark_fresh"), t("help.mark_fresh_text")),
                (t("help.mark_soon"), t("help.mark_soon_text")),
                (t("help.mark_applied"), t("help.mark_applied_text")),
            ]
            sections.insert(1, (t("help.marks"), legend))
        self.app.push_screen(HelpScreen(t, sections))

    # --- what the user chose --------------------------------------------------------------

    @on(OfferList.Opened)
    def _open_offer(self, event: OfferList.Opened) -> None:
        self.open_offer(event.offer_id)

    @on(CandidaturesPane.OpenOffer)
    def _open_offer_of_application(self, event: CandidaturesPane.OpenOffer) -> None:
        self.open_offer(event.offer_id)

    def open_offer(self, offer_id: str) -> None:
        from alin_tui.ui.offer_detail import OfferScreen

        offer = offer_store.get(self.conn, offer_id)
        if offer is None or self.model is None:
            self.notify(self.t("candidatures.offer_gone"), severity="warning")
            return
        can = views.apply_state(self.conn, self.t, self.model, offer_id, self.app.max_applications)

        def done(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            kind, target = choice
            if kind == "apply":
                self.ask_apply(target)
            else:
                self.ask_withdraw(target)

        self.app.push_screen(OfferScreen(self.t, offer, self.model, can), done)

    @on(OffresPane.Apply)
    def _apply_from_list(self, event: OffresPane.Apply) -> None:
        self.ask_apply(event.offer_id)

    @on(CandidaturesPane.Withdraw)
    def _withdraw_from_list(self, event: CandidaturesPane.Withdraw) -> None:
        self.ask_withdraw(event.application_id)

    def ask_apply(self, offer_id: str) -> None:
        """Confirm, then queue the application to `offer_id` (the offer the user chose)."""
        from alin_tui.ui.dialogs import ConfirmDialog

        t = self.t
        offer = offer_store.get(self.conn, offer_id)
        assert self.model is not None
        enabled, sentence = views.apply_state(
            self.conn, t, self.model, offer_id, self.app.max_applications
        )
        if not enabled:
            self.app.clear_notifications()
            self.notify(sentence, severity="warning", timeout=6)
            return
        title = views.offer_title(t, offer)
        self._confirm(
            ConfirmDialog(
                t, t("confirm.apply_title"), t("confirm.apply_body", offer=title), t("offres.apply")
            ),
            lambda: actions.apply(self.conn, offer_id, max_applications=self.app.max_applications),
            t("done.applied", offer=title),
        )

    def ask_withdraw(self, application_id: str) -> None:
        from alin_tui.ui.dialogs import ConfirmDialog

        t = self.t
        assert self.model is not None
        app = next((a for a in self.model.applications if a["id"] == application_id), None)
        if app is None:
            return
        if app.get("status") not in ("submitted", "transmitted", "examined"):
            self.notify(t("confirm.not_withdrawable", status=views.application_status(t, app)))
            return
        offer = self.model.offers_of_applications.get(app.get("offer_id", ""))
        title = views.offer_title(t, offer)
        body = t(
            "confirm.withdraw_queued_body" if app.get("_pending") else "confirm.withdraw_body",
            offer=title,
        )
        self._confirm(
            ConfirmDialog(t, t("confirm.withdraw_title"), body, t("keys.withdraw")),
            lambda: actions.withdraw(self.conn, application_id),
            t("done.withdrawn", offer=title),
        )

    def _confirm(self, dialog, do: Callable[[], actions.Outcome], said: str) -> None:
        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.run_action_now(do, said)

        self.app.push_screen(dialog, done)

    # --- actions on the demand --------------------------------------------------------------

    def action_contact(self) -> None:
        from alin_tui.store import applicant
        from alin_tui.ui.dialogs import ContactDialog

        pulled, shown_data = applicant.load_both(self.conn)
        if pulled.demand is None:
            self.notify(self.t("contact.no_demand"), severity="warning")
            return
        shown = shown_data.demand or {}
        base_version = int(pulled.demand.get("version") or 0)

        def done(changed: dict[str, str] | None) -> None:
            if changed:
                self.run_action_now(
                    lambda: actions.update_demand(self.conn, changed, base_version),
                    self.t("actions.queued"),
                )

        self.app.push_screen(ContactDialog(self.t, shown), done)

    def action_link_number(self) -> None:
        from alin_tui.ui.dialogs import LinkDialog

        def done(typed: str | None) -> None:
            if typed:
                self.run_action_now(
                    lambda: actions.link_number(self.conn, typed), self.t("actions.queued")
                )

        today = self.model.today if self.model else None
        link = self.model.link if self.model else None
        demand = self.model.demand if self.model else None
        linked = link.nur if link is not None and link.state == "linked" else None
        own = demand.nur if demand is not None else None
        claim = demand is None and link is not None and link.origin == "alin" and bool(link.nur)
        if demand is not None and demand.status == "radiated":
            reason = self.t("refusal.demand_inactive")
            self.notify(self.t("actions.refused", reason=reason), severity="warning", timeout=6)
            return
        self.app.push_screen(LinkDialog(self.t, today, linked, own, claim), done)

    def action_attention(self) -> None:
        from alin_tui.store import outbox
        from alin_tui.sync.dropfolder import mark_seen, unseen_refusals
        from alin_tui.ui.dialogs import AttentionDialog

        rows = outbox.rows(self.conn, states=("failed", "conflict"))
        files = unseen_refusals(self.conn)

        def done(choice) -> None:
            if not choice:
                return
            what, row = choice
            if what == "seen":
                mark_seen(self.conn, row["id"])
                self.refresh_views()
                if len(rows) + len(files) > 1:
                    self.action_attention()  # the others still to read
                return
            if what == "mine":  # the user's values again, on the current version
                self.run_action_now(
                    lambda: actions.keep_mine(self.conn, row.key), self.t("actions.queued")
                )
            else:
                self.run_action_now(lambda: actions.acknowledge(self.conn, row.key), None)

        names = {r.key: views.operation_words(self.t, self.conn, r.name, r.args) for r in rows}
        self.app.push_screen(AttentionDialog(self.t, rows, files, names), done)

    def action_renew(self) -> None:
        """Renewing is an official act on the national file: a walkthrough first (the household,
        the income, the contact details, the identity document, then what it does)."""
        from alin_tui.ui.renewal import RenewalWizard

        t = self.t
        refusal = actions.renew_refusal(self.conn)
        if refusal is not None and self.model is not None:  # say it now, not after a "yes"
            reason = views.refusal_text(t, refusal, self.model)
            self.notify(t("actions.refused", reason=reason), severity="warning", timeout=6)
            return

        def edit_contact(changed: dict[str, str], base_version: int) -> None:
            self.run_action_now(
                lambda: actions.update_demand(self.conn, changed, base_version),
                t("actions.queued"),
            )

        def done(renew: bool | None) -> None:
            if renew:
                self.run_action_now(lambda: actions.renew(self.conn), t("actions.queued"))

        wizard = RenewalWizard(
            t,
            views.read_screen_model(self.conn, self.app.renewal_window_days),  # as it is now
            self.conn,
            window_days=self.app.renewal_window_days,
            edit_contact=edit_contact,
        )
        self.app.push_screen(wizard, done)

    def action_refresh_situation(self) -> None:
        """Ctrl+U (a readline key too): what it sends cannot be called back, so it asks first."""
        from alin_tui.ui.dialogs import ConfirmDialog

        t = self.t
        self._confirm(
            ConfirmDialog(
                t,
                t("confirm.refresh_title"),
                t("confirm.refresh_body"),
                t("confirm.refresh_button"),
            ),
            lambda: actions.refresh_situation(self.conn),
            t("actions.queued"),
        )

    def run_action_now(self, do: Callable[[], actions.Outcome], said: str | None) -> None:
        """Run a local action (check + queue in one transaction) and say what happened. A write
        that fails (disk full, read-only store) queues nothing and says so."""
        t = self.t
        try:
            outcome = do()
        except sqlite3.Error as exc:
            self.notify(t("actions.failed", error=str(exc)), severity="error", timeout=10)
            return
        if outcome.refusal is not None:
            assert self.model is not None
            reason = views.refusal_text(t, outcome.refusal, self.model)
            self.notify(t("actions.refused", reason=reason), severity="warning", timeout=6)
        elif outcome.unknown is not None:
            self.notify(t("candidatures.offer_gone"), severity="warning")
        elif (outcome.queued is not None or outcome.dropped) and said:
            self.notify(said)
        self.refresh_views(offers_changed=True)  # the list marks the offers applied to
        self.app.action_sync()
