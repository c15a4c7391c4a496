"""Every benchmark of issue 14 in one table, each figure beside its baseline measured in the
same run.

    python benchmarks/run.py [--quick] [--only 2,5] [--markdown] [--work DIR]

Imports every `benchmarks/bench_*.py` (none is skipped silently: a module that fails to import
or to run is printed as a failed row with its error, and the others go on), runs them in the
order of their rows, then prints one table (row, figure, median, baseline, ratio, target, met,
note) and the machine. `--quick`: small sizes, the whole set in about a minute. `--markdown`:
the table as Markdown, for `benchmarks/RESULTS.md`. Exit 1 when a benchmark failed (a missed
target is a result, not a failure).

A module may declare `ROWS = ("5", "6", "7")`, the rows it measures: `--only` then skips it
without running it; a module that does not is run, and its rows filtered.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import platform
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
for entry in (HERE.parent, HERE):  # the package (alin_tui) and the benchmarks' `common`
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from common import Row  # noqa: E402

# What each module measures, when it does not say so itself (`ROWS`).
KNOWN_ROWS: dict[str, tuple[str, ...]] = {
    "bench_ui": ("1", "3", "4", "8"),
    "bench_search": ("2",),
    "bench_sync": ("5", "6", "7"),
    "bench_local": ("9", "10"),
}


@dataclass
class Outcome:
    name: str
    rows: list[Row] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


def row_key(number: str) -> tuple[int, str]:
    """« 2a » → (2, "a"); a row without a number sorts last."""
    m = re.match(r"(\d+)(.*)", number)
    return (int(m.group(1)), m.group(2)) if m else (10**6, number)


def base_number(number: str) -> str:
    m = re.match(r"\d+", number)
    return m.group(0) if m else number


def discover() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def declared_rows(name: str, module: object | None) -> tuple[str, ...] | None:
    rows = getattr(module, "ROWS", None) if module is not None else None
    if rows:
        return tuple(str(r) for r in rows)
    return KNOWN_ROWS.get(name)


def run_all(quick: bool, only: set[str] | None, work: Path) -> list[Outcome]:
    modules: list[tuple[str, object | None, str | None]] = []
    for name in discover():
        try:
            modules.append((name, importlib.import_module(name), None))
        except Exception:  # noqa: BLE001 - reported as a failed row, the others go on
            modules.append((name, None, traceback.format_exc()))

    def order(item: tuple[str, object | None, str | None]) -> tuple[int, str]:
        rows = declared_rows(item[0], item[1])
        return (min(row_key(r) for r in rows)[0], item[0]) if rows else (10**6, item[0])

    outcomes = []
    for name, module, error in sorted(modules, key=order):
        rows = declared_rows(name, module)
        if only is not None and rows is not None and not only & {base_number(r) for r in rows}:
            continue
        outcome = Outcome(name)
        outcomes.append(outcome)
        if error is not None:
            outcome.error = error
            continue
        run = getattr(module, "run", None)
        if not callable(run):
            outcome.error = f"{name} has no run(quick, work)"
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            got = list(run(quick, work))
        except Exception:  # noqa: BLE001 - reported as a failed row, the others go on
            outcome.error = traceback.format_exc()
        else:
            outcome.rows = [r for r in got if only is None or base_number(r.number) in only]
        outcome.seconds = time.perf_counter() - start
        print(f"  {name}: {outcome.seconds:.1f} s", file=sys.stderr, flush=True)
        if outcome.error:
            print(outcome.error, file=sys.stderr, flush=True)
    return outcomes


# --- the table -----------------------------------------------------------------------------

HEADS = ("row", "figure", "median", "baseline", "ratio", "target", "met", "note")


def number(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    magnitude = abs(value)
    if magnitude >= 1000:
        text = f"{value:,.0f}"
    elif magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}" if magnitude >= 0.01 else f"{value:.2g}"
    return f"{text} {unit}".strip()


def cells(outcomes: list[Outcome]) -> list[tuple[str, ...]]:
    lines: list[tuple[tuple[int, str], tuple[str, ...]]] = []
    for outcome in outcomes:
        if outcome.error is not None:
            last = outcome.error.strip().splitlines()[-1]
            rows = declared_rows(outcome.name, None) or ("?",)
            for r in rows:
                line = (r, f"{outcome.name}: FAILED", "—", "—", "—", "—", "no", last)
                lines.append((row_key(r), line))
            continue
        for row in outcome.rows:
            ratio = row.ratio
            met = {True: "yes", False: "no", None: "—"}[row.met]
            line = (
                row.number,
                row.figure,
                number(row.value, row.unit),
                number(row.baseline, row.unit) if row.baseline is not None else "—",
                f"{ratio:.2f}×" if ratio is not None else "—",
                row.target,
                met,
                row.note,
            )
            lines.append((row_key(row.number), line))
    return [line for _, line in sorted(lines, key=lambda x: x[0])]


def text_table(rows: list[tuple[str, ...]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(HEADS)
    ]
    widths[-1] = len(HEADS[-1])  # the note runs on, unpadded

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(HEADS), line(tuple("-" * w for w in widths))]
    out += [line(r) for r in rows]
    return "\n".join(out)


def markdown_table(rows: list[tuple[str, ...]]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(HEADS) + " |", "|" + "|".join("---" for _ in HEADS) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


# --- the machine ---------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.lower().startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        ram = f"{pages * size / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical CPUs"),
        ("RAM", ram),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("SQLite", sqlite3.sqlite_version),
        ("OS", platform.platform()),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, about a minute")
    parser.add_argument("--only", help="rows to run, comma-separated (e.g. 2,5)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    only = (
        {base_number(x.strip()) for x in args.only.split(",") if x.strip()} if args.only else None
    )

    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        work = args.work
    else:
        work = Path(tempfile.mkdtemp(prefix="alin-bench-"))
    started = time.perf_counter()
    try:
        outcomes = run_all(args.quick, only, work)
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started

    rows = cells(outcomes)
    mode = "quick" if args.quick else "full"
    timings = ", ".join(f"{o.name} {o.seconds:.1f} s" for o in outcomes)
    if args.markdown:
        print(markdown_table(rows))
        print()
        print(f"Run: {mode}, {elapsed:.1f} s ({timings}).")
        print()
        for key, value in machine():
            print(f"- {key}: {value}")
    else:
        print(text_table(rows))
        print()
        print(f"run: {mode}, {elapsed:.1f} s ({timings})")
        for key, value in machine():
            print(f"{key}: {value}")
    return 1 if any(o.error is not None for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
