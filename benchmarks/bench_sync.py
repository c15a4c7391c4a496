"""Rows 5, 6 and 7 of issue 14: the first pull, the idle pull, one mutation over a slow link.

Everything runs against the real sandbox (`EmbeddedSandbox`, in a thread of this process, on
loopback) through the app's own sync path (`Session` of the user `complet`, its `Engine`).

- 5a first pull of N offers (100,000; quick 5,000): rows applied per second, end to end
  (`Session.sync()` into a new store). Baseline: a raw `executemany` upsert of the same offers
  (id, version, JSON value, as pulled) into a bare SQLite table, one transaction.
- 5b bytes on the wire of that pull (TCP payload both ways, counted by a loopback proxy) against
  the raw JSON (the answers' bodies decompressed, counted by a transport wrapper).
- 5c store size per offer, against the bare table holding the same JSON.
- 6 idle pull: a pull with nothing new (`If-None-Match`, a 304), bytes on the wire per pull.
- 7 one mutation (`application.create` queued by `actions.apply`) pushed and acknowledged
  through a link of 256 kbit/s each way and 150 ms each way (300 ms round trip), on a warm
  connection. Baseline per mutation: 1 RTT + the bytes it actually moved / bandwidth.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import queue
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

if str(Path(__file__).resolve().parent) not in sys.path:  # run alone, or imported by a test
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, median, p95  # noqa: E402

from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig  # noqa: E402
from alin_tui.store import actions, outbox, sync_state  # noqa: E402
from alin_tui.store.db import connect  # noqa: E402
from alin_tui.sync.session import Credentials, Session  # noqa: E402

USER = Credentials("complet", "complet")
RATE_TARGET = 20_000  # rows/s
IDLE_TARGET = 500  # bytes per idle pull
LINK_DELAY = 0.150  # seconds each way
LINK_BANDWIDTH = 256_000 / 8  # bytes/s each way
ACK_TARGET = 1.5  # seconds
LINK_OFFERS = 2_000  # enough offers in the territory of `complet` for every mutation


def tiny() -> bool:
    """Smoke-test sizes (env ALIN_BENCH_TINY=1): a few hundred offers."""
    return os.environ.get("ALIN_BENCH_TINY", "") not in ("", "0")


def sizes(quick: bool) -> tuple[int, int, int]:
    """(offers, timed first pulls and idle pulls, mutations over the slow link)."""
    if tiny():
        return 200, 3, 3
    return (5_000, 3, 5) if quick else (100_000, 5, 10)


# --- a loopback link: counts bytes, optionally delays and throttles ------------------------


class LinkProxy:
    """A TCP proxy on 127.0.0.1 in front of `upstream_port`.

    Counts the TCP payload bytes each way (`up`: client to server, `down`). With `delay`
    (seconds, each way) and `bandwidth` (bytes/s, each way) it behaves as a serial link: a
    chunk leaves when the link is free, takes len/bandwidth to send, and arrives `delay` after
    it has left; chunks in flight overlap as on a real link (unlike a proxy that sleeps in
    turn before each chunk). Both can change while connections are open.
    """

    def __init__(self, upstream_port: int, *, delay: float = 0.0, bandwidth: float | None = None):
        self.upstream = ("127.0.0.1", upstream_port)
        self.delay = delay
        self.bandwidth = bandwidth
        self.up = 0
        self.down = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def counts(self) -> tuple[int, int]:
        with self._lock:
            return self.up, self.down

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()
        for s in self._sockets:
            with contextlib.suppress(OSError):
                s.close()

    def __enter__(self) -> LinkProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._sockets.append(s)
            for src, dst, up in ((client, server, True), (server, client, False)):
                line: queue.Queue = queue.Queue()
                threading.Thread(target=self._read, args=(src, line, up), daemon=True).start()
                threading.Thread(target=self._write, args=(dst, line), daemon=True).start()

    def _read(self, src: socket.socket, line: queue.Queue, up: bool) -> None:
        free_at = 0.0  # when the link has sent everything handed to it so far
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                line.put(None)
                return
            now = time.monotonic()
            with self._lock:
                if up:
                    self.up += len(data)
                else:
                    self.down += len(data)
            sent = now
            if self.bandwidth:
                free_at = sent = max(now, free_at) + len(data) / self.bandwidth
            line.put((sent + self.delay, data))

    def _write(self, dst: socket.socket, line: queue.Queue) -> None:
        while True:
            item = line.get()
            if item is None:
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)
                return
            at, data = item
            wait = at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                dst.sendall(data)
            except OSError:
                return


class BodyCounter(httpx.BaseTransport):
    """The app's HTTP transport, counting the answers' bodies as received (`raw`) and
    decompressed (`json`)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.raw = 0
        self.json = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        try:
            raw = b"".join(response.stream)  # type: ignore[arg-type]
        finally:
            response.close()
        self.raw += len(raw)
        gzipped = response.headers.get("content-encoding", "").lower() == "gzip"
        self.json += len(gzip.decompress(raw) if gzipped and raw else raw)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=raw,
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self.inner.close()


# --- helpers -------------------------------------------------------------------------------


@contextlib.contextmanager
def apply_timer() -> Iterator[list[float]]:
    """Seconds spent in `sync_state.apply_page` (the store's side of a pull), per page."""
    spent: list[float] = []
    original = sync_state.apply_page

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    sync_state.apply_page = timed
    try:
        yield spent
    finally:
        sync_state.apply_page = original


def store_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def remove_store(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)


def raw_upsert(path: Path, rows: list[tuple[str, int, str]]) -> float:
    """Seconds to upsert `rows` into a bare table, one transaction, the client's pragmas."""
    remove_store(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE offers (id TEXT PRIMARY KEY, version INTEGER, value TEXT)")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO offers (id, version, value) VALUES (?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version, value = excluded.value",
        rows,
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def first_pull(store: Path, url: str, transport=None) -> tuple[Session, float, int, float]:
    """A new store's first sync: (session, seconds, changes applied, seconds in apply_page)."""
    remove_store(store)
    session = Session(store, url, credentials=USER, transport=transport)
    with apply_timer() as spent:
        start = time.perf_counter()
        report = session.sync()
        elapsed = time.perf_counter() - start
    if report.error is not None:
        raise RuntimeError(f"first pull failed: {report.error.message}")
    return session, elapsed, report.changes, sum(spent)


# --- the rows ------------------------------------------------------------------------------


def run(quick: bool, work: Path) -> list[Row]:
    count, runs, mutations = sizes(quick)
    rows: list[Row] = []
    with EmbeddedSandbox(SandboxConfig(db=work / f"sync-sandbox-{count}.db", offers=count)) as sb:
        rows += _pulls(work, sb, count, runs)
    with EmbeddedSandbox(
        SandboxConfig(db=work / "link-sandbox.db", offers=LINK_OFFERS, max_applications=10**6)
    ) as sb:
        rows.append(_slow_link(work, sb, mutations))
    return rows


def _pulls(work: Path, sb: EmbeddedSandbox, count: int, runs: int) -> list[Row]:
    port = int(sb.url.rsplit(":", 1)[1])
    # Untimed first pull through the counting proxy: the bytes, and a warm server.
    with LinkProxy(port) as proxy:
        counter = BodyCounter()
        counted = work / "pull-counted.db"
        session, _, changes, _ = first_pull(counted, proxy.url, counter)
        wire = sum(proxy.counts())
        raw_json = counter.json
        idle, cycles = _idle(proxy, session, counted, runs)
        session.close()
    remove_store(counted)

    rates, baselines, seconds, applying, sizes_, raw_sizes = [], [], [], [], [], []
    for i in range(runs):
        store = work / f"pull-{i}.db"
        session, elapsed, changes, spent = first_pull(store, sb.url)
        session.close()
        rates.append(changes / elapsed)
        seconds.append(elapsed)
        applying.append(spent)
        conn = sqlite3.connect(store)
        pulled = conn.execute("SELECT id, version, value FROM offers").fetchall()
        offers_n = len(pulled)
        conn.close()
        sizes_.append(store_bytes(store) / offers_n)
        remove_store(store)
        raw = work / f"raw-{i}.db"
        baselines.append(len(pulled) / raw_upsert(raw, pulled))
        raw_sizes.append(store_bytes(raw) / len(pulled))
        remove_store(raw)
        del pulled

    rate = median(rates)
    took = median(seconds)
    spent = median(applying)
    rows = [
        Row(
            number="5a",
            figure=f"first pull of {count:,} offers, loopback, rows applied per second",
            value=rate,
            baseline=median(baselines),
            unit="rows/s",
            target=f"≥ {RATE_TARGET:,} rows/s",
            met=rate >= RATE_TARGET,
            note=(
                f"median of {runs} Session.sync() into a new store: {changes:,} changes in "
                f"{took:.2f} s, {spent:.2f} s of it in sync_state.apply_page (the store), the "
                f"rest the sandbox in the same process, HTTP, JSON, validation; baseline: one "
                f"executemany upsert of the same offers into a bare table"
            ),
        ),
        Row(
            number="5b",
            figure="first pull, bytes on the wire (both ways) vs the raw JSON",
            value=wire / 1e6,
            baseline=raw_json / 1e6,
            unit="MB",
            target="reported",
            met=None,
            note=(
                f"TCP payload through a counting proxy: {wire:,} B; answers' bodies "
                f"decompressed: {raw_json:,} B; ratio = wire / raw JSON"
            ),
        ),
        Row(
            number="5c",
            figure="store size per offer after the first pull",
            value=median(sizes_),
            baseline=median(raw_sizes),
            unit="B",
            target="reported",
            met=None,
            note=(
                f"store (db + wal) {median(sizes_) * count / 1e6:.1f} MB for {count:,} offers; "
                "baseline: the bare table holding the same JSON"
            ),
        ),
    ]
    worst = max(idle)
    all_304 = all(nm for _, nm in cycles)
    rows.append(
        Row(
            number="6",
            figure="idle pull (nothing new), bytes on the wire per pull",
            value=median(idle),
            baseline=None,
            unit="B",
            target=f"≤ {IDLE_TARGET} B (a 304)",
            met=all_304 and worst <= IDLE_TARGET,
            note=(
                f"median of {len(idle)} pulls ({runs} per service), worst {worst} B, "
                f"{'all 304' if all_304 else 'NOT all 304'}; a whole idle sync cycle "
                f"(both services): median {median([b for b, _ in cycles]):.0f} B"
            ),
        )
    )
    return rows


def _idle(
    proxy: LinkProxy, session: Session, store: Path, runs: int
) -> tuple[list[int], list[tuple[int, bool]]]:
    """Bytes per idle pull (each service, `runs` times), and per whole idle sync cycle with
    whether every pull of it was a 304."""
    per_pull: list[int] = []
    db = connect(store)
    try:
        engine = session.engine(db)
        for _ in range(runs):
            for service in ("sne", "alin"):
                before = sum(proxy.counts())
                report = engine.pull(service)
                per_pull.append(sum(proxy.counts()) - before)
                if not report.not_modified:
                    raise RuntimeError(f"idle pull of {service} was not a 304")
    finally:
        db.close()
    cycles = []
    for _ in range(runs):
        before = sum(proxy.counts())
        report = session.sync()
        cycles.append((sum(proxy.counts()) - before, all(p.not_modified for p in report.pulls)))
    return per_pull, cycles


def _slow_link(work: Path, sb: EmbeddedSandbox, mutations: int) -> Row:
    port = int(sb.url.rsplit(":", 1)[1])
    store = work / "link-client.db"
    remove_store(store)
    with LinkProxy(port) as proxy:
        session, *_ = first_pull(store, proxy.url)  # on a fast link: this is not measured
        db = connect(store)
        try:
            engine = session.engine(db)
            candidates = iter(r[0] for r in db.execute("SELECT id FROM offers ORDER BY id"))
            proxy.delay, proxy.bandwidth = LINK_DELAY, LINK_BANDWIDTH
            times, floors, moved = [], [], []
            for i in range(mutations + 1):  # the first one warms the connection up
                queued = None
                while queued is None:
                    offer = next(candidates, None)
                    if offer is None:
                        raise RuntimeError("no offer left that the local gate accepts")
                    queued = actions.apply(db, offer, max_applications=10**6).queued
                up0, down0 = proxy.counts()
                start = time.perf_counter()
                engine.push("alin")
                elapsed = time.perf_counter() - start
                up1, down1 = proxy.counts()
                row = outbox.get(db, queued.key)
                if row is None or row.state != "done":
                    raise RuntimeError(f"mutation not acknowledged: {row}")
                if i == 0:
                    continue
                nbytes = (up1 - up0) + (down1 - down0)
                times.append(elapsed)
                moved.append(nbytes)
                floors.append(2 * LINK_DELAY + nbytes / LINK_BANDWIDTH)
        finally:
            db.close()
            session.close()
    remove_store(store)
    value = p95(times)
    return Row(
        number="7",
        figure="one mutation acknowledged, 256 kbit/s and 300 ms RTT, p95",
        value=value,
        baseline=p95(floors),
        unit="s",
        target=f"p95 ≤ {ACK_TARGET:g} s",
        met=value <= ACK_TARGET,
        note=(
            f"{mutations} application.create pushed one by one (Engine.push, warm connection), "
            f"median {median(times):.3f} s, {median(moved):.0f} B each both ways; baseline: "
            f"RTT + bytes / {LINK_BANDWIDTH * 8 / 1000:g} kbit/s"
        ),
    )
