"""Rows 9 and 10 of issue 14: a local write with its outbox row; whole processes.

- 9 a local write: `actions.apply` (the local gate, then `outbox.enqueue` inside
  `outbox.durable`: synchronous=FULL) on a store synced from the sandbox, each write from the
  same state (the queued row is dropped, untimed, after each). Baseline: a bare SQLite insert,
  one transaction, WAL and synchronous=FULL, a file in the same folder. p95 in milliseconds.
  The note gives `outbox.enqueue` inside `outbox.durable` alone.
- 10 whole processes, as a user or a script starts them: `alin-tui --help`,
  `alin-tui status --json` and `alin-tui apply OFFER_ID` (offline: it needs only the store of
  the profile; no server is configured or running), on a synced small store in a data folder
  of its own (ALIN_DATA_DIR, no configuration file). Baseline: `python -c pass` with the same
  interpreter. Each a median, in milliseconds; `apply` starts each time from a copy of the same
  store, so that every run queues one application.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # run alone, or imported by a test
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, median, p95  # noqa: E402

from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig  # noqa: E402
from alin_tui.store import actions, outbox  # noqa: E402
from alin_tui.store.db import connect  # noqa: E402
from alin_tui.sync.session import Credentials, Session  # noqa: E402

WRITE_TARGET_MS = 5.0
PROCESS_TARGET_MS = 150.0  # above the baseline


def tiny() -> bool:
    """Smoke-test sizes (env ALIN_BENCH_TINY=1)."""
    return os.environ.get("ALIN_BENCH_TINY", "") not in ("", "0")


def sizes(quick: bool) -> tuple[int, int, int]:
    """(offers in the store, local writes, runs of each process)."""
    if tiny():
        return 100, 10, 3
    return (500, 30, 3) if quick else (2_000, 100, 7)


def run(quick: bool, work: Path) -> list[Row]:
    count, writes, runs = sizes(quick)
    store = work / "local-synced.db"
    for p in (store, Path(f"{store}-wal"), Path(f"{store}-shm")):
        p.unlink(missing_ok=True)
    with EmbeddedSandbox(SandboxConfig(db=work / "local-sandbox.db", offers=count)) as sb:
        session = Session(store, sb.url, credentials=Credentials("complet", "complet"))
        report = session.sync()
        session.close()
        if report.error is not None:
            raise RuntimeError(f"sync failed: {report.error.message}")
    conn = connect(store)
    try:
        offer = _acceptable_offer(conn)
        row9 = _local_write(conn, work, offer, writes)
    finally:
        conn.close()
    return [row9, *_processes(work, store, offer, runs)]


def _acceptable_offer(conn: sqlite3.Connection) -> str:
    """The first offer the local gate lets `complet` apply to (the queued row is dropped)."""
    for (offer_id,) in conn.execute("SELECT id FROM offers ORDER BY id").fetchall():
        outcome = actions.apply(conn, offer_id)
        if outcome.queued is not None:
            _drop(conn, outcome.queued.key)
            return offer_id
    raise RuntimeError("no offer the local gate accepts")


def _drop(conn: sqlite3.Connection, key: int) -> None:
    with outbox.durable(conn):
        if not outbox.delete_unsent(conn, key):
            raise RuntimeError(f"queued row {key} not found")


def _local_write(conn: sqlite3.Connection, work: Path, offer: str, writes: int) -> Row:
    bare_path = work / "bare-insert.db"
    for p in (bare_path, Path(f"{bare_path}-wal"), Path(f"{bare_path}-shm")):
        p.unlink(missing_ok=True)
    bare = sqlite3.connect(bare_path, isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, args TEXT, created TEXT)")

    def bare_insert() -> None:
        bare.execute("BEGIN IMMEDIATE")
        bare.execute(
            "INSERT INTO t (name, args, created) VALUES (?, ?, ?)",
            ("application.create", json.dumps({"offer_id": offer}), outbox.now()),
        )
        bare.execute("COMMIT")

    apply_ms, enqueue_ms, bare_ms = [], [], []
    try:
        for i in range(writes + 1):  # the first round warms the caches up
            start = time.perf_counter()
            outcome = actions.apply(conn, offer)
            took = (time.perf_counter() - start) * 1000
            if outcome.queued is None:
                raise RuntimeError(f"apply refused: {outcome}")
            _drop(conn, outcome.queued.key)

            start = time.perf_counter()
            with outbox.durable(conn):
                queued = outbox.enqueue(conn, "application.create", {"offer_id": offer})
            took_enqueue = (time.perf_counter() - start) * 1000
            _drop(conn, queued.key)

            start = time.perf_counter()
            bare_insert()
            took_bare = (time.perf_counter() - start) * 1000
            if i:
                apply_ms.append(took)
                enqueue_ms.append(took_enqueue)
                bare_ms.append(took_bare)
    finally:
        bare.close()
    value = p95(apply_ms)
    return Row(
        number="9",
        figure="a local write with its outbox row (actions.apply), p95",
        value=value,
        baseline=p95(bare_ms),
        unit="ms",
        target=f"p95 ≤ {WRITE_TARGET_MS:g} ms",
        met=value <= WRITE_TARGET_MS,
        note=(
            f"{writes} writes, median {median(apply_ms):.2f} ms; outbox.enqueue in "
            f"outbox.durable alone: median {median(enqueue_ms):.2f}, p95 {p95(enqueue_ms):.2f} "
            f"ms; baseline: bare insert, WAL, synchronous=FULL, same folder (median "
            f"{median(bare_ms):.2f} ms)"
        ),
    )


def _command() -> list[str]:
    """The installed `alin-tui` beside this interpreter, else `python -m alin_tui`."""
    script = Path(sys.executable).with_name("alin-tui")
    if script.exists():
        return [str(script)]
    found = shutil.which("alin-tui")
    return [found] if found else [sys.executable, "-m", "alin_tui"]


def _processes(work: Path, synced: Path, offer: str, runs: int) -> list[Row]:
    data = work / "cli-data"
    profile = data / "profiles" / "default"
    profile.mkdir(parents=True, exist_ok=True)
    os.chmod(data, 0o700)
    os.chmod(data / "profiles", 0o700)
    os.chmod(profile, 0o700)
    pristine = work / "cli-pristine.db"
    source = sqlite3.connect(synced)
    target = sqlite3.connect(pristine)
    source.backup(target)  # one file, no WAL beside it
    source.close()
    target.close()
    store = profile / "store.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIN_")}
    env.update(ALIN_DATA_DIR=str(data), XDG_CONFIG_HOME=str(work / "cli-config"))
    alin = _command()

    def fresh_store() -> None:
        for p in (Path(f"{store}-wal"), Path(f"{store}-shm")):
            p.unlink(missing_ok=True)
        shutil.copyfile(pristine, store)
        os.chmod(store, 0o600)

    def check_status(out: str) -> None:
        json.loads(out)

    commands = {
        "baseline": ([sys.executable, "-c", "pass"], None, None),
        "--help": ([*alin, "--help"], None, None),
        "status --json": ([*alin, "status", "--json"], None, check_status),
        "apply": ([*alin, "apply", offer], fresh_store, None),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    fresh_store()
    for i in range(runs + 1):  # the first round warms the page cache and the bytecode up
        for name, (argv, before, check) in commands.items():
            if before is not None:
                before()
            start = time.perf_counter()
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
            took = (time.perf_counter() - start) * 1000
            if done.returncode != 0:
                raise RuntimeError(f"{name} exited {done.returncode}: {done.stderr.strip()}")
            if check is not None:
                check(done.stdout)
            if i:
                times[name].append(took)
    base = median(times["baseline"])
    rows = []
    for suffix, name in (("a", "--help"), ("b", "status --json"), ("c", "apply")):
        value = median(times[name])
        shown = f"alin-tui {name}" + (" OFFER_ID (offline)" if name == "apply" else "")
        rows.append(
            Row(
                number=f"10{suffix}",
                figure=f"`{shown}`, whole process",
                value=value,
                baseline=base,
                unit="ms",
                target=f"≤ baseline + {PROCESS_TARGET_MS:g} ms",
                met=value - base <= PROCESS_TARGET_MS,
                note=(
                    f"median of {runs}, +{value - base:.0f} ms above `python -c pass`; "
                    f"{os.path.basename(alin[0])}" + (" -m alin_tui" if len(alin) > 1 else "")
                ),
            )
        )
    return rows
