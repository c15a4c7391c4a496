"""The kiosk: the app on a demonstration terminal (or in a browser, `alin-tui web`), used by
strangers one after the other.

A welcome screen explains the three starting situations (DOMAIN.md) and lets the visitor try each
on a fictitious household. Trying one opens a *visit*: a fresh folder (`kiosk.KioskFolder`) with its
own embedded sandbox, store and drop folder, synced once before the app shows. A visit ends when
the visitor presses Ctrl+Q (after a confirmation), or after `kiosk_idle_seconds` with no key,
click or paste (a warning comes first): its folder is deleted and the welcome returns, so the
next visitor starts clean. Quitting and suspending the program are in the operator's menu,
opened by the keys of `kiosk_admin_keys` typed in a row.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from alin_tui.ui.app import AlinApp
from alin_tui.ui.bindings import localize
from alin_tui.ui.dialogs import ConfirmDialog, Dialog
from alin_tui.ui.i18n import Translator

ADMIN_KEYS_WITHIN = 4.0  # seconds in which the operator's keys must be typed
WARN_BEFORE = 20  # seconds of warning before an idle visit is wiped (a third of a short timeout)
_SITUATION_WORDS = {
    1: ("kiosk.situation_1_name", "kiosk.situation_1_text"),
    2: ("kiosk.situation_2_name", "kiosk.situation_2_text"),
    3: ("kiosk.situation_3_name", "kiosk.situation_3_text"),
}
_STORAGE_WORDS = {"disk_full": "kiosk.disk_full", "read_only": "kiosk.read_only"}
# What counts as someone being there: a key, a paste, a click, the wheel, the mouse moving.
_INPUT = (
    events.Key,
    events.Paste,
    events.MouseDown,
    events.MouseMove,
    events.MouseScrollDown,
    events.MouseScrollUp,
)
ADMIN_MENU_SECONDS = 30  # the operator's menu closes itself when left open this long


def visitor_keys(keymap: dict[str, str]) -> set[str]:
    """Every key the app binds for the people using it (shown in its footer, its help, its
    keymap): the operator's keys must be none of them."""
    from textual.app import App

    from alin_tui.ui.app import binding_classes

    keys = {"ctrl+p"}  # the command palette
    for cls in (*binding_classes(), KioskApp, WelcomeScreen, AdminDialog, App):
        for binding in getattr(cls, "BINDINGS", ()):
            if isinstance(binding, Binding):
                keys.update(key.strip() for key in binding.key.split(","))
    for remapped in keymap.values():
        keys.update(key.strip() for key in remapped.split(","))
    return keys


def duration_words(t: Translator, seconds: int) -> str:
    """« 3 minutes », « 1 minute 30 », « 45 secondes »."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return t("kiosk.seconds", count=rest)
    words = t("kiosk.minutes", count=minutes) if minutes > 1 else t("kiosk.minute")
    return words if not rest else t("kiosk.minutes_seconds", minutes=words, seconds=rest)


class WelcomeScreen(Screen):
    """The three starting situations, each with a button that opens a visit in it."""

    DEFAULT_CSS = """
    WelcomeScreen { align: center top; }
    WelcomeScreen > VerticalScroll { width: 100; max-width: 100%; height: 1fr; padding: 0 1; }
    WelcomeScreen .title { text-style: bold; color: $accent; }
    WelcomeScreen .intro { margin-bottom: 1; }
    WelcomeScreen .situation { height: auto; margin-bottom: 1; }
    WelcomeScreen .situation Button { margin-right: 2; min-width: 14; }
    WelcomeScreen .situation .words { width: 1fr; height: auto; }
    WelcomeScreen .situation .name { text-style: bold; }
    WelcomeScreen.-short .intro { display: none; }
    WelcomeScreen.-short .situation { margin-bottom: 0; }
    WelcomeScreen .footer-note {
        dock: bottom; height: auto; width: 100%; padding: 0 1; background: $boost;
    }
    WelcomeScreen #kiosk-status { color: $warning; height: auto; }
    """
    BINDINGS = [
        Binding("1", "try(1)", "kiosk.try_1", show=False, id="kiosk-try-1"),
        Binding("2", "try(2)", "kiosk.try_2", show=False, id="kiosk-try-2"),
        Binding("3", "try(3)", "kiosk.try_3", show=False, id="kiosk-try-3"),
        Binding("down,j", "move(1)", show=False),
        Binding("up,k", "move(-1)", show=False),
    ]

    def __init__(self, t: Translator, idle_seconds: int) -> None:
        super().__init__()
        self.t = t
        self.idle_seconds = idle_seconds
        localize(self, t)

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll():
            yield Static(t("kiosk.welcome_title"), classes="title")
            yield Static(t("kiosk.welcome_intro"), classes="intro")
            for n in _SITUATION_WORDS:
                with Horizontal(classes="situation"):
                    yield Button(
                        t("kiosk.try", number=n), id=f"try-{n}", variant="primary", compact=True
                    )
                    with Vertical(classes="words"):
                        yield Static(t(_SITUATION_WORDS[n][0]), classes="name")
                        yield Static(t(_SITUATION_WORDS[n][1]))
            yield Static(id="kiosk-status")
        yield Static(
            t("kiosk.welcome_note", idle=duration_words(t, self.idle_seconds)),
            classes="footer-note",
        )

    def on_mount(self) -> None:
        self.query_one("#try-1", Button).focus()

    def on_resize(self, event: events.Resize) -> None:
        # Below 24 rows (a small browser window), the introduction gives way to the three
        # situations, so that all three are seen without scrolling.
        self.set_class(event.size.height < 24, "-short")

    def action_move(self, step: int) -> None:
        self.focus_next() if step > 0 else self.focus_previous()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        number = int((event.button.id or "try-0").removeprefix("try-"))
        self.action_try(number)

    def action_try(self, number: int) -> None:
        app = self.app
        if isinstance(app, KioskApp):
            app.start_visit(number)

    def say(self, words: str) -> None:
        for status in self.query("#kiosk-status").results(Static):
            status.update(Text(words))

    def reset(self) -> None:
        """As the next visitor finds it: no message, the first situation focused."""
        self.say("")
        for button in self.query("#try-1").results(Button):
            button.focus()


class AdminDialog(Dialog[str | None]):
    """The operator's menu: quit the kiosk, suspend it (in a terminal), start over, or cancel;
    each with its letter (q, s, r) as well as its button."""

    BINDINGS = [
        Binding("q", "choose('quit')", "kiosk.admin_quit", id="kiosk-admin-quit"),
        Binding("s", "choose('suspend')", "kiosk.admin_suspend", id="kiosk-admin-suspend"),
        Binding("r", "choose('restart')", "kiosk.admin_restart", id="kiosk-admin-restart"),
    ]

    def __init__(self, t: Translator, can_suspend: bool) -> None:
        super().__init__(t)
        self.can_suspend = can_suspend

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(t("kiosk.admin_title"), classes="title")
            body = t("kiosk.admin_body")
            yield Static(body + (" " + t("kiosk.admin_body_suspend") if self.can_suspend else ""))
            with Horizontal(classes="buttons"):
                yield Button(
                    t("kiosk.admin_key", what=t("kiosk.admin_quit"), letter="q"),
                    id="quit",
                    variant="error",
                    compact=True,
                )
                if self.can_suspend:
                    yield Button(
                        t("kiosk.admin_key", what=t("kiosk.admin_suspend"), letter="s"),
                        id="suspend",
                        compact=True,
                    )
                yield Button(
                    t("kiosk.admin_key", what=t("kiosk.admin_restart"), letter="r"),
                    id="restart",
                    compact=True,
                )
                yield Button(
                    t("kiosk.admin_key", what=t("dialog.cancel"), letter=t("kiosk.escape")),
                    id="cancel",
                    compact=True,
                )

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_choose(self, what: str) -> None:
        if what != "suspend" or self.can_suspend:
            self.dismiss(what)


class KioskApp(AlinApp):
    """The app with a welcome screen, visits that leave nothing, and no way out for visitors."""

    def __init__(
        self,
        settings: Any,
        visits: Any,
        *,
        theme: str | None = None,
        web: bool = False,
    ) -> None:
        super().__init__(None, theme=theme, **settings.app_options())
        self.visits = visits  # opens and closes visits (`alin_tui.kiosk.Visits`)
        self.web = web
        self.idle_seconds = settings.kiosk_idle_seconds
        self.admin_keys = tuple((settings.kiosk_admin_keys or "").split())
        self._recent_keys: deque[tuple[float, events.Key]] = deque(maxlen=len(self.admin_keys))
        self._last_input = time.monotonic()
        self._warned = False
        self._visit: Any = None  # the visit under way (`alin_tui.kiosk.Visit`)
        self._opening = False
        self._ending = False
        self._visit_being_ended: Any = None
        self._waiting_situation: int | None = None  # chosen while the last visit was wiped
        self._unclosed: list[Any] = []  # visits whose closing failed: tried again at the end
        self._main_screen: Screen | None = None
        self.last_reset_seconds: float | None = None  # how long the last wipe took
        table = self._bindings.key_to_bindings
        for key, bindings in table.items():  # Ctrl+Q ends the visit, it does not quit
            table[key] = [
                replace(b, description=self.t("kiosk.end_visit")) if b.action == "quit" else b
                for b in bindings
            ]

    def get_default_screen(self) -> Screen:
        return WelcomeScreen(self.t, self.idle_seconds)

    def on_mount(self) -> None:
        super().on_mount()
        self.title = self.t("kiosk.title")
        self.set_interval(1.0, self._check_idle)
        self._exit_on_signals()

    def _exit_on_signals(self) -> None:
        """SIGTERM, SIGHUP, SIGINT (a closed terminal or browser session, `kill`, a service
        manager): the app closes as through the operator's Quit, and the kiosk folder goes."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP", "SIGINT"):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(getattr(signal, name), self.exit)

    @property
    def in_visit(self) -> bool:
        return self._visit is not None

    @property
    def resetting(self) -> bool:
        """True while the last visit's files are being deleted (the welcome is already shown)."""
        return self._ending

    @property
    def main(self):
        """The visit's main screen, pushed over the welcome (which stays at the bottom)."""
        if self._main_screen is not None or not self.screen_stack:
            return self._main_screen
        return self.screen_stack[0]

    # --- input: idle time and the operator's keys -----------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _INPUT) and not getattr(event, "is_forwarded", False):
            self._last_input = time.monotonic()
            if self._warned:
                self._warned = False
                self.clear_notifications()
            if isinstance(event, events.Key) and self._admin_keys_typed(event):
                self._open_admin()
                return
        await super().on_event(event)

    def _admin_keys_typed(self, event: events.Key) -> bool:
        if not self.admin_keys:
            return False
        now = time.monotonic()
        self._recent_keys.append((now, event))
        if len(self._recent_keys) < len(self.admin_keys):
            return False
        first_at = self._recent_keys[0][0]
        typed = all(
            wanted == key.key or wanted in key.aliases
            for wanted, (_, key) in zip(self.admin_keys, self._recent_keys, strict=True)
        )
        if typed and now - first_at <= ADMIN_KEYS_WITHIN:
            self._recent_keys.clear()
            return True
        return False

    def _open_admin(self) -> None:
        if any(isinstance(screen, AdminDialog) for screen in self.screen_stack):
            return
        can_suspend = not self.web and self._driver is not None and self._driver.can_suspend

        def chosen(what: str | None) -> None:
            if what == "quit":
                self.exit()
            elif what == "suspend":
                self.action_suspend_process()
            elif what == "restart":
                self.run_worker(self.end_visit(), group="kiosk")

        self.push_screen(AdminDialog(self.t, can_suspend), chosen)

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_input
        admin = next((s for s in self.screen_stack if isinstance(s, AdminDialog)), None)
        if admin is not None and idle >= min(ADMIN_MENU_SECONDS, self.idle_seconds):
            admin.dismiss(None)  # left open: the next stranger must not find it
            return
        if self._ending:
            return
        if self._visit is None and not self._opening:
            if idle >= self.idle_seconds and len(self.screen_stack) > 1:
                self.pop_screen()  # the palette or a question left open on the welcome
            return
        if self._opening:
            return
        warn = min(WARN_BEFORE, self.idle_seconds // 3)
        if idle >= self.idle_seconds:
            self.run_worker(self.end_visit(), group="kiosk")
        elif idle >= self.idle_seconds - warn and not self._warned:
            self._warned = True
            left = max(1, round(self.idle_seconds - idle))
            self.notify(
                self.t("kiosk.idle_warning", left=duration_words(self.t, left)),
                severity="warning",
                timeout=left + 1,
            )

    # --- quitting ---------------------------------------------------------------------------

    def action_quit(self) -> None:
        """Ctrl+Q, and « Quitter » in the palette: end the visit (after a confirmation)."""
        if self._visit is None:
            self.notify(self.t("kiosk.nothing_to_end"))
            return
        if any(isinstance(screen, ConfirmDialog) for screen in self.screen_stack):
            return
        dialog = ConfirmDialog(
            self.t, self.t("kiosk.end_title"), self.t("kiosk.end_body"), self.t("kiosk.end_visit")
        )
        self.push_screen(
            dialog,
            lambda ok: self.run_worker(self.end_visit(), group="kiosk") if ok else None,
        )

    def action_help_quit(self) -> None:
        self.notify(self.t("kiosk.how_to_end" if self._visit else "kiosk.nothing_to_end"))

    def get_system_commands(self, screen: Screen):
        for command in super().get_system_commands(screen):
            if command.callback == self.action_quit:
                yield SystemCommand(
                    self.t("kiosk.end_visit"), self.t("kiosk.end_visit_help"), self.action_quit
                )
            else:
                yield command

    # --- visits -------------------------------------------------------------------------------

    def start_visit(self, number: int) -> None:
        """Open a visit in starting situation `number`: prepared in a thread, shown once its
        data is there."""
        if self._visit is not None or self._opening:
            return
        self._opening = True
        if isinstance(self.screen, WelcomeScreen):
            self.screen.say(self.t("kiosk.preparing"))
        if self._ending:  # the last visit's files are still being deleted: right after
            self._waiting_situation = number
        else:
            self._prepare_visit(number)

    @work(thread=True, exclusive=True, group="kiosk-open")
    def _prepare_visit(self, number: int) -> None:
        try:
            visit = self.visits.open(number)
        except Exception as exc:  # a full disk, a sandbox that would not start
            self.call_from_thread(self._visit_failed, exc)
            return
        self.call_from_thread(self._show_visit, visit)

    def _visit_failed(self, exc: Exception) -> None:
        from alin_tui.store import storage
        from alin_tui.ui.text import clean

        self._opening = False
        kind = storage.kind_of(exc)
        if kind in _STORAGE_WORDS:  # a full or read-only disk, in words
            error = self.t(_STORAGE_WORDS[kind])
        else:
            error = getattr(exc, "strerror", None) or str(exc)
        words = self.t("kiosk.visit_failed", error=clean(error))
        if isinstance(self.screen, WelcomeScreen):
            self.screen.say(words)

    def _show_visit(self, visit: Any) -> None:
        from alin_tui.store.db import connect
        from alin_tui.ui.main import MainScreen

        self.store_path = visit.store_path
        self._db = connect(visit.store_path)
        self.drop_folder = visit.drop_folder
        self.staging = visit.staging
        self.attach_root = visit.drop_folder  # the file picker stays in the visit's folder
        self.attach_start = visit.examples
        self.attach_root_label = self.t("kiosk.drop_folder")  # not a temporary path
        self.attach_placeholder = self.t("kiosk.attach_placeholder")
        self._visit = visit
        self.sync_on_start = False  # synced once already, before the screen shows
        self.start_sync(visit.session)
        self._last_input = time.monotonic()
        self._warned = False
        self._opening = False
        self._main_screen = MainScreen()
        self.title = self.t("kiosk.title_visit")  # how to end it, on every tab, at any width
        self.push_screen(self._main_screen)

    async def end_visit(self) -> None:
        """Wipe the visit and show the welcome: the next visitor starts clean. Run as a worker
        that nothing cancels (a second call returns at once): a reset cut halfway would leave
        the visit's files until the kiosk stops. The welcome shows at once; the sync loop is
        waited for and the files deleted in a thread, so the screen never freezes, and a
        visitor who picks a situation meanwhile gets it as soon as the wipe is done. If the
        app closes halfway, its unmount closes the visit."""
        import asyncio

        if self._visit is None:
            return
        started = time.perf_counter()
        visit, self._visit = self._visit, None
        self._ending = True
        self._visit_being_ended = visit  # closed on exit if the app stops halfway
        try:
            self._last_input = time.monotonic()  # the welcome's own idle time starts now
            self._warned = False
            self.clear_notifications()
            main, self._main_screen = self._main_screen, None
            waited = time.monotonic()  # a screen removed while it still mounts breaks Textual
            while main is not None and not main.is_mounted and time.monotonic() - waited < 10:
                await asyncio.sleep(0.02)
            while len(self.screen_stack) > 1 and not self._exit:  # the visit, its dialogs
                await self.pop_screen()
            self.title = self.t("kiosk.title")  # once the visit's header is gone
            welcome = self.screen_stack[0] if self.screen_stack else None
            if isinstance(welcome, WelcomeScreen) and not self._exit:
                welcome.reset()
            sync_thread = self.detach_sync()
            if self._db is not None:
                self._db.close()
                self._db = None
            await asyncio.to_thread(self._wipe_visit, visit, sync_thread)
            self._visit_being_ended = None
            self._release_visit_memory()
        finally:
            self._ending = False
        self.last_reset_seconds = time.perf_counter() - started
        waiting, self._waiting_situation = self._waiting_situation, None
        if waiting is not None and not self._exit:
            self._prepare_visit(waiting)

    def _wipe_visit(self, visit: Any, sync_thread: Any) -> None:
        """Never raises: a visit that could not be closed whole (its sandbox would not stop, a
        file would not go) must not stop the kiosk; the kiosk folder, this visit's included,
        is wiped when the kiosk ends, and by the next kiosk if this one is killed."""
        if sync_thread is not None:
            sync_thread.join(timeout=5.0)  # a cycle under way finishes its write
        try:
            self.visits.close(visit)
        except Exception:  # noqa: BLE001 - tried again when the kiosk ends
            self._unclosed.append(visit)

    def _release_visit_memory(self) -> None:
        """Let go of what the visit's closed screens are still held by, so that visits in a row
        do not grow the process (benchmarks/kiosk.py measures it):
        - the app's watchers of closed widgets: Textual prunes them only when the watched value
          changes, and a header watches the app's title, which a kiosk never changes (each
          visit's header stayed alive);
        - the cache of background colours keyed by each widget's style cache (up to 1024 of
          them, each with its rendered lines: about 1 MiB a visit until it is full)."""
        import gc

        from textual._styles_cache import StylesCache

        watchers = getattr(self, "__watchers", None) or {}
        for name, entries in watchers.items():
            watchers[name] = [(node, fn) for node, fn in entries if not node._closing]
        StylesCache.get_inner_outer.cache_clear()
        self._stack_at_key = []  # the screens of the last key (the visit's, just closed)
        gc.collect()

    def on_unmount(self) -> None:
        super().on_unmount()
        self._db = None
        for visit in (self._visit, self._visit_being_ended, *self._unclosed):
            if visit is not None:
                with contextlib.suppress(Exception):  # the kiosk folder goes anyway
                    self.visits.close(visit)
        self._visit = self._visit_being_ended = None
        self._unclosed.clear()
