"""Rows 1, 3, 4 and 8 of issue 14: the interface, in a real pseudo-terminal and under Pilot.

    python benchmarks/bench_ui.py [--quick] [--work DIR]

- Row 1, cold start: `python -m alin_tui` started in a real pty at 80×24 (a fresh process each
  run) on a profile whose store holds 50,000 synthetic offers (quick: 5,000), timed from the
  spawn to the read that completes the first full screen: the rows of « Ma demande » (« Mes
  candidatures … en cours »), the status line and the footer (« Quitter »). Baseline:
  `benchmarks/bare_app.py` (Header, TabbedContent of four panes, DataTable, Input, Footer)
  started the same way, until its own first screen shows the same markers.
- Row 3, keystroke to repaint in the Offres search, under Pilot on 100,000 offers (quick: 5,000),
  in a child process: every prefix of « t », « gare », « paris », « evry courc »,
  « saint-denis t3 », one key at a time, each timed from the key sent through the driver (as
  the terminal's thread sends it) to the first frame the app hands to its driver whose Offres
  list was drawn from the source of that prefix. Baseline: the same on 1,000 offers.
- Row 4, the Offres list on 100,000 offers (quick: 5,000), under Pilot in child processes: first
  paint (from asking for the list, `OffresPane.reload`, to the first frame that shows it: the
  count, the first window and the paint), PageDown held to the end (how long; how many rows the
  list ever held at once and read in all), peak RSS (`ru_maxrss` of the child). Baseline:
  Textual's DataTable holding the same rows (their cells made by `views.offer_cells`, read from
  the store then `add_rows` of all of them), its first paint and its peak RSS.
- Row 8, bytes the app writes to a real pty (the runs of row 1, with COLORTERM=truecolor): idle
  (over 3 s once the screen has been quiet for 0.2 s after the first paint), one PageDown in
  Offres (`3` first), one keystroke in the search (`/`, then « p »: until the list of its
  matches is painted and the screen is quiet); PageDown again in runs with `--low-bandwidth`.
  Baseline: the bare app, the same keys (its `3` focuses its table, its `/` its Input, which
  filters the table), with the environment `--low-bandwidth` sets for the last figure.

The app must not sync during the pty runs: `ALIN_SERVER` points at a local socket that listens
but never answers, and the profile holds a token for it (so the app neither logs in nor starts
the embedded sandbox); the first sync cycle waits on that socket (« En attente… ») for the
whole run. Each run starts from a fresh copy of the store and is killed after its last figure.
The children keep byte-compiled files (see `_base_env`), and one unmeasured start of each app
comes first.

`TINY = True` (or ALIN_BENCH_TINY=1) makes every size tiny and every figure a single run: the
smoke test (`tests/test_benchmarks_ui_smoke.py`) uses it.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent) not in sys.path:  # run alone, or imported by a test
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, big_store, median, p95  # noqa: E402

TINY = os.environ.get("ALIN_BENCH_TINY", "") not in ("", "0")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BARE = HERE / "bare_app.py"
PHRASES = ("t", "gare", "paris", "evry courc", "saint-denis t3")
COLUMNS, LINES = 80, 24
QUIET = 0.2  # seconds without a byte: the app has finished painting
PAGE_DOWN = b"\x1b[6~"
KB = 1000  # the kilobytes, taken strictly
# Where the children keep their byte-compiled files (outside the source tree; kept between runs).
PYCACHE = Path(tempfile.gettempdir()) / f"alin-bench-pycache-{os.getuid()}"


@dataclass(frozen=True)
class Sizes:
    start_offers: int  # rows 1 and 8 (the store behind the pty runs)
    search_offers: int  # row 3
    search_baseline: int  # row 3's baseline
    list_offers: int  # row 4
    runs: int  # runs per figure
    idle_seconds: float  # row 8's idle window
    bare_rows: int  # rows of the bare app's table
    warm_up: bool  # one unmeasured start of each app first (byte-compiled files, page cache)
    list_processes: int  # row 4: child processes running the app (the first one walks)


def sizes(quick: bool) -> Sizes:
    if TINY:
        return Sizes(200, 200, 100, 300, 1, 0.5, 50, False, 1)
    if quick:
        return Sizes(5_000, 5_000, 1_000, 5_000, 3, 1.0, 200, True, 1)
    return Sizes(50_000, 100_000, 1_000, 100_000, 5, 3.0, 200, True, 5)


# --- the whole benchmark --------------------------------------------------------------------


def run(quick: bool, work: Path) -> list[Row]:
    size = sizes(quick)
    work = Path(work)
    scratch = work / "ui"
    scratch.mkdir(parents=True, exist_ok=True)
    rows = _pty_rows(size, big_store(work, size.start_offers), scratch)
    rows.insert(1, _search_row(size, work))
    rows[2:2] = _list_rows(size, work)
    return rows


def _ms(seconds: float) -> float:
    return seconds * 1000


# --- rows 1 and 8: real pseudo-terminals ----------------------------------------------------


class ProcessGone(Exception):
    pass


def _die_with_parent() -> None:
    """In a child, before it runs: killed if this process dies (Linux), so that an interrupted
    benchmark leaves no app spinning on a closed terminal."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL


class Pty:
    """A process in a real pseudo-terminal, its output counted and read into a pyte screen."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import pyte

        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            close_fds=True,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        os.close(slave)
        self.read_total = 0
        self.read_at = self.started

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def _read(self, timeout: float) -> int:
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return 0
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the process is gone
            chunk = b""
        self.read_at = time.perf_counter()  # before pyte's work on it
        if not chunk:
            raise ProcessGone(self.text)
        self.stream.feed(chunk)
        self.read_total += len(chunk)
        return len(chunk)

    def wait_for(self, found: Callable[[str], bool], timeout: float = 60) -> float:
        """perf_counter() of the read after which `found(screen text)` holds."""
        deadline = time.perf_counter() + timeout
        while not found(self.text):
            if time.perf_counter() > deadline:
                raise TimeoutError("never shown:\n" + self.text)
            self._read(min(0.05, deadline - time.perf_counter()))
        return self.read_at

    def quiet(self, *, quiet: float = QUIET, limit: float = 15) -> int:
        """Bytes read until none came for `quiet` seconds (at most `limit` seconds)."""
        total = 0
        deadline = time.perf_counter() + limit
        last = time.perf_counter()
        while time.perf_counter() - last < quiet and time.perf_counter() < deadline:
            got = self._read(quiet - (time.perf_counter() - last))
            if got:
                total += got
                last = time.perf_counter()
        return total

    def count(self, seconds: float) -> int:
        """Bytes read over `seconds`."""
        total = 0
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            total += self._read(end - time.perf_counter())
        return total

    def look(self) -> tuple[str, tuple]:
        """The screen's text and every cell with its colours and attributes."""
        cells = tuple(
            tuple(self.screen.buffer[y][x] for x in range(self.screen.columns))
            for y in range(self.screen.lines)
        )
        return self.text, cells

    def action(self, keys: bytes, changed: Callable[[tuple, tuple], bool]) -> int:
        """Bytes written in answer to `keys`: until `changed(before, now)` holds (the screen
        shows the answer; both are `look()`s), then until the screen is quiet."""
        before = self.look()
        start = self.read_total
        os.write(self.master, keys)
        deadline = time.perf_counter() + 30
        while not changed(before, self.look()):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no answer to {keys!r}:\n" + self.text)
            self._read(0.05)
        self.quiet()
        return self.read_total - start

    def cpu_seconds(self) -> float | None:
        """User and system CPU time of the process so far (Linux /proc), all its threads."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        """Killed: what it does on the way out is not measured, and must not overlap the next
        run."""
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


def _base_env(work: Path) -> dict[str, str]:
    """The environment of a child: the caller's, without any setting of alin-tui or Textual, in
    French, with an empty configuration folder. Byte-compiled files are kept (in PYCACHE, not in
    the source tree) whatever PYTHONDONTWRITEBYTECODE says: an installed app has its .pyc
    files, and compiling every module of the project at each start is not what users pay."""
    drop = (
        "LANGUAGE",
        "LC_ALL",
        "LC_MESSAGES",
        "COLORTERM",
        "NO_COLOR",
        "FORCE_COLOR",
        "PYTHONDONTWRITEBYTECODE",
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ALIN_", "TEXTUAL_")) and k not in drop
    }
    config = work / "config"
    config.mkdir(parents=True, exist_ok=True)
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
        LANG="C.UTF-8",
        TZ="UTC",
        XDG_CONFIG_HOME=str(config),
        PYTHONPYCACHEPREFIX=str(PYCACHE),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    return env


class Blackhole:
    """A local address that accepts connections (the kernel's backlog) and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def close(self) -> None:
        self.sock.close()  # resets the connections waiting in the backlog


def _profile(data: Path, store: Path, server: str) -> None:
    """A default profile on `server` whose store is a fresh copy of `store`, with a token."""
    profile = data / "profiles" / "default"
    if data.exists():
        shutil.rmtree(data)
    profile.mkdir(parents=True)
    for path in (data, data / "profiles", profile):
        path.chmod(0o700)
    shutil.copyfile(store, profile / "store.db")
    (profile / "store.db").chmod(0o600)
    token = {
        "server": server,
        "username": "demo",
        "token": "bench-token",
        "expires_at": "2999-01-01T00:00:00+00:00",
    }
    fd = os.open(profile / "token.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(token, f)


_CANDIDATURES = re.compile(r"Mes candidatures\s+\d+ en cours")


def first_screen(text: str) -> bool:
    """The first tab fully painted (either app): its last row, the status line, the footer."""
    lines = text.splitlines()
    return (
        len(lines) == LINES
        and any(_CANDIDATURES.search(line) for line in lines[3:-2])
        and lines[-2].strip() != ""
        and "Quitter" in lines[-1]
    )


def _line_changed(index: int) -> Callable[[tuple, tuple], bool]:
    return lambda before, now: before[0].splitlines()[index] != now[0].splitlines()[index]


def _screen_changed(before: tuple, now: tuple) -> bool:
    return before[1] != now[1]


@dataclass
class Session:
    start: float  # seconds from spawn to the first full screen
    cpu: float | None  # CPU seconds the process had used by then (less sensitive to load)
    settle: int  # bytes between the first full screen and quiet
    idle: int | None  # bytes over the idle window
    page_down: int
    keystroke: int | None  # not measured in the --low-bandwidth runs


def _session(
    app: str,
    size: Sizes,
    store: Path,
    scratch: Path,
    *,
    low_bandwidth: bool = False,
    idle: bool = False,
    actions: bool = True,
) -> Session | None:
    env = _base_env(scratch)
    env["COLORTERM"] = "truecolor"
    hole = None
    if app == "alin":
        hole = Blackhole()
        data = scratch / "pty-data"
        _profile(data, store, hole.url)
        env.update(ALIN_DATA_DIR=str(data), ALIN_SERVER=hole.url, ALIN_HTTP_TIMEOUT="600")
        argv = [sys.executable, "-m", "alin_tui", *(["--low-bandwidth"] if low_bandwidth else [])]
        info_line = 4  # « 1 / 4 145 · tri : pertinence » under the search field
    else:
        if low_bandwidth:  # what `--low-bandwidth` sets before Textual is imported
            env.update(TEXTUAL_COLOR_SYSTEM="256", TEXTUAL_ANIMATIONS="none")
        argv = [sys.executable, str(BARE), "--rows", str(size.bare_rows)]
        info_line = 3  # the search field itself
    term = Pty(argv, env)
    try:
        painted = term.wait_for(first_screen)
        start = painted - term.started
        cpu = term.cpu_seconds()
        if not actions:
            return None
        settle = term.quiet()
        idle_bytes = term.count(size.idle_seconds) if idle else None
        term.action(b"3", _screen_changed)  # Offres, its list focused
        page_down = term.action(PAGE_DOWN, _screen_changed)
        keystroke = None
        if not low_bandwidth:
            term.action(b"/", _screen_changed)  # the search field
            keystroke = term.action(b"p", _line_changed(info_line))
        return Session(start, cpu, settle, idle_bytes, page_down, keystroke)
    finally:
        term.close()
        if hole is not None:
            hole.close()


def _pty_rows(size: Sizes, store: Path, scratch: Path) -> list[Row]:
    if size.warm_up:
        for app in ("alin", "bare"):
            _session(app, size, store, scratch, actions=False)
    runs: dict[str, list[Session]] = {"alin": [], "bare": [], "alin-lb": [], "bare-lb": []}
    for _ in range(size.runs):  # interleaved, so that a slower minute weighs on both
        for kind in runs:
            app, _, low = kind.partition("-")
            done = _session(app, size, store, scratch, low_bandwidth=bool(low), idle=not low)
            assert done is not None
            runs[kind].append(done)

    def med(kind: str, field: str) -> float:
        return median([float(getattr(s, field)) for s in runs[kind]])

    n, r = size.start_offers, size.runs
    start, start_bare = med("alin", "start"), med("bare", "start")
    idle = med("alin", "idle") / size.idle_seconds
    idle_bare = med("bare", "idle") / size.idle_seconds
    key, key_bare = med("alin", "keystroke"), med("bare", "keystroke")
    pd, pd_bare = med("alin", "page_down"), med("bare", "page_down")
    pd_lb, pd_lb_bare = med("alin-lb", "page_down"), med("bare-lb", "page_down")
    starts = ", ".join(f"{s.start:.2f}" for s in runs["alin"])
    starts_bare = ", ".join(f"{s.start:.2f}" for s in runs["bare"])
    cpus = [s.cpu for s in runs["alin"] + runs["alin-lb"] if s.cpu is not None]
    cpus_bare = [s.cpu for s in runs["bare"] + runs["bare-lb"] if s.cpu is not None]
    cpu = (
        f"CPU time to the first paint (all {len(cpus)} runs of each, median): "
        f"{median(cpus):.2f} s, bare app {median(cpus_bare):.2f} s; "
        if cpus and cpus_bare
        else ""
    )
    return [
        Row(
            "1",
            f"cold start to the first full paint, real pty 80×24, {n:,} offers (median of {r})",
            start,
            start_bare,
            "s",
            "ratio ≤ 1.25",
            start / start_bare <= 1.25,
            f"runs {starts} s; bare app {starts_bare} s; {cpu}sync held off by a silent local "
            "server (ALIN_SERVER + stored token)",
        ),
        Row(
            "8a",
            f"pty bytes while idle, over {size.idle_seconds:g} s once quiet (median of {r})",
            idle,
            idle_bare,
            "B/s",
            "0 B/s",
            idle == 0,
            f"after the first paint, {med('alin', 'settle'):.0f} B more before quiet "
            f"(bare app: {med('bare', 'settle'):.0f} B)",
        ),
        Row(
            "8b",
            f"pty bytes for one keystroke in the Offres search, truecolor (median of {r})",
            key,
            key_bare,
            "B",
            "≤ 4 KB",
            key <= 4 * KB,
            "the key « p », from the field shown to the list of its matches painted; bare "
            "app: its Input filtering its DataTable",
        ),
        Row(
            "8c",
            f"pty bytes for one PageDown in Offres, COLORTERM=truecolor (median of {r})",
            pd,
            pd_bare,
            "B",
            "≤ 9 KB",
            pd <= 9 * KB,
            "bare app: PageDown in its DataTable",
        ),
        Row(
            "8d",
            f"pty bytes for one PageDown in Offres, --low-bandwidth (median of {r})",
            pd_lb,
            pd_lb_bare,
            "B",
            "≤ 5 KB",
            pd_lb <= 5 * KB,
            "bare app with TEXTUAL_COLOR_SYSTEM=256 and TEXTUAL_ANIMATIONS=none, as "
            "--low-bandwidth sets",
        ),
    ]


# --- rows 3 and 4: Pilot, in child processes ------------------------------------------------


def _child(task: str, **args: Any) -> dict[str, Any]:
    """Run `task` in a fresh Python process (this file, --child) and return its JSON answer."""
    scratch = Path(args.pop("scratch"))
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", task, json.dumps(args)],
        env=_base_env(scratch),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        preexec_fn=_die_with_parent,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {task} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _search_row(size: Sizes, work: Path) -> Row:
    scratch = work / "ui"
    n, base = size.search_offers, size.search_baseline
    big = _child("search", store=str(big_store(work, n)), runs=size.runs, scratch=scratch)
    small = _child("search", store=str(big_store(work, base)), runs=size.runs, scratch=scratch)

    def summary(result: dict[str, Any]) -> tuple[float, float, float]:
        per_run = [p95(r) for r in result["samples"]]
        pooled = [s for r in result["samples"] for s in r]
        return median(per_run), p95(pooled), median(pooled)

    value, pooled, typical = (_ms(x) for x in summary(big))
    baseline, pooled_base, typical_base = (_ms(x) for x in summary(small))
    keys = len(big["samples"][0])
    return Row(
        "3",
        f"keystroke to repaint in the Offres search, Pilot, {n:,} offers "
        f"(p95 of {keys} keys, median of {size.runs} runs)",
        value,
        baseline,
        "ms",
        f"p95 ≤ 60 ms and ≤ 1.5× the {base:,}-offer figure",
        value <= 60 and value <= 1.5 * baseline,
        f"every prefix of {', '.join(PHRASES)}; all keys pooled: p95 {pooled:.1f} ms, median "
        f"{typical:.1f} ms ({base:,} offers: p95 {pooled_base:.1f}, median {typical_base:.1f})",
    )


def _list_rows(size: Sizes, work: Path) -> list[Row]:
    scratch = work / "ui"
    n, r = size.list_offers, size.runs
    store = str(big_store(work, n))
    processes = size.list_processes
    reloads = max(3, -(-r // processes))  # at least `runs` first paints in all
    lists = [
        _child("list", store=store, reloads=reloads, page_down=(i == 0), scratch=scratch)
        for i in range(processes)
    ]
    tables = [_child("table", store=store, page_down=(i == 0), scratch=scratch) for i in range(r)]
    first = _ms(median([s for x in lists for s in x["first_paint"]]))
    first_cold = _ms(median([x["first_paint"][0] for x in lists]))
    opened = _ms(median([x["opened"] for x in lists]))
    table_first = _ms(median([x["first_paint"] for x in tables]))
    table_add = _ms(median([x["add_rows"] for x in tables]))
    table_read = _ms(median([x["read"] for x in tables]))
    walk, table_walk = lists[0]["page_down"], tables[0]["page_down"]
    total = lists[0]["total"]
    rss = max(x["rss"] for x in lists) / 1e6
    table_rss = max(x["rss"] for x in tables) / 1e6
    full_load = walk["held"] >= total
    return [
        Row(
            "4a",
            f"Offres list, {n:,} offers: first paint, from asking for the list to its first "
            f"frame (median of {reloads * processes}, {processes} process(es))",
            first,
            table_first,
            "ms",
            "≤ 50 ms",
            first <= 50,
            f"{total:,} offers listed; first in each process {first_cold:.1f} ms; tab opened "
            f"with the list already counted: {opened:.1f} ms. DataTable: rows read and cells "
            f"made {table_read:.0f} ms, add_rows {table_add:.0f} ms, then the paint",
        ),
        Row(
            "4b",
            f"Offres list, {n:,} offers: PageDown held to the end ({walk['keys']:,} keys)",
            walk["seconds"],
            table_walk["seconds"],
            "s",
            "no full load",
            not full_load,
            f"the list held at most {walk['held']:,} rows of {total:,} (read {walk['read']:,} "
            f"in all, a page at a time); one PageDown to its frame at the top: p95 "
            f"{_ms(walk['p95_top']):.1f} ms; each key handled (cursor moved, its page read): "
            f"p95 {_ms(walk['handled_first']):.1f} ms over the first tenth of the list, "
            f"{_ms(walk['handled_last']):.1f} ms over the last; DataTable: "
            f"{table_walk['keys']:,} keys (its pages are taller), all {total:,} rows in "
            "memory",
        ),
        Row(
            "4c",
            f"Offres list, {n:,} offers: peak RSS of the app under Pilot (max of {processes} "
            f"process(es); DataTable: {r})",
            rss,
            table_rss,
            "MB",
            "≤ 100 MB",
            rss <= 100,
            "ru_maxrss of each child process (the whole app, four tabs); baseline: a bare "
            "app with the DataTable holding every row",
        ),
    ]


# --- what the child processes run -----------------------------------------------------------


class Probe:
    """The frames an app hands to its driver, each with the state of one widget when it was
    drawn in that frame (`state()` read in the widget's `render_lines`)."""

    def __init__(self, app, widget, state: Callable[[], Any]) -> None:
        self.frames: list[tuple[float, Any]] = []
        self._drawn: Any = None
        render_lines, display = widget.render_lines, app._display

        def drawn(crop):
            self._drawn = state()
            return render_lines(crop)

        def shown(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and self._drawn is not None:
                self.frames.append((time.perf_counter(), self._drawn))
                self._drawn = None

        widget.render_lines = drawn
        app._display = shown

    async def frame(self, found: Callable[[Any], bool], since: int = 0, timeout=60) -> float:
        """perf_counter() of the first frame from index `since` whose state is `found`."""
        deadline = time.perf_counter() + timeout
        while True:
            for at, state in self.frames[since:]:
                if found(state):
                    return at
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no such frame; last: {self.frames[-1:]}")
            await asyncio.sleep(0.002)


def _press(app, key: str) -> None:
    """A key as the terminal's input thread delivers it."""
    from textual import events
    from textual.keys import _character_to_key

    name = key if len(key) > 1 or key.isalnum() else _character_to_key(key)
    event = events.Key(name, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def _until(found: Callable[[], bool], timeout: float = 60, poll: float = 0.002) -> None:
    deadline = time.perf_counter() + timeout
    while not found():
        if time.perf_counter() > deadline:
            raise TimeoutError("never happened")
        await asyncio.sleep(poll)


async def _settle(app, pilot) -> None:
    await pilot.pause()
    await app.screens_settled()
    await pilot.pause()


async def child_search(store: str, runs: int) -> dict[str, Any]:
    """`runs` passes over every prefix of PHRASES, in one app (the field emptied between
    phrases, untimed)."""
    from alin_tui.ui.app import AlinApp
    from alin_tui.ui.components.offres import OffresPane

    samples: list[list[float]] = []
    app = AlinApp(Path(store), session=None)
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        await _settle(app, pilot)
        pane = app.main.query_one(OffresPane)
        offers = pane.list
        probe = Probe(app, offers, lambda: offers.source)
        await pilot.press("slash")  # Offres, the search field focused
        await _settle(app, pilot)
        assert app.focused is pane.search, app.focused
        for _ in range(runs):
            times = []
            for phrase in PHRASES:
                pane.search.value = ""
                await _until(lambda: pane.typed == "" and offers.source.query == pane.query())
                await probe.frame(lambda source, s=offers.source: source is s)
                for i, key in enumerate(phrase):
                    before, since = offers.source, len(probe.frames)
                    start = time.perf_counter()
                    _press(app, key)
                    typed = phrase[: i + 1]
                    await _until(
                        lambda typed=typed, before=before: (
                            pane.typed == typed
                            and offers.source is not before
                            and offers.source.query == pane.query()
                        )
                    )
                    shown = await probe.frame(lambda s, now=offers.source: s is now, since)
                    times.append(shown - start)
            samples.append(times)
    return {"samples": samples}


async def child_list(store: str, reloads: int, page_down: bool) -> dict[str, Any]:
    import resource

    from alin_tui.ui.app import AlinApp
    from alin_tui.ui.components.offres import OffresPane

    app = AlinApp(Path(store), session=None)
    result: dict[str, Any] = {}
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        await _settle(app, pilot)
        pane = app.main.query_one(OffresPane)
        offers = pane.list
        probe = Probe(
            app,
            offers,
            lambda: (offers.source, offers.cursor, int(offers.scroll_y)),
        )
        total = offers.source.total
        start = time.perf_counter()
        _press(app, "3")  # the tab opened, the list counted at start-up already
        result["opened"] = await probe.frame(lambda s: s[0] is offers.source) - start
        first = []
        for _ in range(reloads):
            before, since = offers.source, len(probe.frames)
            start = time.perf_counter()
            pane.reload(keep=False)
            await _until(lambda before=before: offers.source is not before)
            first.append(await probe.frame(lambda s: s[0] is offers.source, since) - start)
        result["first_paint"] = first
        result["total"] = offers.source.total
        assert total == offers.source.total
        if page_down:
            result["page_down"] = await _walk_offer_list(app, offers, probe)
    result["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result


async def _page_latency(app, probe, state, key: str, count: int) -> list[float]:
    """`count` presses of `key`, each timed to the first frame whose state differs."""
    times = []
    for _ in range(count):
        before, since = state(), len(probe.frames)
        start = time.perf_counter()
        _press(app, key)
        times.append(await probe.frame(lambda s, b=before: s != b, since) - start)
    return times


async def _walk_offer_list(app, offers, probe) -> dict[str, Any]:
    """PageDown held from the top to the last offer: each key sent once the previous one has
    moved the cursor (the app paints when its frame timer fires, as with a held key)."""
    source = offers.source
    total = source.total
    read_rows = source.rows
    count = {"read": 0, "held": 0}

    def held() -> int:
        return sum(len(page) for page in offers._pages.values())

    def rows(offset: int, limit: int):
        found = read_rows(offset, limit)
        count["read"] += len(found)
        count["held"] = max(count["held"], held() + len(found))
        return found

    source.rows = rows

    def state():
        return (offers.source, offers.cursor, int(offers.scroll_y))

    top = await _page_latency(app, probe, state, "pagedown", 10)
    handled = []  # each key, from sent to the cursor moved (its page read from the store)
    start = time.perf_counter()
    while offers.cursor < total - 1:
        cursor = offers.cursor
        sent = time.perf_counter()
        _press(app, "pagedown")
        await _until(lambda cursor=cursor: offers.cursor != cursor, poll=0.0005)
        handled.append(time.perf_counter() - sent)
        count["held"] = max(count["held"], held())
    end = await probe.frame(lambda s: s[1] == total - 1)
    tenth = max(1, len(handled) // 10)
    return {
        "seconds": end - start,
        "keys": len(top) + len(handled),
        "read": count["read"],
        "held": count["held"],
        "p95_top": p95(top),
        "handled_first": p95(handled[:tenth]),
        "handled_last": p95(handled[-tenth:]),
    }


async def child_table(store: str, page_down: bool) -> dict[str, Any]:
    """The baseline of row 4: Textual's DataTable holding every offer of the list."""
    import resource

    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from alin_tui.domain.offer_query import OfferQuery
    from alin_tui.store import offers as offer_store
    from alin_tui.store.db import connect
    from alin_tui.ui import views
    from alin_tui.ui.components.offer_list import layout
    from alin_tui.ui.i18n import Translator

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

    conn = connect(Path(store))
    t = Translator("fr")
    model = views.read_screen_model(conn)
    columns = [c for c, _ in layout(COLUMNS - 1)]
    app = TableApp()
    result: dict[str, Any] = {}
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        table = app.query_one(DataTable)
        table.add_columns(*(t(c.title) for c in columns))
        await pilot.pause()
        probe = Probe(app, table, lambda: (table.row_count, table.cursor_row, int(table.scroll_y)))
        since = len(probe.frames)
        start = time.perf_counter()
        query = OfferQuery()
        total = offer_store.query_count(conn, query, model.today)
        found = offer_store.query_window(conn, query, model.today, 0, total)
        rows = []
        for offer in found:
            cells = views.offer_cells(t, model, offer)
            rows.append(tuple(cells[c.key] for c in columns))
        del found
        read = time.perf_counter()
        table.add_rows(rows)
        added = time.perf_counter()
        shown = await probe.frame(lambda s: s[0] == total, since)
        result.update(
            first_paint=shown - start, read=read - start, add_rows=added - read, total=total
        )
        if page_down:
            keys = 0
            start = time.perf_counter()
            while table.cursor_row < total - 1:
                cursor = table.cursor_row
                _press(app, "pagedown")
                keys += 1
                await _until(lambda cursor=cursor: table.cursor_row != cursor)
            end = await probe.frame(lambda s: s[1] == total - 1)
            result["page_down"] = {"seconds": end - start, "keys": keys}
    result["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result


CHILDREN = {"search": child_search, "list": child_list, "table": child_table}


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--child", nargs=2, metavar=("TASK", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        task, params = args.child
        answer = asyncio.run(CHILDREN[task](**json.loads(params)))
        print(json.dumps(answer))
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="alin-bench-ui-"))
    started = time.perf_counter()
    for row in run(args.quick, work):
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "–"
        met = {True: "met", False: "MISSED", None: "–"}[row.met]
        base = f"{row.baseline:,.2f}" if row.baseline is not None else "–"
        print(
            f"{row.number:>3} {row.value:>12,.2f} {row.unit:<4} baseline {base:>10} "
            f"ratio {ratio:>5}  {row.target:<28} {met:<6} {row.figure}\n      {row.note}"
        )
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
