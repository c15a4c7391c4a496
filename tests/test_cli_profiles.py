"""Households as profiles, the readable status and the command line in both languages, run as
people run them: the real `alin-tui` in a subprocess, over a real sandbox on loopback."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from alin_tui.profiles_json import ProfileList
from tests.cli_helpers import Cli

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def advisor(sandbox, tmp_path: Path) -> Cli:
    """An advisor with three households, each logged in to its own account."""
    cli = Cli(tmp_path / "data", sandbox.url)
    for name, user in (
        ("martin", "foyer-01"),
        ("diallo", "renouvellement"),
        ("nguyen", "foyer-04"),
    ):
        assert cli.run("profiles", "add", name).returncode == 0
        r = cli.run("--profile", name, "login", "--username", user, "--password-stdin", stdin=user)
        assert r.returncode == 0, r.stderr
    return cli


def test_three_households_synced_in_one_command_then_listed(advisor: Cli) -> None:
    r = advisor.run("sync", "--all-profiles")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert [line.split(" :")[0] for line in lines] == ["diallo", "martin", "nguyen"]
    assert all("synchronisé" in line for line in lines)

    listed = ProfileList.model_validate_json(advisor.run("profiles", "list", "--json").stdout)
    rows = {p.name: p for p in listed.profiles}
    assert rows["diallo"].stage == "renewal_due" and 0 <= rows["diallo"].days_left <= 30
    assert rows["martin"].stage == "radiated"
    assert rows["nguyen"].missing and rows["nguyen"].missing > 0
    assert all(p.last_sync_at for p in listed.profiles)

    table = advisor.run("profiles", "list").stdout
    assert "Renouvellement à faire" in table and "Demande radiée" in table
    assert not ISO_DAY.search(table)
    english = advisor.run("--lang", "en", "profiles", "list").stdout
    assert "Renewal due" in english and "Profile" in english and "Étape" not in english


def test_sync_tells_of_new_offers_for_a_saved_search_once(advisor: Cli, sandbox) -> None:
    """The command line, like the app, announces offers arrived for a saved search after a
    sync: on the household's line with --all-profiles, on a line of its own otherwise; each
    arrival once."""
    import httpx

    assert advisor.run("sync", "--all-profiles").returncode == 0
    saved = advisor.run("--profile", "nguyen", "offers", "save", "montreuil", "montreuil")
    assert saved.returncode == 0, saved.stderr
    fields = {
        "reference": "NOUV-1",
        "residence_title": "Résidence des Murs-à-Pêches",
        "address": "12 rue de Rosny",
        "commune": "Montreuil",
        "postal_code": "93100",
        "typology": "T3",
        "department": "93",
        "zone": "idf",
        "surface_m2": 64.0,
        "floor": 2,
        "rent_cents": 61000,
        "charges_cents": 9000,
        "financing": "PLUS",
        "available_on": "2027-01-01",
        "closes_on": "2027-01-20",
        "status": "open",
    }
    r = httpx.post(
        f"{sandbox.url}/sandbox/v1/offers",
        json={"fields": fields},
        headers={"Authorization": "Bearer admin-test"},
    )
    assert r.status_code == 201, r.text
    r = advisor.run("sync", "--all-profiles")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("nguyen"))
    assert "nouvelles offres : montreuil (1)" in line, r.stdout
    assert "nouvelles offres" not in r.stdout.replace(line, "")
    again = advisor.run("--profile", "nguyen", "sync", "--once")
    assert "Nouvelles offres" not in again.stdout  # announced once
    new = json.loads(advisor.run("--profile", "nguyen", "offers", "new", "--json").stdout)
    assert [o["reference"] for o in new] == ["NOUV-1"]  # still new until looked at


def test_a_household_never_synced_is_told_to_log_in_or_to_sync(sandbox, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.run("profiles", "add", "neuf").returncode == 0
    r = cli.run(
        "--profile", "connu", "login", "--username", "demo", "--password-stdin", stdin="demo"
    )
    assert r.returncode == 0, r.stderr
    table = cli.run("profiles", "list").stdout
    assert "pas encore synchronisé" in table and "Créer la demande" not in table
    here = f"alin-tui --data-dir {cli.data_dir}"
    assert f"neuf : se connecter au compte du foyer : {here} --profile neuf login" in table
    assert f"connu : synchroniser : {here} --profile connu sync --once" in table
    rows = ProfileList.model_validate_json(cli.run("profiles", "list", "--json").stdout)
    assert {p.name: (p.stage, p.next_step, p.logged_in) for p in rows.profiles} == {
        "connu": (None, None, True),
        "neuf": (None, None, False),
    }
    english = cli.run("--lang", "en", "profiles", "list").stdout
    assert "not synced yet" in english and "neuf: log in" in english


def test_one_household_failing_does_not_stop_the_others(sandbox, tmp_path: Path) -> None:
    from tests.faultproxy import FaultProxy

    with FaultProxy(int(sandbox.url.rsplit(":", 1)[1])) as proxy:
        cli = Cli(tmp_path / "data", proxy.url)
        for name in ("a", "b"):
            r = cli.run(
                "--profile",
                name,
                "login",
                "--username",
                "complet",
                "--password-stdin",
                stdin="complet",
            )
            assert r.returncode == 0, r.stderr
        assert cli.run("profiles", "add", "c").returncode == 0  # never logged in
        r = cli.run("sync", "--all-profiles")
        assert r.returncode == 2  # one could not sync: 2 wins
        lines = r.stdout.strip().splitlines()
        assert lines[0].startswith("a : synchronisé") and lines[1].startswith("b : synchronisé")
        assert (
            lines[2] == f"c : pas connecté : alin-tui --data-dir {cli.data_dir} --profile c login"
        )
        proxy.mode = "reset"
        r = cli.run("--lang", "en", "sync", "--all-profiles")
        assert r.returncode == 2
        assert r.stdout.splitlines()[0].startswith("a: failed: server unreachable")


def test_an_unknown_profile_is_an_error_naming_the_existing_ones(advisor: Cli) -> None:
    for args in (["status"], ["status", "--json"], ["sync", "--once"], ["offers", "search", "x"]):
        r = advisor.run("--profile", "dupont", *args)
        assert r.returncode == 1, args
        assert "dupont" in r.stderr and "diallo, martin, nguyen" in r.stderr
        assert not (advisor.data_dir / "profiles" / "dupont").exists()
    r = advisor.run("--profile", "dupont", "--lang", "en", "status")
    assert "unknown profile" in r.stderr and "Existing profiles: diallo, martin, nguyen" in r.stderr


def test_remove_asks_first_and_needs_yes_without_a_terminal(advisor: Cli) -> None:
    r = advisor.run("profiles", "remove", "martin")  # stdin is not a terminal: no way to ask
    assert r.returncode == 1 and "--yes" in r.stderr
    assert (advisor.data_dir / "profiles" / "martin" / "token.json").exists()
    r = advisor.run("profiles", "remove", "martin", "--yes")
    assert r.returncode == 0
    assert not (advisor.data_dir / "profiles" / "martin").exists()
    r = advisor.run("profiles", "remove", "martin", "--yes")
    assert r.returncode == 1 and "inconnu" in r.stderr


def test_remove_in_a_terminal_asks_and_keeps_everything_on_no(advisor: Cli) -> None:
    import os
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: alin-tui on a real terminal
        os.execve(
            sys.executable,
            [sys.executable, "-m", "alin_tui", "profiles", "remove", "diallo"],
            advisor.env(),
        )
    out = b""
    while b"[o/N]" not in out:
        out += os.read(fd, 1024)
    os.write(fd, b"n\n")
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
    assert "définitive" in out.decode() and "Rien n'a été supprimé" in out.decode()
    assert (advisor.data_dir / "profiles" / "diallo").is_dir()


def test_rename_keeps_the_token_and_the_queued_uploads(advisor: Cli) -> None:
    assert advisor.run("--profile", "nguyen", "sync", "--once").returncode == 0
    store = advisor.data_dir / "profiles" / "nguyen" / "store.db"
    old = str(store.parent)
    conn = sqlite3.connect(store)
    with conn:
        conn.execute(
            "INSERT INTO uploads (local_id, slot_id, source, staged, filename, sha256, length,"
            " created_at) VALUES ('u1', 's1', ?, ?, 'a.pdf', 'x', 1, 'now')",
            (old + "/dépôt/a.pdf", old + "/staging/a.pdf"),
        )
    conn.close()
    r = advisor.run("profiles", "rename", "nguyen", "nguyen-b")
    assert r.returncode == 0, r.stderr
    moved = advisor.data_dir / "profiles" / "nguyen-b"
    conn = sqlite3.connect(moved / "store.db")
    staged, source = conn.execute("SELECT staged, source FROM uploads").fetchone()
    conn.close()
    assert staged == str(moved / "staging" / "a.pdf") and source == str(moved / "dépôt" / "a.pdf")
    assert advisor.run("--profile", "nguyen-b", "status", "--json").returncode == 0
    assert advisor.run("profiles", "rename", "nguyen-b", "diallo").returncode == 1  # taken
    assert advisor.run("profiles", "add", "../x").returncode == 1  # not a name


def test_profiles_are_private_whatever_the_umask(sandbox, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    r = subprocess.run(
        ["sh", "-c", f"umask 022 && {sys.executable} -m alin_tui profiles add p"],
        env=cli.env(),
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    r = subprocess.run(
        ["sh", "-c", f"umask 022 && {sys.executable} -m alin_tui --profile p status --json"],
        env=cli.env(),
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    profile = tmp_path / "data" / "profiles" / "p"
    for path in (tmp_path / "data", profile, profile / "store.db"):
        assert path.stat().st_mode & 0o077 == 0, path
    assert cli.run("doctor").returncode == 0, cli.run("doctor").stdout


def test_a_refused_login_leaves_no_new_profile_behind(sandbox, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    r = cli.run("--profile", "typo", "login", "--username", "demo", "--password-stdin", stdin="x")
    assert r.returncode == 1 and "refusée" in r.stderr
    assert not (tmp_path / "data" / "profiles" / "typo").exists()


def test_a_profile_holding_a_household_refuses_another_account(sandbox, tmp_path: Path) -> None:
    """One profile, one household: the queued application of one account is never sent under
    another, nor the other's dossier pulled over it."""
    cli = Cli(tmp_path / "data", sandbox.url, profile="cc")
    assert cli.login("complet").returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    offer = json.loads(cli.run("offers", "search", "lyon", "--json", "--limit", "1").stdout)[0]
    assert cli.run("apply", offer["reference"]).returncode == 0  # queued, not sent
    token = tmp_path / "data" / "profiles" / "cc" / "token.json"
    before = token.read_text()
    r = cli.run("login", "--username", "demo", "--password-stdin", stdin="demo")
    assert r.returncode == 1
    assert "« complet »" in r.stderr and "« demo »" in r.stderr
    assert f"alin-tui --data-dir {cli.data_dir} profiles add NOM" in r.stderr
    assert token.read_text() == before  # still the household's own login
    asked = cli.run("login", "--username", "demo")  # no password given: refused before asking
    assert asked.returncode == 1 and "« complet »" in asked.stderr
    assert cli.run("sync", "--once").returncode == 0  # the application goes as complet's
    status = json.loads(cli.run("status", "--json").stdout)
    assert status["sync"]["pending"] == 0 and status["sync"]["errors"] == []  # taken by AL-in
    applied = [a for a in status["applications"] if a["offer_id"] == offer["id"]]
    assert applied and not applied[0]["queued"]
    again = cli.run("login", "--username", "complet", "--password-stdin", stdin="complet")
    assert again.returncode == 0, again.stderr  # the same account logs in again


def test_an_empty_profile_may_be_logged_in_to_another_account(sandbox, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.run("profiles", "add", "neuf", "--username", "complet").returncode == 0
    r = cli.run(
        "--profile", "neuf", "login", "--username", "demo", "--password-stdin", stdin="demo"
    )
    assert r.returncode == 0, r.stderr  # nothing received nor queued: nothing to mix
    rows = ProfileList.model_validate_json(cli.run("profiles", "list", "--json").stdout)
    assert [(p.name, p.username) for p in rows.profiles] == [("neuf", "demo")]


def test_status_in_words_in_both_languages(sandbox, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("demo").returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    french = cli.run("status")
    assert french.returncode == 0
    text = french.stdout
    assert "Dossier incomplet" in text
    assert re.search(r"\d{3} \d{4} \d{6} [A-Z]{5}", text)  # the number, grouped
    assert "Renouvellement avant le" in text and "dans " in text and "jours" in text
    assert "refusée (motif : « illisible »)" in text
    assert "Synchronisation : à jour" in text
    for code in ("incomplete", "send_documents", "synced", "pj-", "payslips"):
        assert code not in text, code
    assert not ISO_DAY.search(text)
    english = cli.run("--lang", "en", "status").stdout
    assert "Incomplete dossier" in english and "Documents to provide or replace" in english
    assert "Renew before" in english and "Sync: up to date" in english
    assert "Pièces" not in english and not ISO_DAY.search(english)
    env_english = cli.run("status", LANG="en_GB.UTF-8").stdout
    assert env_english == english
    json_doc = cli.status()  # unchanged for scripts
    assert json_doc["stage"] == "incomplete" and json_doc["next_step"] == "send_documents"


def test_offers_search_prints_amounts_in_the_language(sandbox, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("complet").returncode == 0
    assert cli.run("sync", "--once").returncode == 0
    offers = json.loads(cli.run("offers", "search", "--json", "--limit", "3").stdout)
    three = cli.run("offers", "search", "--limit", "3")
    text = three.stdout.splitlines()  # one line per offer; the limit said on stderr
    assert "Les 3 premières seulement" in three.stderr and "--limit 6" in three.stderr
    english = cli.run("--lang", "en", "offers", "search", "--limit", "3").stdout.splitlines()
    for offer, fr_line, en_line in zip(offers, text, english, strict=True):
        cents = offer["rent_cents"] + offer["charges_cents"]
        euros, rest = divmod(cents, 100)
        assert f"{euros:,}".replace(",", "\u202f") + f",{rest:02d}\xa0€" in fr_line
        assert f"€{euros:,}.{rest:02d}" in en_line
        assert not re.search(r"\d\.\d\d €", fr_line)


def test_a_corrupt_store_is_named_and_left_untouched(sandbox, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("demo").returncode == 0
    store = tmp_path / "data" / "profiles" / "default" / "store.db"
    store.write_bytes(b"this is not a database, but the user's file" * 100)
    before = store.read_bytes()
    for args in (["status"], ["status", "--json"], ["sync", "--once"], ["offers", "search", "x"]):
        r = cli.run(*args)
        assert r.returncode == (0 if args == ["status"] else 1), args  # status always exits 0
        assert "endommagée" in r.stderr and str(store) in r.stderr and "Traceback" not in r.stderr
        assert store.read_bytes() == before
    listed = ProfileList.model_validate_json(cli.run("profiles", "list", "--json").stdout)
    assert listed.profiles[0].damaged is True
    assert listed.profiles[0].store_problem == "damaged"
    r = cli.run("--lang", "en", "status")
    assert "damaged" in r.stderr


def test_a_store_out_of_reach_is_not_called_damaged(store_of, tmp_path: Path, monkeypatch) -> None:
    """A read-only folder (a copy on a read-only mount) or a store another process holds: the
    list says so, never that the store is damaged."""
    from alin_tui import profiles
    from alin_tui.config import Settings
    from alin_tui.store import db

    settings = Settings(data_dir=tmp_path / "data", profile="copie")
    settings.profile_dir.mkdir(parents=True)
    settings.store_path.write_bytes(store_of("complet").read_bytes())

    def read_only(*args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(db, "connect", read_only)
    row = profiles.summary(settings)
    assert row["damaged"] is True and row["store_problem"] == "unavailable"


def test_help_follows_the_language(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", None)
    french = cli.run("--help").stdout
    assert "usage : alin-tui" in french and "afficher cette aide" in french
    english = cli.run("--lang", "en", "--help").stdout
    assert "usage: alin-tui" in english and "show this help message" in english
    assert "Your social-housing demand" in english and "fichier national" not in english
    assert cli.run("--help", LANG="en_US.UTF-8").stdout == english
    assert cli.run("--help", LANG="en_US.UTF-8", ALIN_LANG="fr").stdout == french
    sub = cli.run("offers", "search", "--help", "--lang", "en").stdout
    assert "rent including charges" in sub
    for command in ("profiles", "doctor", "export", "completion", "sync", "status"):
        r = cli.run(command, "--help", "--lang", "en")
        assert r.returncode == 0 and "usage: alin-tui " + command in r.stdout, command


def test_bad_values_are_refused_in_words(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", None)
    for value in ("nan", "inf", "1e308", "abc", "-5"):
        r = cli.run("offers", "search", "x", "--max-rent", value)
        assert r.returncode == 2 or r.returncode == 1
        assert "montant en euros attendu" in r.stderr and "Traceback" not in r.stderr
    r = cli.run("serve", "--port", "70000", "--lang", "en")
    assert "a port was expected" in r.stderr
    r = cli.run("status", "--nope")
    assert "arguments non reconnus" in r.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_are_generated(tmp_path: Path, shell: str) -> None:
    cli = Cli(tmp_path / "data", None)
    r = cli.run("completion", shell)
    assert r.returncode == 0
    script = r.stdout
    for word in (
        "profiles",
        "doctor",
        "export",
        "--all-profiles",
        "--mark-read",
        "_alin_tui_profiles",
    ):
        assert word in script, word
    if shell == "bash":
        checked = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
        assert checked.returncode == 0, checked.stderr
    names = cli.run("profiles", "list", "--names")
    assert names.returncode == 0


def test_bash_completes_the_profiles_of_the_data_directory_on_the_line(tmp_path: Path) -> None:
    import os

    cli = Cli(tmp_path / "data", None)
    for name in ("martin", "diallo"):
        assert cli.run("profiles", "add", name).returncode == 0
    script = cli.run("completion", "bash").stdout
    data = tmp_path / "data"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("ALIN_DATA_DIR", None)
    for words in (f"--data-dir {data} --profile ''", f"--data-dir = {data} sync --profile ''"):
        probe = f'{script}\nCOMP_WORDS=(alin-tui {words})\n_alin_tui_profiles ""\n'
        done = subprocess.run(
            ["bash", "-c", probe], text=True, capture_output=True, env=env, check=False
        )
        assert sorted(done.stdout.split()) == ["diallo", "martin"], (done.stdout, done.stderr)


def test_help_and_status_json_import_no_interface_and_no_web_framework(tmp_path: Path) -> None:
    heavy = {"textual", "fastapi", "starlette", "uvicorn"}
    for argv in (["--help"], ["--data-dir", str(tmp_path), "status", "--json"]):
        code = (
            "import sys, json, contextlib, io\n"
            "from alin_tui.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            f"    main({argv!r})\n"
            "print(json.dumps(sorted(sys.modules)))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
        loaded = {m.split(".")[0] for m in json.loads(out.splitlines()[-1])}
        assert not loaded & heavy, (argv, loaded & heavy)


def test_a_household_stays_on_the_server_it_logged_in_to(sandbox, tmp_path: Path) -> None:
    on_server = Cli(tmp_path / "data", sandbox.url, profile="srv")
    assert on_server.login("complet").returncode == 0
    assert on_server.run("sync", "--once").returncode == 0
    forgot = Cli(tmp_path / "data", None, profile="srv")  # --server forgotten: its server still
    r = forgot.run("sync", "--once")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "data/profiles/srv/token.json").read_text())["server"] == (
        sandbox.url
    )
    report = json.loads(forgot.run("doctor", "--json").stdout)  # doctor checks that server
    server = next(e for e in report["config"] if e["name"] == "server")
    assert (server["value"], server["source"]) == (sandbox.url, "profile")
    assert next(c for c in report["checks"] if c["id"] == "server")["ok"] is True
    other = Cli(tmp_path / "data", "http://127.0.0.1:9", profile="srv")
    r = other.run("sync", "--once")
    assert r.returncode == 1 and "est lié à " + sandbox.url in r.stderr
    r = other.run("doctor")
    assert r.returncode == 1 and "ce profil est lié à " + sandbox.url in r.stdout
    assert other.run("status").returncode == 0  # reading the store needs no server at all
    demo = Cli(tmp_path / "data", None)  # the default profile, on the embedded sandbox
    assert demo.run("sync", "--once").returncode == 0
    r = Cli(tmp_path / "data", sandbox.url).run("--lang", "en", "sync", "--once")
    assert r.returncode == 1 and "bound to the embedded sandbox" in r.stderr
    r = Cli(tmp_path / "data", sandbox.url).run("sync", "--once")
    assert "est lié au bac à sable intégré (démonstration), pas à " + sandbox.url in r.stderr


def test_bad_usage_is_one_line_and_exit_1(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", None)
    for args in (
        ["offers", "search", "x", "--max-rent", "abc"],
        ["--lang", "de"],
        ["completion", "fish"],
        ["offers"],
        ["status", "--nope"],
    ):
        r = cli.run(*args)
        assert r.returncode == 1, args
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 2 and lines[1].startswith("Aide : alin-tui"), lines
        assert "usage" not in r.stderr


def test_household_names_may_have_accents_but_no_path(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", None)
    assert cli.run("profiles", "add", "Élodie").returncode == 0
    assert cli.run("--profile", "Élodie", "status", "--json").returncode == 0
    for bad in ("../x", "a/b", ".cache", "a b", "_x", ""):
        r = cli.run("profiles", "add", bad)
        assert r.returncode == 1 and "nom de profil invalide" in r.stderr, bad
    assert cli.run("profiles", "list", "--names").stdout.split() == ["Élodie"]


def test_a_narrow_terminal_gets_one_block_per_household_wrapped_at_words(advisor: Cli) -> None:
    import fcntl
    import os
    import pty
    import struct
    import termios

    import pyte

    assert advisor.run("sync", "--all-profiles").returncode == 0
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 60, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "alin_tui", "profiles", "list"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=advisor.env(),
    )
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait() == 0
    screen = pyte.Screen(60, 40)
    pyte.ByteStream(screen).feed(out.replace(b"\n", b"\r\n") if b"\r\n" not in out else out)
    lines = [line.rstrip() for line in screen.display if line.strip()]
    assert "diallo — Renouvellement à faire" in lines
    assert "martin — Demande radiée" in lines
    block = lines[lines.index("diallo — Renouvellement à faire") + 1]
    assert re.search(r"Renouvellement : \d\d/\d\d/\d{4}\xa0\(\d+\xa0j\)", block), block
    for line in lines:  # wrapped at words: no line ends inside a word of the next step
        assert len(line) < 60
    words = " ".join(lines).split()
    assert "l'échéance." in words and "demande" in words


def test_a_radiated_demand_is_shown_as_what_it_is(sandbox, tmp_path: Path) -> None:
    """DOMAIN.md: the reason in words, the date, seniority lost, what to do now; never « dossier
    complet » or « situation à jour » beside it."""
    cli = Cli(tmp_path / "data", sandbox.url)
    assert cli.login("foyer-01").returncode == 0  # radiated for want of renewal (RADREN)
    assert cli.run("sync", "--once").returncode == 0
    text = cli.run("status").stdout
    assert re.search(r"radiée le \d+ \w+ \d{4} : faute de renouvellement dans les délais", text)
    assert "ancienneté perdue" in text and "n'est plus valable" in text
    assert "Déposer une nouvelle demande" in text
    for contradiction in ("complet", "à jour sur AL-in", "Situation de départ", "RADREN"):
        assert contradiction not in text.split("Synchronisation")[0], contradiction
    english = cli.run("--lang", "en", "status").stdout
    assert "cancelled on" in english and "seniority lost" in english
    html = cli.run("export", "--format", "html").stdout
    assert "ancienneté perdue" in html and "Dossier complet" not in html


def test_the_commands_a_hint_gives_act_on_the_data_folder_typed(sandbox, tmp_path: Path) -> None:
    """`--data-dir` typed on the line is named again in what the user is told to type next,
    quoted for the shell, and that command works as given."""
    import shlex

    folder = tmp_path / "dossier des foyers"  # a space: the hint must quote it
    cli = Cli(tmp_path / "unused", sandbox.url)
    r = cli.run("--data-dir", str(folder), "profiles", "add", "dupont")
    assert r.returncode == 0, r.stderr
    hint = r.stdout.split("Connectez-le : ", 1)[1].strip()
    assert hint == f"alin-tui --data-dir {shlex.quote(str(folder))} --profile dupont login"
    argv = shlex.split(hint)[1:]
    done = cli.run(*argv, "--username", "demo", "--password-stdin", stdin="demo")
    assert done.returncode == 0, done.stderr
    assert (folder / "profiles" / "dupont" / "token.json").is_file()
    assert not (tmp_path / "unused" / "profiles" / "dupont").exists()
    unknown = cli.run("--data-dir", str(folder), "--profile", "durand", "status")
    assert unknown.returncode == 1
    assert f"alin-tui --data-dir {shlex.quote(str(folder))} profiles add durand" in unknown.stderr


def test_small_slips_get_words(tmp_path: Path) -> None:
    """A type of dwelling that does not exist, a profile to remove that does not exist: said,
    with what there is, never an empty answer or an offer to create what was to go."""
    cli = Cli(tmp_path / "data", None)
    r = cli.run("offers", "search", "x", "--typology", "T9")
    assert r.returncode == 1 and "studio, T1, T2, T3, T4, T5, T6" in r.stderr
    assert cli.run("profiles", "add", "martin").returncode == 0
    r = cli.run("profiles", "remove", "martine", "--yes")
    assert r.returncode == 1
    assert "Profils existants : martin." in r.stderr and "profiles add" not in r.stderr
