"""The kiosk (`alin-tui --kiosk`): visits on the real embedded sandbox over loopback, real SQLite
files in a real temporary folder; in-process with Textual's pilot, and in a real pseudo-terminal
for what the filesystem holds before and after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alin_tui import kiosk
from alin_tui.config import Settings
from alin_tui.ui.i18n import Translator

from .conftest import screen_text

ADMIN = "ctrl+b ctrl+k"


def _settings(tmp_path: Path, **changes) -> Settings:
    base = Settings(data_dir=tmp_path / "own-data", lang="fr", kiosk_admin_keys=ADMIN)
    return base.model_copy(update=changes)  # an idle time shorter than users may set


def _app(tmp_path: Path, **changes):
    from alin_tui.commands import open_session
    from alin_tui.ui.kiosk import KioskApp

    settings = _settings(tmp_path, **changes)
    folder = kiosk.KioskFolder(tmp_path / "tmp")
    visits = kiosk.Visits(settings, folder, Translator("fr"), open_session)
    return KioskApp(settings, visits, theme="dark"), folder


async def _wait(pilot, condition, timeout: float = 30.0) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, screen_text(pilot.app)
        await pilot.pause(0.05)


def _shown(app) -> bool:
    """The visit's main screen is up, every widget of it mounted (a test that ends sooner
    closes the app while Textual is still mounting it)."""
    from alin_tui.ui.main import MainScreen

    return isinstance(app.screen, MainScreen) and app.screen.is_mounted


def _slow_wipe(app, seconds: float) -> None:
    """Each visit's wipe takes `seconds` longer (a slow disk)."""
    wipe = app._wipe_visit

    def slow(visit, thread) -> None:
        time.sleep(seconds)
        wipe(visit, thread)

    app._wipe_visit = slow


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()


@pytest.fixture(autouse=True)
def _tmp(tmp_path: Path) -> None:
    for name in ("tmp", "work"):
        (tmp_path / name).mkdir()


async def test_the_welcome_explains_the_three_situations_and_each_opens_its_own(tmp_path) -> None:

    app, folder = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        text = screen_text(app)
        for words in ("pas de numéro unique", "avant le 20 avril 2021", "fichier national"):
            assert words in text, text
        assert "Ctrl+Q" in text and "3 minutes sans action" in text
        seen = {}
        for number in (1, 2, 3):
            await pilot.press(str(number))
            await _wait(pilot, lambda: "Ctrl+Q pour terminer" in screen_text(app))
            seen[number] = screen_text(app)
            assert "Ctrl+Q pour terminer" in seen[number].splitlines()[0]  # on every tab
            await pilot.press("3")  # the Offres tab: why applying is not possible, in words
            await app.screens_settled()
            seen[number] += screen_text(app)
            await pilot.press("ctrl+q")
            await _wait(pilot, lambda: "Terminer votre visite" in screen_text(app))
            await pilot.press("enter")
            await _wait(pilot, lambda: not app.in_visit and "Bienvenue" in screen_text(app))
        await _wait(pilot, lambda: not app.resetting)
        flat = {n: " ".join(text.split()) for n, text in seen.items()}
        assert "aucune demande au fichier national" in flat[1]
        assert "créez d'abord votre compte au fichier national" in flat[2]
        assert "radiée" not in seen[1] + seen[2]
        assert "Brouillon AL-in sans numéro" in seen[1]
        assert "1 — brouillon" in seen[1]
        assert "compte du fichier national à créer" in seen[2]
        assert "3 — demande sur le fichier national" in seen[3]
        assert "111 0626" in seen[3]
        assert _files(folder.path) == {kiosk.PID_FILE}  # each visit wiped on the way out


async def test_an_idle_reset_wipes_the_data_and_the_next_visitor_starts_clean(tmp_path) -> None:
    from alin_tui.store import saved as saved_searches

    app, folder = _app(tmp_path, kiosk_idle_seconds=6)
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (said.append(str(message)), notify(message, **kw))[1]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await _wait(pilot, lambda: _shown(app))
        visit_folder = folder.visit
        assert visit_folder is not None and (visit_folder / "profiles").is_dir()
        # The visitor saves a search: something of theirs is now in the store.
        await pilot.press("3", "slash", *"lyon", "escape", "m")
        await _wait(pilot, lambda: app.screen.__class__.__name__ == "SaveSearchDialog")
        await pilot.press("enter")
        await _wait(pilot, lambda: saved_searches.names(app.conn) == ["lyon"])
        # Then walks away: a warning first, then the welcome, and the files are gone.
        await _wait(pilot, lambda: any("Êtes-vous toujours là" in w for w in said), timeout=10)
        assert app.in_visit
        await _wait(pilot, lambda: not app.in_visit, timeout=10)
        assert "Bienvenue" in screen_text(app)  # the screen first, then the files
        await _wait(pilot, lambda: not app.resetting, timeout=10)
        assert not visit_folder.exists()
        assert _files(folder.path) == {kiosk.PID_FILE}
        assert app.last_reset_seconds is not None and app.last_reset_seconds < 5
        # The next visitor, in the same situation, finds the demo as it was.
        await pilot.press("3")
        await _wait(pilot, lambda: _shown(app))
        assert folder.visit != visit_folder
        assert saved_searches.names(app.conn) == []
    assert not folder.path.exists() or _files(folder.path) <= {kiosk.PID_FILE}


async def test_a_key_or_the_mouse_keeps_the_visit_open(tmp_path) -> None:

    app, _ = _app(tmp_path, kiosk_idle_seconds=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await _wait(pilot, lambda: _shown(app))
        for _ in range(6):  # six seconds in all, never four without a key
            await pilot.pause(1.0)
            await pilot.press("2")
        assert app.in_visit
        from textual import events

        for n in range(6):  # someone reading with the mouse in hand, as the driver reports it
            await pilot.pause(1.0)
            app.post_message(events.MouseMove(None, 10 + n, 10, 1, 0, 0, False, False, False))
        assert app.in_visit
        await _wait(pilot, lambda: not app.in_visit, timeout=8)  # then nobody
        await _wait(pilot, lambda: not app.resetting)


async def test_a_situation_chosen_while_the_last_visit_is_wiped_opens_after_it(tmp_path) -> None:
    """The next visitor does not wait for the wipe to press a key: their choice is kept and
    opens once the last visit's files are gone; the reset never freezes the screen."""

    app, folder = _app(tmp_path)
    _slow_wipe(app, 1.0)  # a slow disk
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await _wait(pilot, lambda: _shown(app))
        first = folder.visit
        await pilot.press("ctrl+q")
        await _wait(pilot, lambda: "Terminer votre visite" in screen_text(app))
        await pilot.press("enter", "2")  # no pause: the next visitor is already there
        await _wait(pilot, lambda: "Bienvenue" in screen_text(app))
        assert app.resetting
        await pilot.press("down", "up")  # the screen answers keys during the wipe
        await _wait(pilot, lambda: _shown(app))
        assert not first.exists() and folder.visit != first
        assert app._visit.situation.number == 2


async def test_the_kiosk_closing_during_a_reset_leaves_no_file(tmp_path) -> None:
    app, folder = _app(tmp_path, kiosk_idle_seconds=10)
    _slow_wipe(app, 0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await _wait(pilot, lambda: _shown(app))
        app.run_worker(app.end_visit(), group="kiosk")
        await _wait(pilot, lambda: app.resetting)
    # The app closed with the wipe under way: no error, and the visit's files are gone.
    assert _files(folder.path) <= {kiosk.PID_FILE}


async def test_the_operators_menu_left_open_closes_itself(tmp_path, monkeypatch) -> None:
    from alin_tui.ui import kiosk as ui_kiosk

    monkeypatch.setattr(ui_kiosk, "ADMIN_MENU_SECONDS", 2)
    app, _ = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+b", "ctrl+k")  # on the welcome, with no visit
        await _wait(pilot, lambda: isinstance(app.screen, ui_kiosk.AdminDialog))
        await _wait(pilot, lambda: not isinstance(app.screen, ui_kiosk.AdminDialog), timeout=5)
        assert app.is_running and "Bienvenue" in screen_text(app)


async def test_the_three_situations_fit_a_small_window(tmp_path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(70, 18)) as pilot:  # a small browser window
        await pilot.pause()
        text = screen_text(app)
        assert all(f"Essayer ({n})" in text for n in (1, 2, 3)), text


async def test_quitting_needs_the_admin_keys(tmp_path) -> None:
    from alin_tui.ui.kiosk import AdminDialog

    app, folder = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")  # on the welcome: nothing to end, nothing closes
        await pilot.press("ctrl+c")
        await pilot.pause(0.2)
        assert app.is_running and not app.in_visit
        await pilot.press("2")
        await _wait(pilot, lambda: _shown(app))
        await pilot.press("ctrl+q")  # ends the visit only, after asking; Esc keeps it
        await _wait(pilot, lambda: "Terminer votre visite" in screen_text(app))
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.is_running and app.in_visit
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quitter" not in commands and "Terminer la visite" in commands
        await pilot.press("ctrl+k", "ctrl+b")  # the admin keys in the wrong order
        await pilot.pause(0.2)
        assert not isinstance(app.screen, AdminDialog)
        await pilot.press("ctrl+b", "ctrl+k")
        await _wait(pilot, lambda: isinstance(app.screen, AdminDialog))
        assert "Suspendre" not in screen_text(app).replace(
            "Terminer", ""
        )  # no terminal to give back under the pilot
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.is_running and app.in_visit
        await pilot.press("ctrl+b", "ctrl+k")
        await _wait(pilot, lambda: isinstance(app.screen, AdminDialog))
        await pilot.press("q")
        await pilot.pause(0.5)
        assert not app.is_running
    assert app.return_code == 0
    assert folder.visit is None and _files(folder.path) <= {kiosk.PID_FILE}


async def test_the_file_picker_stays_in_the_visits_drop_folder(tmp_path) -> None:
    from alin_tui.ui.attach import OUTSIDE, check_file

    outside = tmp_path / "secret.pdf"
    outside.write_bytes(kiosk._pdf("not for visitors"))
    app, folder = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await _wait(pilot, lambda: _shown(app))
        root = app.attach_root
        assert root is not None and root.is_relative_to(folder.path)
        examples = sorted(p.name for p in app.attach_start.iterdir())
        assert examples == [
            "avis-d-imposition-exemple.pdf",
            "bulletin-de-salaire-exemple.pdf",
            "piece-d-identite-exemple.png",
        ]
        for name in examples:  # real documents: the intake's own checks take them
            assert check_file(app.attach_start / name, root) is None
        assert check_file(outside, root) == OUTSIDE
        assert check_file(Path("/etc/hostname"), root) == OUTSIDE


def test_a_kiosk_without_admin_keys_refuses_to_start_and_says_how(tmp_path) -> None:
    env = {**os.environ, "ALIN_DATA_DIR": str(tmp_path), "ALIN_LANG": "fr"}
    env.pop("ALIN_KIOSK_ADMIN_KEYS", None)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    done = subprocess.run(
        [sys.executable, "-m", "alin_tui", "--kiosk"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "kiosk_admin_keys" in done.stderr and "Traceback" not in done.stderr
    for keys, words in (
        ("ctrl+b  ctrl+k ctrl+x ctrl+y ctrl+z f1 f2", "de deux à six touches"),
        ("f12", "de deux à six touches"),  # one key alone is too easily found
        ("1 2", "Ctrl ou Alt avec une lettre"),  # what a visitor types
        ("foo+bar baz", "Ctrl ou Alt avec une lettre"),  # not keys at all
        ("ctrl+q ctrl+q", "déjà utilisées par l'application (ctrl+q)"),  # ends a visit
        ("ctrl+t F5", "déjà utilisées par l'application (f5)"),  # syncs, whatever the case
    ):
        bad = subprocess.run(
            [sys.executable, "-m", "alin_tui", "--kiosk"],
            env={**env, "ALIN_KIOSK_ADMIN_KEYS": keys},
            capture_output=True,
            text=True,
        )
        assert bad.returncode == 1 and words in bad.stderr, (keys, bad.stderr)
        assert "Traceback" not in bad.stderr


def test_a_killed_kiosks_folder_is_deleted_by_the_next_one(tmp_path) -> None:
    base = tmp_path / "tmp"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = base / f"{kiosk.PREFIX}stale"
    (stale / "visite-1" / "profiles").mkdir(parents=True)
    (stale / kiosk.PID_FILE).write_text(str(dead.pid))
    alive = base / f"{kiosk.PREFIX}alive"
    alive.mkdir()
    (alive / kiosk.PID_FILE).write_text(str(os.getpid()))
    unrelated = base / f"{kiosk.PREFIX}no-pid"
    unrelated.mkdir()
    with kiosk.KioskFolder(base) as folder:
        assert not stale.exists()
        assert alive.exists() and unrelated.exists()
        assert folder.path.exists()
    assert not folder.path.exists()


# --- In a real terminal: nothing written outside the kiosk's temporary folder ----------------


def _listing(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `roots`, with its size and modification time."""
    found = {}
    for root in roots:
        for path in [root, *root.rglob("*")]:
            with_stat = path.lstat()
            found[str(path)] = (with_stat.st_size, with_stat.st_mtime_ns if path.is_file() else 0)
    return found


def _kiosk_terminal(tmp_path: Path, idle: int = 180):
    from alin_tui.devtools.kiosk_env import isolated_env

    from .test_terminal import Terminal

    home, temp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    env = isolated_env(tmp_path, idle=idle, admin_keys=ADMIN)
    before = _listing(home, temp, work)
    term = Terminal(tmp_path / "never-used", args=("--kiosk",), env=env)
    return term, before, (home, temp, work)


def test_a_kiosk_session_in_a_terminal_leaves_no_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path / "work")
    term, before, roots = _kiosk_terminal(tmp_path)
    temp = roots[1]
    try:
        term.wait_for(lambda text: "Essayer (3)" in text)
        term.type(b"3")
        term.wait_for(lambda text: "Dossier incomplet" in text)
        assert [p.name[: len(kiosk.PREFIX)] for p in temp.iterdir()] == [kiosk.PREFIX]
        term.type(b"3/lyon")  # the Offres tab, a search
        term.wait_for(lambda text: "Lyon" in text)
        term.type(b"\x11")  # Ctrl+Q: a question, not an exit
        term.wait_for(lambda text: "Terminer votre visite" in text)
        term.type(b"\r")
        term.wait_for(lambda text: "Bienvenue" in text)
        term.type(b"\x11\x03")  # Ctrl+Q, Ctrl+C on the welcome: still there
        time.sleep(0.5)
        assert term.proc.poll() is None
        term.type(b"\x02\x0b")  # Ctrl+B Ctrl+K: the operator's menu
        # A real terminal can be given back: « Suspendre » is offered.
        term.wait_for(lambda text: "Administration de la borne" in text and "Suspendre (s)" in text)
        term.type(b"q")
        assert term.proc.wait(timeout=15) == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
        os.close(term.master)
    assert _listing(*roots) == before


def test_a_kiosk_ended_by_sigterm_or_a_closed_terminal_deletes_its_folder(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path / "work")
    term, before, roots = _kiosk_terminal(tmp_path)
    try:
        term.wait_for(lambda text: "Essayer (3)" in text)
        term.type(b"2")
        term.wait_for(lambda text: "non liée" in text)
        os.killpg(term.proc.pid, signal.SIGTERM)
        term.proc.wait(timeout=15)
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
        os.close(term.master)
    assert _listing(*roots) == before


async def test_visits_in_a_row_leave_nothing_of_theirs_alive(tmp_path) -> None:
    """Visitors one after the other: once a visit ends, none of its screens or widgets is
    held any more (the app's title watchers and Textual's colour cache held them)."""
    import gc

    from textual.widgets import Header

    from alin_tui.ui.main import MainScreen

    def alive(kind) -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, kind))

    app, _ = _app(tmp_path)
    counts = []
    async with app.run_test(size=(100, 30)) as pilot:
        for number in (1, 2, 3, 1, 2):
            await pilot.press(str(number))
            await _wait(pilot, lambda: _shown(app))
            await pilot.press("3", "slash", *"paris")
            await pilot.pause(0.3)
            await app.end_visit()
            await pilot.pause(0.2)
            assert alive(MainScreen) == 0 and alive(Header) == 0
            counts.append(len(gc.get_objects()))
    assert max(counts[2:]) - min(counts[2:]) < 2_000, counts  # no growth from visit to visit


async def test_a_visit_that_cannot_be_prepared_is_said_in_words_and_leaves_nothing(
    tmp_path, monkeypatch
) -> None:
    """A full disk while a visit is prepared: the welcome says so, in words, the half-made visit
    is wiped, and the next try works once there is room again."""
    import errno

    real = kiosk.drop_examples

    def full(folder):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder))

    monkeypatch.setattr(kiosk, "drop_examples", full)
    app, folder = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await _wait(pilot, lambda: "n'a pas pu démarrer" in screen_text(app))
        text = screen_text(app)
        assert "le disque de la borne est plein" in text and "No space" not in text
        assert not app.in_visit and _files(folder.path) == {kiosk.PID_FILE}
        monkeypatch.setattr(kiosk, "drop_examples", real)
        await pilot.press("3")
        await _wait(pilot, lambda: _shown(app))


async def test_the_file_picker_names_no_temporary_path(tmp_path) -> None:
    """A visitor never reads the kiosk's temporary paths: the picker names « le dossier de
    dépôt de la démonstration » and suggests an example's name; a document's detail has no
    drop-folder hint."""
    from alin_tui.ui.attach import AttachDialog

    app, folder = _app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await _wait(pilot, lambda: _shown(app))
        await pilot.press("2", "enter")  # Pièces, the first document's detail
        await _wait(pilot, lambda: app.screen.__class__.__name__ == "SlotDialog")
        text = screen_text(app)
        assert str(folder.path) not in text and "déposez le fichier dans le dossier" not in text
        await pilot.press("enter")  # « Joindre un fichier »
        await _wait(pilot, lambda: isinstance(app.screen, AttachDialog))
        assert "bulletin-de-salaire-exemple.pdf" in screen_text(app)
        await pilot.press(*"/etc/hostname", "enter")
        await _wait(pilot, lambda: "Seuls les fichiers" in screen_text(app))
        text = " ".join(screen_text(app).split())
        assert "Seuls les fichiers du dossier de dépôt de la démonstration peuvent" in text
        assert str(folder.path) not in text and "/tmp" not in text


async def test_a_visit_that_will_not_close_does_not_stop_the_kiosk(tmp_path, monkeypatch) -> None:
    """Its sandbox refusing to stop (or a file refusing to go) leaves the kiosk running: the
    welcome comes back and the next visitor can start; the kiosk folder goes when it ends."""
    app, folder = _app(tmp_path)
    monkeypatch.setattr(app.visits, "close", lambda visit: (_ for _ in ()).throw(OSError(5, "EIO")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await _wait(pilot, lambda: _shown(app))
        await app.end_visit()
        assert app.is_running and "Bienvenue" in screen_text(app)
        assert len(app._unclosed) == 1
        monkeypatch.undo()
        await pilot.press("3")
        await _wait(pilot, lambda: _shown(app))
    assert app._unclosed == []  # closed on the way out
    folder.close()
    assert not folder.path.exists()
