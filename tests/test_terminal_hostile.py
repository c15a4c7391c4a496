"""Server text that tries to take over the terminal, in a real pseudo-terminal: an offer written
by a hostile landlord (escape sequences, a window-title OSC, a right-to-left override, zero-width
characters, Rich markup) is shown as inert text, and none of its bytes reach the terminal."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from tests.cli_helpers import Cli
from tests.servers import free_port, serve
from tests.test_terminal import Terminal

HOSTILE = {
    "reference": "PIEGE-\u202e0021",
    "residence_title": "\x1b]0;pwned\x07Les Ti\u200bllleuls\x1b[2J",
    "address": "[bold red]12[/] rue \u2066du Port\u2069\ufeff",
    "commune": "Lyon\x9b31m",
    "postal_code": "69003",
    "department": "69",
    "zone": "other",
    "typology": "T3",
    "surface_m2": 64.0,
    "floor": 2,
    "rent_cents": 45_000,
    "charges_cents": 9_000,
    "financing": "PLUS",
    "available_on": "2027-01-15",
    "closes_on": "2026-12-20",
    "status": "open",
}


def test_a_hostile_offer_is_inert_on_screen_and_on_the_wire(tmp_path: Path) -> None:
    port = free_port()
    proc = serve(tmp_path / "sandbox.db", port, "--offers", "200", "--admin-token", "adm")
    url = f"http://127.0.0.1:{port}"
    try:
        created = httpx.post(
            f"{url}/sandbox/v1/offers",
            json={"fields": HOSTILE},
            headers={"Authorization": "Bearer adm"},
        )
        assert created.status_code == 201, created.text
        cli = Cli(tmp_path / "data", url)
        assert cli.login("complet").returncode == 0
        assert cli.run("sync", "--once").returncode == 0
        term = Terminal(tmp_path / "data", server=url)
        try:
            term.wait_for(lambda text: "Synchronisé à" in text)
            term.type(b"3")
            term.wait_for(lambda text: "Reste" in text)
            term.type(b"/piege")
            term.wait_for(lambda text: "1 / 1" in text and "Lyon 31m" in text)
            term.type(b"\t\r")  # to the list, then open the offer
            text = term.wait_for(lambda text: "rue du Port" in text)
            assert "[bold red]12[/] rue du Port" in text  # markup shown as typed, not applied
            assert "Les Tillleuls" in text and "PIEGE-0021" in text
        finally:
            term.close()
        for forbidden in (
            b"pwned",
            "\u202e".encode(),
            "\u2066".encode(),
            "\u200b".encode(),
            "\ufeff".encode(),
            b"\x9b31m",
            "\x9b".encode(),
        ):
            assert forbidden not in term.raw, forbidden
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_quitting_never_waits_for_a_server_that_does_not_answer(tmp_path: Path) -> None:
    """A server that accepts and then says nothing (a dead proxy, a captive portal): Ctrl+Q ends
    the app at once, not when the request times out a minute later."""
    import socket
    import time

    from alin_tui.sync.tokens import write_token

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    profile = tmp_path / "data" / "profiles" / "default"
    profile.mkdir(parents=True)
    write_token(
        profile / "token.json",
        server=url,
        username="demo",
        token="t",
        expires_at="2030-01-01T00:00:00Z",
    )
    term = Terminal(tmp_path / "data", server=url)
    try:
        term.wait_for(lambda text: "Synchronisation…" in text)  # the first sync under way
        time.sleep(0.5)  # the first request is now hanging
        start = time.monotonic()
        os.write(term.master, b"\x11")
        term.proc.wait(timeout=10)
        assert time.monotonic() - start < 4.0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
        silent.close()
