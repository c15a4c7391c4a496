"""Guessing is slowed down in the sandbox: wrong passwords and unknown numbers, past ten, wait
(429 `rate_limited` with `Retry-After`); the right password and a reset are never held back."""

from __future__ import annotations

import httpx

from alin_tui.sandbox.limits import Limiter


def test_the_limiter_counts_failures_in_its_window() -> None:
    now = [0.0]
    limiter = Limiter(3, 60.0, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.wait("a") is None
        limiter.failed("a")
    assert limiter.wait("a") == 60 and limiter.wait("b") is None
    now[0] = 61.0
    assert limiter.wait("a") is None


def test_wrong_passwords_past_ten_wait(sandbox) -> None:
    url = f"{sandbox.url}/auth/token"
    for _ in range(10):
        assert httpx.post(url, json={"username": "demo", "password": "x"}).status_code == 401
    held = httpx.post(url, json={"username": "demo", "password": "demo"})
    assert held.status_code == 429 and held.json()["error"]["code"] == "rate_limited"
    assert int(held.headers["Retry-After"]) >= 1
    other = httpx.post(url, json={"username": "complet", "password": "complet"})
    assert other.status_code == 200  # another account is not held back
    reset = httpx.post(
        f"{sandbox.url}/sandbox/v1/reset", headers={"Authorization": "Bearer admin-test"}
    )
    assert reset.status_code == 200
    assert httpx.post(url, json={"username": "demo", "password": "demo"}).status_code == 200


def test_trying_number_after_number_waits(sandbox, api) -> None:
    for i in range(10):
        number = f"1111023517{i:03d}GDPUB"[:13] + "GDPUB"
        assert api.one("demo", "alin", "link.create", {"nur": number})["code"] == "nur_unknown"
    mutation = {"id": 11, "name": "link.create", "args": {"nur": "1111023517999GDPUB"}}
    r = api.push("demo", "alin", [mutation])
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1


def test_the_right_password_forgets_earlier_slips(sandbox) -> None:
    url = f"{sandbox.url}/auth/token"
    for _ in range(2):
        for _ in range(9):
            assert httpx.post(url, json={"username": "demo", "password": "x"}).status_code == 401
        assert httpx.post(url, json={"username": "demo", "password": "demo"}).status_code == 200


def test_login_held_back_says_how_long_in_words(sandbox, tmp_path) -> None:
    from tests.cli_helpers import Cli

    cli = Cli(tmp_path / "data", sandbox.url)
    for _ in range(10):
        cli.run("login", "--username", "demo", "--password-stdin", stdin="wrong\n")
    held = cli.run("login", "--username", "demo", "--password-stdin", stdin="demo\n")
    assert held.returncode == 2
    assert "trop d'essais manqués" in held.stderr and " s " in held.stderr
    assert "429" not in held.stderr and "synchronisation" not in held.stderr
