"""The app: a thin shell around the main screen.

It holds what lives as long as the process: the translator, the store connection, the settings
that shape the screen (theme, keymap, low bandwidth), and the one sync loop of this profile, run
in a worker thread. Sync results come back as messages; the main screen re-reads the store.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from alin_tui.config import DROP_FOLDER
from alin_tui.domain import applying
from alin_tui.domain.lifecycle import RENEWAL_WINDOW_DAYS
from alin_tui.store.db import connect
from alin_tui.ui.bindings import localize
from alin_tui.ui.i18n import Translator

THEMES = {"dark": "textual-dark", "light": "textual-light", "ansi": "ansi-dark"}


class SyncEvent(Message):
    """A cycle of the sync loop started or finished (posted from the loop's thread)."""

    def __init__(self, event: Any) -> None:
        super().__init__()
        self.event = event


@dataclass(frozen=True)
class SwitchProfile:
    """What the app returns when the user opens another household from the palette: the command
    line closes this profile's session and opens the other's."""

    name: str


class KeyHandled(Message):
    """Sent behind a key to the widget that receives it; it bubbles up the same path, so when it
    reaches the app, everything that key set off (bindings, focus moves, dialogs) has run."""

    def __init__(self, serial: int) -> None:
        super().__init__()
        self.serial = serial


# After ESC, these begin a longer sequence (cursor keys, mouse, terminal replies): never a key.
_SEQUENCE_INTRODUCERS = "[O]P_\\^X"


def _esc_then_char_is_two_keys() -> None:
    """Textual reads ESC followed at once by a character as one key: Option-symbols of a Mac
    keyboard (ESC 2 → « ™ »), `alt+2`, word moves (ESC b, ESC f → ctrl+left, ctrl+right), and
    for punctuation it drops the ESC altogether (ESC ? → `?`). Nothing here is bound to Alt,
    and people who press Esc then a key quickly (or over SSH, where both arrive together) mean
    two keys: the symbol and word-move tables go, and punctuation after ESC is reported as
    `alt+…` too, which `AlinApp` splits back into Esc and the character. Idempotent."""
    from textual import events
    from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
    from textual._xterm_parser import XTermParser

    for sequence in [
        k
        for k, v in ANSI_SEQUENCES_KEYS.items()
        if len(k) == 2 and k[0] == "\x1b" and (isinstance(v, str) or k[1] in "bf")
    ]:
        del ANSI_SEQUENCES_KEYS[sequence]
    original = XTermParser._sequence_to_key_events
    if getattr(original, "esc_kept", False):
        return

    def keep_the_escape(self, sequence: str, alt: bool = False):
        if (
            len(sequence) == 2
            and sequence[0] == "\x1b"
            and (sequence[1].isprintable() or sequence[1] in "\r\t")
            and sequence[1] not in _SEQUENCE_INTRODUCERS
        ):  # Esc then a key (Entrée and Tab too), at once: said as soon as both are read
            for key in original(self, sequence[1], True):
                if not key.key.startswith("alt+"):
                    key = events.Key(f"alt+{key.key}", key.character)
                yield key
            return
        for key in original(self, sequence, alt):
            if (
                alt
                and len(sequence) == 1
                and sequence.isprintable()
                and not key.key.startswith("alt+")
            ):
                key = events.Key(f"alt+{key.key}", key.character)
            yield key

    keep_the_escape.esc_kept = True  # type: ignore[attr-defined]
    XTermParser._sequence_to_key_events = keep_the_escape  # type: ignore[method-assign]


class AlinApp(App[SwitchProfile | None]):
    CSS_PATH = "app.tcss"
    TITLE = "alin-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "keys.quit", id="quit", priority=True),
        Binding("ctrl+c", "help_quit", show=False, id="help-quit", system=True),
    ]

    def __init__(
        self,
        store_path: Path | None,
        *,
        session: Any | None = None,
        lang: str = "fr",
        sync_on_start: bool = True,
        max_applications: int = applying.DEFAULT_MAX_APPLICATIONS,
        renewal_window_days: int = RENEWAL_WINDOW_DAYS,
        theme: str | None = None,
        low_bandwidth: bool = False,
        keymap: dict[str, str] | None = None,
        drop_folder: Path | None = None,
        staging: Path | None = None,
        attach_start: Path | None = None,
        attach_root: Path | None = None,
        profile: str = "default",
        profiles: tuple[str, ...] = (),
    ) -> None:
        self.t = Translator(lang)
        self.profile = profile  # the household open; the palette offers the others
        self.profiles = tuple(profiles)
        super().__init__()
        self.store_path = store_path
        folder = store_path.parent if store_path is not None else Path()
        self.drop_folder = drop_folder or folder / DROP_FOLDER
        self.staging = staging or getattr(session, "staging", None) or folder / "staging"
        self.attach_start = attach_start  # where the file picker opens (None: the home folder)
        self.attach_root = attach_root  # a kiosk limits the picker to one folder
        self._status_shown_at = 0.0
        self.session = session
        self.sync_on_start = sync_on_start
        self.max_applications = max_applications
        self.renewal_window_days = (
            renewal_window_days  # when renewal opens (DOMAIN.md: unconfirmed)
        )
        self.low_bandwidth = low_bandwidth
        self.wanted_theme = THEMES.get(theme or "dark", "textual-dark")
        self.wanted_keymap = dict(keymap or {})
        # A kiosk opens its store per visit (`ui/kiosk.py`); the app otherwise has one store.
        self._db = connect(store_path) if store_path is not None else None
        self._sync_thread = None
        self.syncing = False
        self.loop = None
        localize(self, self.t)
        table = self._bindings.key_to_bindings
        for key, bindings in table.items():  # Textual's own palette binding, in our words
            table[key] = [
                replace(b, description=self.t("keys.palette"), tooltip="")
                if b.action == "command_palette"
                else b
                for b in bindings
            ]
        if low_bandwidth:
            self.animation_level = "none"
        if self.no_color:  # NO_COLOR: no colour at all (bold stays), not greys of low contrast
            from textual.filter import Monochrome, NoColor

            self._filters = [NoColor() if isinstance(f, Monochrome) else f for f in self._filters]
        _esc_then_char_is_two_keys()
        self._keys_waiting: deque[events.Event] = deque()
        self._key_in_flight: int | None = None
        self._key_serial = 0
        self._stack_at_key: list = []

    @property
    def conn(self) -> sqlite3.Connection:
        assert self._db is not None
        return self._db

    def get_default_screen(self) -> Screen:
        from alin_tui.ui.main import MainScreen

        return MainScreen()

    @property
    def main(self):
        """The main screen (the bottom of the stack, under any dialog)."""
        return self.screen_stack[0]

    def on_mount(self) -> None:
        self.theme = self.wanted_theme
        if self.wanted_keymap:
            self._apply_keymap(self.wanted_keymap)
        if self.session is not None:
            self.start_sync(self.session)

    def start_sync(self, session: Any) -> None:
        """The one sync loop of `session`'s profile, started in its thread."""
        from alin_tui.sync.loop import SyncLoop

        self.session = session
        self.loop = SyncLoop(session, on_event=lambda e: self.post_message(SyncEvent(e)))
        self._run_sync_loop()

    def stop_sync(self, wait: float = 1.5) -> None:
        """Stop the sync loop; a cycle under way may finish its write, `wait` seconds at most."""
        thread = self.detach_sync()
        if thread is not None:
            thread.join(timeout=wait)

    def detach_sync(self) -> Any:
        """Tell the sync loop to stop and forget it; its thread (or None), for the caller to
        wait on where waiting does not hold up the screen."""
        loop, thread = self.loop, self._sync_thread
        self.loop = None
        self._sync_thread = None
        if loop is None:
            return None
        loop.stop()
        return thread

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        known = binding_ids()
        unknown = sorted(set(keymap) - known)
        self.set_keymap({k: v for k, v in keymap.items() if k in known})
        if unknown:
            self.notify(
                self.t("keymap.unknown", ids=", ".join(unknown), known=", ".join(sorted(known))),
                severity="warning",
                timeout=15,
            )

    # --- keys, one at a time -----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal are handled one after the other: the next one is
        delivered only once the previous one has run everywhere it goes. Textual would otherwise
        post each key to the widget focused when it arrives, so a key typed right after `/`
        would go to the list, not to the search field that `/` focuses."""
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if self._key_in_flight is not None or self._keys_waiting:
                self._keys_waiting.append(event)
                return
            if not self.screen.is_mounted:  # a dialog just pushed: its field takes focus on mount
                self._keys_waiting.append(event)
                self.set_timer(0.02, self._deliver_soon)
                return
            await self._deliver(event)
            return
        await super().on_event(event)

    async def _deliver(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.key.startswith("alt+") and event.character:
            # Esc then a character, read as one key by the terminal parser: two keys.
            char = event.character
            name = char if char.isalnum() else event.key.removeprefix("alt+")
            self._keys_waiting.appendleft(events.Key(name, char))
            event = events.Key("escape", "\x1b")
        target = self.focused or self.screen
        self._stack_at_key = list(self.screen_stack)
        await super().on_event(event)
        if event.is_forwarded:
            self._key_serial += 1
            self._key_in_flight = self._key_serial
            if not target.post_message(KeyHandled(self._key_serial)):
                self._release(self._key_serial)
            else:
                # A key that closes its own widget never reports back: do not wait forever.
                self.set_timer(0.5, lambda serial=self._key_serial: self._release(serial))
        else:
            self._release(None)

    @on(KeyHandled)
    def _key_handled(self, message: KeyHandled) -> None:
        message.stop()
        self._release(message.serial)

    def _release(self, serial: int | None) -> None:
        if serial is not None and serial != self._key_in_flight:
            return
        self._key_in_flight = None
        if self._keys_waiting:
            if self.screen_stack != self._stack_at_key:
                # The key opened or closed a screen: what a dialog's answer does (open the next
                # one, move the focus) runs from its own queue; the next key waits for it.
                self.set_timer(0.03, self._deliver_soon)
            else:
                self.call_next(self._deliver_next)

    async def _deliver_next(self) -> None:
        if self._key_in_flight is None and self._keys_waiting:
            if not self.screen.is_mounted:
                # A screen pushed by the last key (a dialog) is not ready: its first field gets
                # the focus when it mounts, and the next key belongs there, not to nowhere.
                self.set_timer(0.02, self._deliver_soon)
                return
            await self._deliver(self._keys_waiting.popleft())

    def _deliver_soon(self) -> None:
        self.call_next(self._deliver_next)

    # --- sync -----------------------------------------------------------------------------

    def action_sync(self) -> None:
        """F5: a cycle now (the loop coalesces repeated asks)."""
        if self.loop is not None:
            self.loop.wake()

    def _run_sync_loop(self) -> None:
        """The one sync loop of this profile (drop folder, backoff, schedule), in a daemon
        thread: quitting never waits for a request a slow or silent server leaves hanging
        (SQLite keeps the store whole if the process ends mid-write, as after a kill)."""
        import threading

        loop = self.loop
        thread = threading.Thread(
            target=lambda: loop.run(first_now=self.sync_on_start),
            name="alin-sync",
            daemon=True,
        )
        self._sync_thread = thread
        thread.start()

    async def sync_settled(self, timeout: float = 30.0) -> None:
        """Wait until the loop has nothing to do right now (tests; never in the app's flow)."""
        import asyncio

        if self.loop is not None:
            await asyncio.to_thread(self.loop.wait_idle, timeout)
        await self.screens_settled()

    async def screens_settled(self) -> None:
        """Wait for the searches under way (tests; the sync loop's worker never completes)."""
        import contextlib

        from textual.worker import WorkerCancelled

        for worker in [w for w in self.workers if w.group != "sync"]:
            with contextlib.suppress(WorkerCancelled):  # a search made stale by a newer one
                await worker.wait()

    def on_sync_event(self, message: SyncEvent) -> None:
        import time

        from alin_tui.sync.loop import CycleStarted, UploadProgress

        if not self.screen_stack:  # an event that arrives while the app is closing
            return
        main = self.main
        if not hasattr(main, "refresh_views"):  # a kiosk's welcome: the visit has ended
            return
        event = message.event
        self.syncing = isinstance(event, CycleStarted) or (
            self.syncing and isinstance(event, UploadProgress)
        )
        if not main.is_mounted:
            return  # the screen's own first refresh comes with its mount
        if isinstance(event, UploadProgress):
            from alin_tui.ui.components.pieces import PiecesPane

            if not main.query_one(PiecesPane).progress(event.local_id, event.sent, event.total):
                main.refresh_views()  # a document taken in during this cycle: show its bar
            now = time.monotonic()
            if now - self._status_shown_at > 0.25:  # the total, a few times a second at most
                self._status_shown_at = now
                main.show_status()
            return
        if self.syncing:
            main.show_status()
            return
        report = getattr(event, "report", None)
        main.refresh_views(offers_changed=bool(report is not None and report.changes))
        main.alert_new_offers()  # offers arrived for a saved search: announced once each
        main.documents.announce()
        if report is not None and report.dropped.waiting:
            main.documents.writing(report.dropped.waiting)

    def action_help_quit(self) -> None:
        self.notify(self.t("keys.how_to_quit"))

    def get_key_display(self, binding: Binding) -> str:
        """Keys named by a word in the user's language (« Échap », « Espace »); symbols and
        Ctrl as Textual shows them (⏎, ^p), short enough for a footer at 80 columns."""
        if binding.key_display:
            return binding.key_display
        modifiers, key = binding.parse_key()
        if key[:1] == "f" and key[1:].isdigit():  # function keys as printed on the keyboard
            return "+".join([*modifiers, key.upper()])
        name = f"key_names.{key}"
        if not self.t.has(name):
            return super().get_key_display(binding)
        return "+".join([*modifiers, self.t(name)])

    # --- command palette: the app's own actions, in the user's language ---------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from alin_tui.ui.main import MainScreen

        t = self.t
        main = self.main
        if not isinstance(main, MainScreen):
            return
        for tab in ("demande", "pieces", "offres", "candidatures"):
            yield SystemCommand(
                t(f"tabs.{tab}"), t("palette.tab"), lambda tab=tab: main.action_tab(tab)
            )
        for action, key in (
            (main.action_search, "search"),
            (self.action_sync, "sync"),
            (main.action_contact, "contact"),
            (main.action_link_number, "link"),
            (main.action_renew, "renew"),
            (main.action_refresh_situation, "refresh"),
            (main.action_attention, "attention"),
            (main.action_help, "help"),
        ):
            yield SystemCommand(t(f"keys.{key}"), t(f"palette.{key}"), action)
        from alin_tui.ui.components.offres import OffresPane

        offres = main.query_one(OffresPane)

        def in_offres(action):
            def run() -> None:
                main.action_tab("offres")
                action()

            return run

        for action, key in (
            (offres.action_filters, "filters"),
            (offres.action_sort, "sort"),
            (offres.action_eligible, "eligible"),
            (offres.action_territory, "territory"),
        ):
            yield SystemCommand(t(f"keys.{key}"), t(f"palette.{key}"), in_offres(action))
        yield SystemCommand(
            t("saved.key_save"), t("palette.save_search"), in_offres(offres.action_save_search)
        )
        yield SystemCommand(
            t("saved.key_open"),
            t("palette.saved_searches"),
            in_offres(offres.action_saved_searches),
        )
        yield from self._commands_on_what_is_chosen(main, offres)
        if main.model is not None:
            from alin_tui.ui import views

            for app in main.model.applications:
                if app.get("status") in applying.OPEN_STATUSES:
                    offer = main.model.offers_of_applications.get(app.get("offer_id", ""))
                    title = views.offer_title(t, offer)
                    yield SystemCommand(
                        t("palette.withdraw", offer=title),
                        t("palette.withdraw_help"),
                        lambda a=app["id"]: main.ask_withdraw(a),
                    )
        for name in self.profiles:
            if name != self.profile:
                yield SystemCommand(
                    t("palette.profile", name=name),
                    t("palette.profile_help", current=self.profile),
                    lambda name=name: self.exit(SwitchProfile(name)),
                )
        yield SystemCommand(t("keys.quit"), t("palette.quit"), self.action_quit)

    def _commands_on_what_is_chosen(self, main, offres) -> Iterable[SystemCommand]:
        """The offer under the cursor in Offres and the piece under the cursor in Pièces, each
        bound to its id when the palette opens (a refresh meanwhile cannot change it)."""
        from alin_tui.store import offers as offer_store
        from alin_tui.ui import views
        from alin_tui.ui.components.pieces import PiecesPane

        t = self.t
        offer_id = offres.list.row_at_cursor()
        offer = offer_store.get(main.conn, offer_id) if offer_id else None
        if offer_id and offer is not None:
            title = views.offer_title(t, offer)
            yield SystemCommand(
                t("palette.open_offer", offer=title),
                t("palette.open_offer_help"),
                lambda: main.open_offer(offer_id),
            )
            yield SystemCommand(
                t("palette.apply", offer=title),
                t("palette.apply_help"),
                lambda: main.ask_apply(offer_id),
            )
        row = main.query_one(PiecesPane).selected()
        documents = getattr(main, "documents", None)
        if row is not None and documents is not None:
            piece = f"{row.piece.plain} — {row.person.plain}"
            detail = dict(row.detail)
            for key, act in (
                ("piece_open", documents.open),
                ("piece_attach", documents.attach),
                ("piece_remove", documents.remove),
            ):
                yield SystemCommand(
                    t(f"palette.{key}", piece=piece),
                    t("palette.piece_help"),
                    lambda act=act: act(detail),
                )

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                _palette_class()(
                    id="--command-palette",
                    placeholder=self.t("palette.placeholder"),
                    no_match=self.t("palette.no_match"),
                )
            )

    def on_unmount(self) -> None:
        self.stop_sync()
        if self._db is not None:
            self._db.close()


def _palette_class() -> type:
    """Textual's command palette, saying « Aucune commande ne correspond » in the user's
    language instead of its English "No matches found" (written inside a private method of
    Textual 8.2, which is pinned exactly: this copy follows it, with our words)."""
    from rich.align import Align
    from rich.style import Style
    from rich.text import Text
    from textual.command import CommandList, CommandPalette
    from textual.widgets.option_list import Option

    class Palette(CommandPalette):
        def __init__(self, *args: Any, no_match: str, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.no_match = no_match

        def _start_no_matches_countdown(self, search_value: str) -> None:
            self._stop_no_matches_countdown()

            def show() -> None:
                if search_value:
                    self.query_one(CommandList).add_option(
                        Option(
                            Align.center(Text(self.no_match, style=Style(bold=False))),
                            disabled=True,
                            id=self._NO_MATCHES,
                        )
                    )
                    self._list_visible = True
                else:
                    self._list_visible = False

            self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)

    return Palette


def binding_classes() -> tuple[type, ...]:
    """Every class that declares bindings a user may press (and a keymap may name)."""
    from alin_tui.ui import dialogs, offer_detail, renewal
    from alin_tui.ui.components import candidatures, offer_list, offres, pieces
    from alin_tui.ui.main import MainScreen

    return (
        AlinApp,
        MainScreen,
        offres.OffresPane,
        offres.SearchInput,
        offer_list.OfferList,
        pieces.PiecesPane,
        candidatures.CandidaturesPane,
        dialogs.Dialog,
        dialogs.ConfirmDialog,
        dialogs.SlotDialog,
        offer_detail.OfferScreen,
        renewal.RenewalWizard,
    )


def binding_ids() -> set[str]:
    """Every binding id a keymap may name."""
    from alin_tui.ui.bindings import ids_of

    return ids_of(*binding_classes())
