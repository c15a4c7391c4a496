"""A profile is private whatever left it open: a copy, an unpacked backup or another umask. Every
command repairs it at start (folders 0700, files 0600), without following links."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.cli_helpers import Cli


def _modes(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): stat.S_IMODE(os.lstat(p).st_mode)
        for p in root.rglob("*")
        if not p.is_symlink()
    }


def test_every_command_makes_the_profile_private_again(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", server=None)
    old = os.umask(0o022)
    try:
        assert cli.run("status").returncode == 0
        profile = tmp_path / "data" / "profiles" / "default"
        drop = profile / "dépôt"
        (drop / "traités").mkdir(parents=True, exist_ok=True)
        (drop / "avis 2025.pdf").write_bytes(b"%PDF-1.4 private")
        outside = tmp_path / "elsewhere.pdf"
        outside.write_bytes(b"%PDF-1.4 not ours")
        os.chmod(outside, 0o644)
        (drop / "lien.pdf").symlink_to(outside)
        for path in [profile, drop, drop / "traités", profile / "store.db", drop / "avis 2025.pdf"]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)

        assert cli.run("status").returncode == 0
    finally:
        os.umask(old)
    modes = _modes(profile)
    assert modes and all(
        mode == (0o700 if (profile / name).is_dir() else 0o600) for name, mode in modes.items()
    ), modes
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a link is not followed


def test_no_personal_datum_reaches_the_logs(tmp_path: Path) -> None:
    """At the default level the embedded sandbox logs no number, name, income or address, even
    after refusals (a wrong password, an unknown number, a bad request)."""
    import httpx

    from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig
    from alin_tui.store import applicant
    from alin_tui.store.db import connect
    from alin_tui.sync.session import Credentials, Session

    config = SandboxConfig(db=tmp_path / "sandbox.db", seed=1, offers=50, today=None)
    store = tmp_path / "store.db"
    with EmbeddedSandbox(config) as sandbox:
        session = Session(store, sandbox.url, credentials=Credentials("demo", "demo"))
        assert session.sync().error is None
        session.close()
        httpx.post(f"{sandbox.url}/auth/token", json={"username": "demo", "password": "nope"})
        httpx.post(f"{sandbox.url}/auth/token", content=b"{not json")
    conn = connect(store)
    data = applicant.load(conn, overlay=False)
    demand = data.demand_rule()
    secrets = [demand.nur, *(p.last_name for p in data.person_rules())]
    conn.close()
    log = tmp_path / "sandbox.log"
    text = log.read_text("utf-8") if log.exists() else ""
    for secret in secrets:
        assert secret and secret not in text
