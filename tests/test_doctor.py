"""`alin-tui doctor`: each check finds what is wrong, says the fix, and `--fix` repairs the rights;
a damaged store is never touched; the text is in the user's language, the JSON validates."""

from __future__ import annotations

import argparse
import json
import re
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from alin_tui import doctor
from alin_tui.exits import EXIT_OK, EXIT_USAGE
from alin_tui.ui.i18n import Translator

PACKAGE = Path(__file__).parent.parent / "alin_tui"
CLI_WIRED = any(
    '"doctor"' in (PACKAGE / name).read_text("utf-8")
    for name in ("cli.py", "parser.py")
    if (PACKAGE / name).exists()
)


@pytest.fixture
def home(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated installation: data in `data_dir`, the configuration file under a private
    XDG_CONFIG_HOME, no ALIN_* settings, a terminal size that does not depend on the runner's."""
    for name in doctor.FIELDS:
        monkeypatch.delenv(f"ALIN_{name.upper()}", raising=False)
    monkeypatch.setenv("ALIN_DATA_DIR", str(data_dir))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "30")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return data_dir


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config" / "alin-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def run(capsys, lang: str = "fr", **options) -> tuple[int, str]:
    args = dict.fromkeys(doctor.CLI_OPTIONS)
    args.update(fix=False, json=False)
    args.update(options)
    code = doctor.run(argparse.Namespace(**args), Translator(lang))
    return code, capsys.readouterr().out


def report(capsys, lang: str = "fr", **options):
    code, out = run(capsys, lang, json=True, **options)
    parsed = doctor.Report.model_validate_json(out)
    assert parsed.healthy == (code == EXIT_OK)
    return code, parsed


def check(parsed, check_id: str):
    return next(c for c in parsed.checks if c.id == check_id)


def make_store(home: Path, private: bool = True) -> Path:
    from alin_tui.store.db import connect

    path = home / "profiles" / "default" / "store.db"
    connect(path).close()
    if private:
        for p in (home, path.parent):
            p.chmod(0o700)
        for p in path.parent.iterdir():
            p.chmod(0o600)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- healthy -------------------------------------------------------------------------------


def test_a_fresh_installation_with_nothing_stored_is_healthy(home, capsys) -> None:
    code, out = run(capsys)
    assert code == EXIT_OK
    assert "rien n'est encore enregistré" in out
    assert "bac à sable intégré" in out
    assert out.strip().endswith("Tout est en ordre.")
    assert "!" not in out.replace("Tout est en ordre.", "")


def test_a_private_store_at_the_current_schema_is_healthy(home, capsys) -> None:
    make_store(home)
    code, parsed = report(capsys)
    assert code == EXIT_OK, parsed
    assert all(c.ok and c.fix is None for c in parsed.checks)
    assert [c.id for c in parsed.checks] == list(doctor.CHECKS)
    assert "schéma" in check(parsed, "store").summary


# --- 2. permissions ------------------------------------------------------------------------


def test_an_open_store_and_data_folder_are_findings_that_fix_repairs(home, capsys) -> None:
    store = make_store(home)
    store.chmod(0o644)
    home.chmod(0o755)

    code, out = run(capsys)
    assert code == EXIT_USAGE
    line = next(x for x in out.splitlines() if "Droits d'accès" in x)
    assert line.startswith("! ")
    assert "store.db (0644)" in line and f"{home} (0755)" in line
    assert "doctor --fix" in line and "chmod 600" in line
    assert mode(store) == 0o644  # nothing changed without --fix

    code, out = run(capsys, fix=True)
    assert code == EXIT_OK, out
    assert "rendus privés par --fix" in out and "store.db (0644) → 0600" in out
    assert mode(store) == 0o600 and mode(home) == 0o700

    code, out = run(capsys)
    assert code == EXIT_OK, out
    assert "données privées" in out


def test_a_token_readable_by_others_is_a_finding(home, capsys) -> None:
    make_store(home)
    token = home / "profiles" / "default" / "token.json"
    token.write_text("{}")
    token.chmod(0o640)
    code, parsed = report(capsys)
    assert code == EXIT_USAGE
    assert "token.json (0640)" in check(parsed, "permissions").summary
    assert check(parsed, "permissions").fix


# --- 3. store ------------------------------------------------------------------------------


def test_a_store_that_is_not_a_database_is_reported_and_left_untouched(home, capsys) -> None:
    store = make_store(home)
    garbage = bytes(range(256)) * 40
    store.write_bytes(garbage)
    for side in ("store.db-wal", "store.db-shm"):
        (store.parent / side).unlink(missing_ok=True)

    code, out = run(capsys)
    assert code == EXIT_USAGE
    line = next(x for x in out.splitlines() if "Base locale" in x)
    assert line.startswith("! ")
    assert "n'est pas une base de données lisible" in line
    assert "doctor --fix" in line and "rien n'est effacé" in line
    assert "Traceback" not in out
    assert store.read_bytes() == garbage
    assert "non vérifié" in next(x for x in out.splitlines() if "Envois" in x)


def test_a_damaged_store_is_reported_and_left_untouched(home, capsys) -> None:
    store = make_store(home)
    conn = sqlite3.connect(store, isolation_level=None)
    conn.execute("CREATE TABLE filler (x)")
    conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(200)])
    conn.execute("CREATE INDEX filler_x ON filler (x)")
    conn.close()
    with open(store, "r+b") as f:  # spoil a page of the index, the last one written
        f.seek(store.stat().st_size - 3 * 4096 + 100)
        f.write(b"\xff" * 300)
    before = store.read_bytes()
    code, parsed = report(capsys)
    assert code == EXIT_USAGE
    found = check(parsed, "store")
    assert "endommagée" in found.summary and "sauve d'abord les changements" in found.fix
    assert store.read_bytes() == before


def test_a_store_from_a_newer_version_is_a_finding(home, capsys) -> None:
    store = make_store(home)
    conn = sqlite3.connect(store)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    code, parsed = report(capsys)
    assert code == EXIT_USAGE
    assert "999" in check(parsed, "store").summary
    assert "mettez alin-tui à jour" in check(parsed, "store").fix


# --- 4. server -----------------------------------------------------------------------------


def test_a_server_that_is_down_is_a_finding_naming_its_address(home, capsys) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code, parsed = report(capsys, server=url)
    assert code == EXIT_USAGE
    server = check(parsed, "server")
    assert not server.ok and url in server.summary and "ne répond pas" in server.summary
    assert "--server" in server.fix


def test_a_running_server_is_reachable_and_its_clock_agrees(home, capsys, sandbox) -> None:
    code, parsed = report(capsys, server=sandbox.url)
    assert code == EXIT_OK, parsed
    server = check(parsed, "server")
    assert server.ok and sandbox.url.rstrip("/") in server.summary
    seconds = int(re.search(r"écart de (\d+) s", server.summary).group(1))
    assert seconds <= 2


def test_a_clock_minutes_off_the_servers_is_a_finding(home, capsys, monkeypatch) -> None:
    import email.utils
    import time

    import httpx

    def answer(url, **kwargs):
        late = email.utils.formatdate(time.time() - 300, usegmt=True)
        body = {"status": "ok", "server_time": "2026-11-27T10:00:00Z", "today": "2026-11-27"}
        return httpx.Response(200, json=body, headers={"Date": late})

    monkeypatch.setattr(httpx, "get", answer)
    code, parsed = report(capsys, server="https://alin.example")
    assert code == EXIT_USAGE
    server = check(parsed, "server")
    assert "avance de 300 s" in server.summary or "avance de 301 s" in server.summary
    assert "à l'heure" in server.fix


def test_an_address_that_is_not_an_alin_service_is_a_finding(home, capsys, monkeypatch) -> None:
    import httpx

    monkeypatch.setattr(httpx, "get", lambda url, **kw: httpx.Response(200, text="<html>"))
    code, parsed = report(capsys, server="https://www.example.org")
    assert code == EXIT_USAGE
    assert "pas comme un service alin-tui" in check(parsed, "server").summary


# --- 1. configuration ----------------------------------------------------------------------


def test_each_setting_says_where_it_comes_from(home, capsys, tmp_path, monkeypatch) -> None:
    config_file(tmp_path).write_text(
        'theme = "dark"\nmax_applications = 5\nusername = "demo"\n[keymap]\nsync = "f6"\n'
    )
    monkeypatch.setenv("ALIN_MAX_APPLICATIONS", "2")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    code, parsed = report(capsys, profile="foyer-01")
    assert code == EXIT_OK, parsed
    config = {e.name: (e.value, e.source) for e in parsed.config}
    assert [e.name for e in parsed.config] == list(doctor.FIELDS)
    assert config["profile"] == ("foyer-01", "command_line")
    assert config["max_applications"] == (2, "environment")
    assert config["data_dir"] == (str(home), "environment")
    assert config["theme"] == ("dark", "config_file")
    assert config["username"] == ("demo", "config_file")
    assert config["keymap"] == ({"sync": "f6"}, "config_file")
    assert config["lang"] == ("en", "system_language")
    assert config["server"] == (None, "default")
    assert config["mouse"] == (True, "default")
    assert "(lu)" in check(parsed, "config").summary


def test_the_text_names_each_source_in_words(home, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ALIN_THEME", "light")
    code, out = run(capsys, low_bandwidth=True)
    assert code == EXIT_OK
    assert "    theme = light — environnement, ALIN_THEME" in out
    assert "    low_bandwidth = oui — ligne de commande" in out
    assert "    mouse = oui — par défaut" in out


def test_a_malformed_configuration_file_is_a_finding_not_a_traceback(
    home, capsys, tmp_path
) -> None:
    config_file(tmp_path).write_text('server = "http://x"\ntheme =\n')
    code, out = run(capsys)
    assert code == EXIT_USAGE
    line = next(x for x in out.splitlines() if "Configuration" in x)
    assert line.startswith("! ") and "mal écrit (ligne 2, colonne 8)" in line
    assert "corrigez la ligne 2" in line
    assert "Traceback" not in out
    assert "Droits d'accès" in out and "Terminal" in out  # the other checks still ran


def test_refused_values_are_findings_and_the_other_checks_still_run(
    home, capsys, tmp_path, monkeypatch
) -> None:
    config_file(tmp_path).write_text('theme = "pink"\nsever = "http://x"\n[keymap]\n"a b" = 1\n')
    monkeypatch.setenv("ALIN_KEYMAP", "not json")
    monkeypatch.setenv("ALIN_MAX_APPLICATIONS", "-1")
    code, parsed = report(capsys)
    assert code == EXIT_USAGE
    config = check(parsed, "config")
    assert "theme = « pink » (fichier de configuration) est refusé" in config.summary
    assert "max_applications = « -1 » (environnement, ALIN_MAX_APPLICATIONS)" in config.summary
    assert "keymap = « not json » (environnement, ALIN_KEYMAP)" in config.summary
    assert "« sever »" in config.summary
    assert "auto, dark, light ou ansi" in config.fix
    entries = {e.name: (e.value, e.source) for e in parsed.config}
    assert entries["theme"] == ("pink", "config_file")
    assert entries["max_applications"] == ("-1", "environment")
    assert check(parsed, "permissions").ok  # ran on the data folder still in effect


# --- 5. outbox -----------------------------------------------------------------------------


def test_pending_changes_are_noted_and_refused_ones_are_findings(home, capsys) -> None:
    from alin_tui.sqlite import durable
    from alin_tui.store import outbox
    from alin_tui.store.db import connect

    store = make_store(home)
    conn = connect(store)
    with durable(conn):
        outbox.enqueue(conn, "application.create", {"offer_id": "of-000001"})
    conn.close()
    code, parsed = report(capsys)
    assert code == EXIT_OK
    assert "1 modification en attente" in check(parsed, "outbox").summary

    conn = connect(store)
    with durable(conn):
        row = outbox.enqueue(conn, "application.create", {"offer_id": "of-000002"})
        outbox.fail(conn, row.key, {"code": "offer_closed", "message": "Offre close."})
    conn.close()
    code, out = run(capsys)
    assert code == EXIT_USAGE
    line = next(x for x in out.splitlines() if "Envois en attente" in x)
    assert line.startswith("! ") and "1 modification refusée" in line
    assert "Candidater" in line and "Ctrl+A" in line
    assert "offer_closed" not in out and "application.create" not in out


# --- 6. terminal ---------------------------------------------------------------------------


def test_a_terminal_smaller_than_80_by_24_is_a_finding(home, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "70")
    monkeypatch.setenv("LINES", "20")
    code, parsed = report(capsys)
    assert code == EXIT_USAGE
    terminal = check(parsed, "terminal")
    assert "70×20" in terminal.summary and "agrandissez" in terminal.fix


def test_output_that_is_not_a_terminal_is_only_noted(home, capsys) -> None:
    code, parsed = report(capsys)
    terminal = check(parsed, "terminal")
    assert terminal.ok
    assert "TERM=xterm-256color" in terminal.summary and "256 couleurs" in terminal.summary
    assert "pas vers un terminal" in terminal.summary


# --- output --------------------------------------------------------------------------------


def test_the_json_is_the_documented_document(home, capsys, tmp_path) -> None:
    make_store(home).chmod(0o644)
    code, out = run(capsys, json=True)
    assert code == EXIT_USAGE
    document = json.loads(out)
    assert set(document) == {"healthy", "checks", "config"}
    assert document["healthy"] is False
    assert all(set(c) == {"id", "ok", "summary", "fix"} for c in document["checks"])
    assert all(set(e) == {"name", "value", "source"} for e in document["config"])
    doctor.Report.model_validate(document)
    permissions = next(c for c in document["checks"] if c["id"] == "permissions")
    assert permissions["ok"] is False and permissions["fix"]


def test_english_output_has_no_french(home, capsys, tmp_path) -> None:
    make_store(home).chmod(0o644)
    config_file(tmp_path).write_text('theme = "pink"\n')
    code, out = run(capsys, "en", server=f"http://127.0.0.1:{free_port()}")
    assert code == EXIT_USAGE
    assert "Access rights" in out and "does not answer" in out and "is refused" in out
    text = out.replace(str(tmp_path), "")
    for french in (
        "fichier",
        "base",
        "réglage",
        "serveur",
        "aucun",
        "par défaut",
        "lisible",
        " le ",
        " la ",
        " les ",
        " de ",
        " ou ",
        "à",
        "é",
        "è",
        "«",
    ):
        assert french not in text, french


def test_the_text_holds_no_dates_codes_or_tracebacks(home, capsys) -> None:
    make_store(home)
    code, out = run(capsys, server=f"http://127.0.0.1:{free_port()}")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", out)
    assert "Traceback" not in out and "Error" not in out


def test_importing_doctor_is_light() -> None:
    code = "import sys, json, alin_tui.doctor; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = {m.split(".")[0] for m in json.loads(out)}
    assert not loaded & {"pydantic", "httpx", "rich", "textual", "sqlite3", "fastapi"}


@pytest.mark.skipif(not CLI_WIRED, reason="`doctor` is not in the parser yet")
def test_the_command_line_runs_doctor(home, tmp_path) -> None:
    from tests.cli_helpers import Cli

    make_store(home)
    cli = Cli(home, server=None)
    result = cli.run("doctor", XDG_CONFIG_HOME=str(tmp_path / "config"), COLUMNS="100", LINES="30")
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    assert "Tout est en ordre." in result.stdout
    result = cli.run("doctor", "--json", XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert doctor.Report.model_validate_json(result.stdout).healthy
    (home / "profiles" / "default" / "store.db").chmod(0o644)
    result = cli.run("doctor", "--lang", "en", XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert result.returncode == EXIT_USAGE
    assert "readable by other users" in result.stdout


def test_fix_sets_a_damaged_store_aside_after_saving_its_queued_changes(store_of, tmp_path) -> None:
    """A change queued in a store damaged elsewhere survives `doctor --fix`: read out, kept in
    JSON beside the damaged files, queued again in a fresh store."""
    import json
    import shutil
    import sqlite3

    from alin_tui.store import actions, outbox
    from alin_tui.store.db import connect
    from tests.cli_helpers import Cli

    profile = tmp_path / "data" / "profiles" / "default"
    profile.mkdir(parents=True)
    store = profile / "store.db"
    shutil.copy(store_of("complet"), store)
    db = connect(store)
    offer = db.execute(
        "SELECT id FROM offers WHERE department = '69' AND status = 'open' LIMIT 1"
    ).fetchone()[0]
    assert actions.apply(db, offer).queued is not None
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    outbox_page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'outbox'").fetchone()
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.close()
    with open(store, "r+b") as f:  # damage the offers' pages, far from the outbox's own
        for page in range(pages - 40, pages - 5):
            if page != outbox_page[0] - 1:
                f.seek(page * 4096 + 100)
                f.write(b"\xff" * 2000)
    check = sqlite3.connect(store)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    check.close()

    cli = Cli(tmp_path / "data", server=None)
    fixed = cli.run("doctor", "--fix")
    assert "mise de côté" in fixed.stdout and "1 changement(s) jamais envoyé(s)" in fixed.stdout
    (aside,) = [p for p in profile.iterdir() if p.name.startswith("base-abimee-")]
    saved = json.loads((aside / "changements-en-file.json").read_text("utf-8"))
    assert [row["name"] for row in saved] == ["application.create"]
    assert (aside / "store.db").exists()  # nothing deleted
    fresh = connect(store)
    assert [r.name for r in outbox.pending(fresh)] == ["application.create"]
    fresh.close()
    assert cli.run("status").returncode == 0
