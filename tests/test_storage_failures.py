"""Damage named right, nothing lost: a store that cannot write (a full disk, a read-only folder)
is said to be that, the sync that failed is never reported as synced, and what was queued
stays queued."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from alin_tui.store import storage
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session
from alin_tui.sync.status import status_json
from alin_tui.ui.i18n import Translator
from alin_tui.ui.views import sync_line
from tests.cli_helpers import Cli
from tests.servers import free_port, serve


def test_a_store_that_fills_up_mid_pull_is_not_called_synced(sandbox, tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    session = Session(path, sandbox.url, credentials=Credentials("demo", "demo"))
    db = connect(path)
    try:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 40}")  # SQLite's own « disk is full »
        with pytest.raises(sqlite3.OperationalError) as failed:
            session.engine(db).sync_once()
        assert storage.kind_of(failed.value) == storage.DISK_FULL
    finally:
        db.close()
    db = connect(path)
    try:
        doc = status_json(db, tmp_path / "dépôt")
        assert doc["sync"]["state"] == "error" and doc["sync"]["last_sync_at"] is None
        assert sync_line(db, Translator("fr"))[0].startswith("Disque plein")
        assert sync_line(db, Translator("en"))[0].startswith("Disk full")
    finally:
        db.close()
    assert session.sync().error is None  # room again: the next sync finishes
    db = connect(path)
    try:
        assert status_json(db, tmp_path / "dépôt")["sync"]["state"] == "synced"
    finally:
        db.close()
    session.close()


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (sqlite3.OperationalError("database or disk is full"), storage.DISK_FULL),
        (sqlite3.OperationalError("attempt to write a readonly database"), storage.READ_ONLY),
        (sqlite3.OperationalError("database is locked"), storage.LOCKED),
        (sqlite3.DatabaseError("file is not a database"), storage.DAMAGED),
        (OSError(28, "No space left on device"), storage.DISK_FULL),
        (OSError(30, "Read-only file system"), storage.READ_ONLY),
    ],
)
def test_each_failure_has_its_own_sentence(error, kind) -> None:
    assert storage.kind_of(error) == kind
    fr = storage.describe(error, Translator("fr"), Path("/données"))
    en = storage.describe(error, Translator("en"), Path("/data"))
    assert "/données" in fr and "/data" in en
    if kind == storage.READ_ONLY:  # never advise setting aside a store that is not damaged
        assert "de côté" not in fr and "lecture seule" in fr


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 1 MiB tmpfs (root only, where mounting is allowed)."""
    mount = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"no tmpfs can be mounted here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_real_full_disk_is_named_and_status_tells_the_truth(tiny_disk, tmp_path) -> None:
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    port = free_port()
    proc = serve(tmp_path / "sandbox.db", port, "--offers", "3000")
    try:
        cli = Cli(tiny_disk / "data", f"http://127.0.0.1:{port}")
        assert cli.login("complet").returncode == 0
        result = cli.run("sync", "--once")
        assert result.returncode == 1
        assert "le disque est plein" in result.stderr and "Traceback" not in result.stderr
        status = cli.run("status")
        assert status.returncode == 0 and "Disque plein" in status.stdout
        assert cli.status()["sync"]["state"] == "error"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_read_only_folder_is_named_and_nothing_is_advised_away(tiny_disk, tmp_path) -> None:
    """A profile on a folder that became read-only: every command says so, status still exits 0,
    and no message advises setting the store aside (it is not damaged)."""
    port = free_port()
    proc = serve(tmp_path / "sandbox.db", port, "--offers", "50")
    try:
        cli = Cli(tiny_disk / "data", f"http://127.0.0.1:{port}")
        assert cli.login("demo").returncode == 0
        assert cli.run("sync", "--once").returncode == 0
        remount = subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {remount.stderr.decode().strip()}")
        login = ["login", "--username", "demo", "--password-stdin"]
        for args, code in ((["status"], 0), (["sync", "--once"], 1), (login, 1)):
            result = cli.run(*args, stdin="demo\n") if args == login else cli.run(*args)
            assert result.returncode == code, (args, result.stderr)
            assert "lecture seule" in result.stderr, (args, result.stderr)
            assert "Traceback" not in result.stderr and "de côté" not in result.stderr
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)], check=False)
        proc.terminate()
        proc.wait(timeout=10)
