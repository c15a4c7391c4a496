"""Bad input at the edge: every option and environment variable refused with a sentence that
names the value and what is expected, in the user's language; never a traceback (exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import Cli


def _refused(result, *words: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize(
    "server",
    [
        "http://[::1",
        "http://256.256.256.256",
        "localhost:8765",
        "ftp://x",
        "http://h:0",
        "http://h:99999",
    ],
)
def test_a_server_address_that_cannot_be_one(tmp_path: Path, server: str) -> None:
    cli = Cli(tmp_path / "data", server=server)
    _refused(cli.run("sync", "--once"), "adresse de serveur invalide", "http://127.0.0.1:8765")
    _refused(cli.run("--lang", "en", "status"), "invalid server address")


@pytest.mark.parametrize("server", ["http://[::1]:8765", "https://alin.example.fr/api"])
def test_a_good_address_passes_the_check(tmp_path: Path, server: str) -> None:
    assert Cli(tmp_path / "data", server=server).run("status").returncode == 0


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("abc", "un nombre est attendu"),
        ("-1", "plus grand que 0 est attendu"),
        ("nan", "un nombre fini est attendu"),
        ("1e308", "de 600 au plus"),
    ],
)
def test_an_http_timeout_that_is_not_a_duration(tmp_path: Path, value: str, said: str) -> None:
    cli = Cli(tmp_path / "data", server="http://127.0.0.1:9")
    _refused(cli.run("sync", "--once", ALIN_HTTP_TIMEOUT=value), said)


@pytest.mark.parametrize("where", ["file", "devnull", "empty"])
def test_a_data_dir_that_cannot_hold_a_profile(tmp_path: Path, where: str) -> None:
    target = {"file": tmp_path / "a-file", "devnull": Path("/dev/null"), "empty": ""}[where]
    if where == "file":
        target.write_text("not a folder")
    cli = Cli(tmp_path / "data", server=None)
    result = cli.run("--data-dir", str(target), "status")
    _refused(result, "dossier")
    assert not Path("profiles").exists()  # nothing written where the command ran


def test_a_mistyped_data_dir_is_said_never_made_up(tmp_path: Path) -> None:
    """`status --data-dir` with a typo: said in words; no empty folder made that would read as
    « nothing synced yet »."""
    typo = tmp_path / "dossiers" / "foyers"
    cli = Cli(tmp_path / "data", server=None)
    for args in (["status"], ["offers", "search", "x"], ["attention", "list"]):
        result = cli.run("--data-dir", str(typo), *args)
        assert result.returncode == 1, args
        assert "aucun dossier de données" in result.stderr and str(typo) in result.stderr
    assert not typo.exists() and not typo.parent.exists()


def test_serve_on_a_taken_port_says_so_before_announcing_anything(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cli = Cli(tmp_path / "data", server=None)
        result = cli.run("serve", "--port", str(port), "--db", str(tmp_path / "s.db"))
    assert result.returncode == 2 and result.stdout == ""  # no address announced, then dropped
    assert f"le port {port} est déjà pris" in result.stderr and "Traceback" not in result.stderr


def test_tls_checking_off_is_said_at_every_command(tmp_path: Path, monkeypatch) -> None:
    cli = Cli(tmp_path / "data", server=None)
    quiet = cli.run("status")
    assert "TLS" not in quiet.stderr
    for _ in range(2):
        loud = cli.run("status", ALIN_TLS_VERIFY="false")
        assert loud.returncode == 0 and "vérification des certificats TLS est coupée" in loud.stderr
    _refused(cli.run("status", ALIN_TLS_VERIFY="maybe"), "true ou false attendu")

    import httpx

    from alin_tui.sync.client import Client

    seen = []
    real = httpx.Client

    def spy(*args, **kwargs):
        seen.append(kwargs.get("verify"))
        return real(*args, **kwargs)

    monkeypatch.setattr(httpx, "Client", spy)
    Client("https://alin.example.fr").close()
    monkeypatch.setenv("ALIN_TLS_VERIFY", "false")
    Client("https://alin.example.fr").close()
    assert seen == [True, False]


def test_a_config_file_that_is_not_text_is_named(tmp_path: Path) -> None:
    config = tmp_path / "xdg" / "alin-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_bytes(b"\xff\xfe garbage")
    cli = Cli(tmp_path / "data", server=None)
    _refused(cli.run("status", XDG_CONFIG_HOME=str(tmp_path / "xdg")), "pas du texte en UTF-8")
    doctor = cli.run("doctor", XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    config.write_text('lang = "de\n', "utf-8")
    _refused(cli.run("status", XDG_CONFIG_HOME=str(tmp_path / "xdg")), "ligne 1, colonne")


@pytest.mark.parametrize(
    "command", [["status"], ["offers", "search", "", "--all"], ["offers", "search", "", "--json"]]
)
def test_a_reader_that_stops_early_is_no_error(store_of, tmp_path: Path, command) -> None:
    """`alin-tui status | head -1`: the reader has what it wanted; exit 0, no traceback."""
    import shutil
    import subprocess
    import sys

    profile = tmp_path / "data" / "profiles" / "default"
    profile.mkdir(parents=True)
    shutil.copy(store_of("complet"), profile / "store.db")
    cli = Cli(tmp_path / "data", server=None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "alin_tui", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli.env(),
    )
    proc.stdout.read(10)
    proc.stdout.close()  # as `head -c 10` does
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, stderr
    assert "Traceback" not in stderr


def test_an_output_that_cannot_be_written_is_not_called_a_full_data_disk(tmp_path: Path) -> None:
    import subprocess
    import sys

    cli = Cli(tmp_path / "data", server=None)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "alin_tui", "status"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=cli.env(),
        )
    assert result.returncode == 1 and "impossible d'écrire la sortie" in result.stderr
    assert "synchronisation" not in result.stderr and "Traceback" not in result.stderr


def test_login_on_the_embedded_sandbox_knows_the_default_profiles_demo_account(
    tmp_path: Path,
) -> None:
    cli = Cli(tmp_path / "data", server=None)
    result = cli.run("login", "--password-stdin", stdin="demo\n")
    assert result.returncode == 0, result.stderr
    assert "Connecté en tant que demo" in result.stdout
    other = Cli(tmp_path / "data", server=None, profile="inconnu-ici")
    result = other.run("login", "--password-stdin", stdin="x\n")  # no account of that name
    assert result.returncode == 1 and "identifiant manquant" in result.stderr
