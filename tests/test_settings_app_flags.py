"""The interface's settings: theme, low bandwidth, mouse and keymap, from defaults < the TOML
file < ALIN_* variables < the command line; the auto theme; what `cmd_app` hands the app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alin_tui.cli import build_parser, main
from alin_tui.commands import _settings, low_bandwidth_environ, resolve_theme
from alin_tui.config import default_config_file
from alin_tui.exits import EXIT_USAGE, UsageError

VARS = ("ALIN_THEME", "ALIN_LOW_BANDWIDTH", "ALIN_MOUSE", "ALIN_KEYMAP")


@pytest.fixture
def config(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The TOML file the settings read, in a private XDG config folder (written by each test)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for var in VARS:
        monkeypatch.delenv(var, raising=False)
    path = default_config_file()
    assert path.is_relative_to(tmp_path)
    path.parent.mkdir(parents=True)
    return path


def settings(*argv: str):
    return _settings(build_parser().parse_args(list(argv)))


def test_without_a_file_or_a_flag_the_defaults_apply(config: Path) -> None:
    s = settings()
    assert (s.theme, s.low_bandwidth, s.mouse, s.keymap) == ("auto", False, True, {})


def test_the_keymap_table_of_the_file_rebinds_keys_by_id(config: Path) -> None:
    config.write_text(
        '[keymap]\nsync = "f6"\n"tab.offres" = "ctrl+o, f3"\nquit = "ctrl+q"\n', "utf-8"
    )
    assert settings().keymap == {"sync": "f6", "tab.offres": "ctrl+o,f3", "quit": "ctrl+q"}


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[keymap]\nsync = "f 6"\n', "touches invalides pour « sync »"),
        ('[keymap]\nsync = ""\n', "touches invalides pour « sync »"),
        ('[keymap]\nsync = "f6,"\n', "touches invalides pour « sync »"),
        ("[keymap]\nsync = 6\n", "touches invalides pour « sync »"),
        ('[keymap]\nsync = "\\u001b[31m"\n', "touches invalides pour « sync »"),
        ('[keymap]\nsync = "' + "a" * 80 + '"\n', "touches invalides pour « sync »"),
        ('[keymap]\n"mon raccourci" = "f6"\n', "identifiant de raccourci invalide"),
        ('keymap = "f6"\n', "[keymap] doit être une table"),
    ],
)
def test_a_bad_keymap_is_refused_with_a_french_sentence(
    config: Path, toml: str, expected: str
) -> None:
    config.write_text(toml, "utf-8")
    with pytest.raises(UsageError) as caught:
        settings()
    assert str(caught.value).startswith("réglage invalide (keymap) : ")
    assert expected in str(caught.value)
    assert "\x1b" not in str(caught.value)


def test_the_command_reports_a_bad_keymap_and_exits_1(config: Path, capsys) -> None:
    config.write_text('[keymap]\nsync = "f 6"\n', "utf-8")
    assert main([]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "touches invalides pour « sync »" in err and 'sync = "f6"' in err


def test_an_unreadable_file_is_named_in_the_error(config: Path) -> None:
    config.write_text('theme = "dark\n', "utf-8")
    with pytest.raises(UsageError, match="fichier de configuration illisible"):
        settings()


def test_an_unknown_theme_in_the_file_is_refused_in_french(config: Path) -> None:
    config.write_text('theme = "rose"\n', "utf-8")
    with pytest.raises(UsageError, match="thème inconnu 'rose' : auto, dark, light ou ansi"):
        settings()


def test_the_file_sets_the_interface(config: Path) -> None:
    config.write_text('theme = "light"\nlow_bandwidth = true\nmouse = false\n', "utf-8")
    s = settings()
    assert (s.theme, s.low_bandwidth, s.mouse) == ("light", True, False)


def test_the_environment_wins_over_the_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_text('theme = "light"\nlow_bandwidth = true\nmouse = false\n', "utf-8")
    monkeypatch.setenv("ALIN_THEME", "ansi")
    monkeypatch.setenv("ALIN_LOW_BANDWIDTH", "0")
    monkeypatch.setenv("ALIN_MOUSE", "1")
    s = settings()
    assert (s.theme, s.low_bandwidth, s.mouse) == ("ansi", False, True)


def test_the_command_line_wins_over_the_environment_and_the_file(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text('theme = "light"\n', "utf-8")
    monkeypatch.setenv("ALIN_THEME", "ansi")
    monkeypatch.setenv("ALIN_LOW_BANDWIDTH", "false")
    monkeypatch.setenv("ALIN_MOUSE", "true")
    s = settings("--theme", "dark", "--low-bandwidth", "--no-mouse")
    assert (s.theme, s.low_bandwidth, s.mouse) == ("dark", True, False)


def test_absent_flags_leave_the_file_in_force(config: Path) -> None:
    config.write_text('theme = "ansi"\nlow_bandwidth = true\nmouse = false\n', "utf-8")
    s = settings("--lang", "en")
    assert (s.theme, s.low_bandwidth, s.mouse, s.lang) == ("ansi", True, False, "en")


def test_the_interface_flags_belong_to_the_interface_not_to_commands() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["sync", "--no-mouse"])


@pytest.mark.parametrize(
    ("choice", "color_system", "expected"),
    [
        ("auto", "truecolor", "dark"),
        ("auto", "256", "dark"),
        ("auto", "standard", "ansi"),
        ("auto", "windows", "ansi"),
        ("auto", None, "ansi"),
        ("light", "standard", "light"),
        ("dark", None, "dark"),
        ("ansi", "truecolor", "ansi"),
    ],
)
def test_the_auto_theme_follows_the_terminals_colours(choice, color_system, expected) -> None:
    assert resolve_theme(choice, color_system) == expected


def test_low_bandwidth_caps_colours_and_stops_animations() -> None:
    env: dict[str, str] = {}
    low_bandwidth_environ(env)
    assert env == {"TEXTUAL_COLOR_SYSTEM": "256", "TEXTUAL_ANIMATIONS": "none"}
    env = {"TEXTUAL_COLOR_SYSTEM": "truecolor"}
    low_bandwidth_environ(env)
    assert env["TEXTUAL_COLOR_SYSTEM"] == "256"
    env = {"TEXTUAL_COLOR_SYSTEM": "standard"}  # already fewer colours: kept
    low_bandwidth_environ(env)
    assert env["TEXTUAL_COLOR_SYSTEM"] == "standard"


# `cmd_app` in a fresh interpreter, with a stand-in for the app that records what it is given
# and whether Textual was loaded before the low-bandwidth variables were set.
_STAND_IN = """
import json, os, sys, types
fake = types.ModuleType("alin_tui.ui.app")
class AlinApp:
    def __init__(self, store_path, **kwargs):
        self.seen = {"kwargs": {k: v for k, v in kwargs.items() if k != "session"},
                     "textual_loaded": "textual" in sys.modules,
                     "color_system": os.environ.get("TEXTUAL_COLOR_SYSTEM"),
                     "animations": os.environ.get("TEXTUAL_ANIMATIONS")}
    def run(self, *, mouse):
        self.seen["mouse"] = mouse
        print(json.dumps(self.seen, default=str))
    return_code = 0
class SwitchProfile:
    pass
fake.AlinApp, fake.SwitchProfile = AlinApp, SwitchProfile
sys.modules["alin_tui.ui.app"] = fake
from alin_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _run_app(config: Path, *argv: str, **env: str) -> dict:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ALIN_", "TEXTUAL_")) and k not in ("FORCE_COLOR", "TTY_COMPATIBLE")
    }
    environ.update(
        ALIN_DATA_DIR=str(config.parent.parent.parent / "data"),
        ALIN_SERVER="http://127.0.0.1:9",  # never reached: the stand-in does not sync
        XDG_CONFIG_HOME=str(config.parent.parent),
        **env,
    )
    r = subprocess.run(
        [sys.executable, "-c", _STAND_IN, *argv],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_app_is_given_the_resolved_settings(config: Path) -> None:
    config.write_text('max_applications = 2\n[keymap]\nsync = "f6"\n', "utf-8")
    seen = _run_app(config, "--lang", "en", "--theme", "light", "--low-bandwidth", "--no-mouse")
    profile = config.parent.parent.parent / "data" / "profiles" / "default"
    assert seen["kwargs"] == {
        "lang": "en",
        "max_applications": 2,
        "renewal_window_days": 60,
        "theme": "light",
        "low_bandwidth": True,
        "keymap": {"sync": "f6"},
        "drop_folder": str(profile / "dépôt"),
        "staging": str(profile / "staging"),
        "profile": "default",
        "profiles": ["default"],  # created, private, on first start
    }
    assert seen["mouse"] is False
    assert (seen["color_system"], seen["animations"]) == ("256", "none")
    assert not seen["textual_loaded"]


def test_auto_is_ansi_off_a_colour_terminal_and_the_mouse_is_on_by_default(
    config: Path,
) -> None:
    seen = _run_app(config)  # captured output: not a terminal, so no colours reported
    assert seen["kwargs"]["theme"] == "ansi"
    assert seen["kwargs"]["low_bandwidth"] is False
    assert seen["mouse"] is True
    assert seen["color_system"] is None and seen["animations"] is None


def test_alin_mouse_0_still_turns_the_mouse_off(config: Path) -> None:
    assert _run_app(config, ALIN_MOUSE="0")["mouse"] is False
