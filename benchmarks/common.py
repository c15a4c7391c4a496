"""What every benchmark of `benchmarks/run.py` shares: a row of the table, timing helpers and
the big synthetic store.

A benchmark module `benchmarks/bench_<name>.py` exposes

    def run(quick: bool, work: Path) -> list[Row]

`quick` (`run.py --quick`): small sizes and few repeats, the whole set under a minute;
otherwise the sizes of the issue (100,000 offers) and at least 5 runs per figure. `work` is a
scratch folder shared by the benchmarks of one run (the big store is built there once).
Every figure is measured in the same run as its baseline: nothing is copied from an earlier run.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    number: str  # the row of the table: "1", "2a"…
    figure: str  # what was measured, in words
    value: float  # the median (or the single measure when a figure is one count)
    baseline: float | None  # measured in the same run; None when the issue names none
    unit: str  # "ms", "s", "B", "KB", "MB", "rows/s"…
    target: str  # the target, in words ("≤ 25 ms", "ratio ≤ 1.25")
    met: bool | None  # None: nothing to meet (an informative figure)
    note: str = ""  # what explains a miss, or how the figure was taken

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def big_store(work: Path, offers: int) -> Path:
    """A store of `offers` synthetic offers, built once per run and size (see
    `benchmarks/offer_query.py`, which builds it the same way)."""
    import importlib.util

    path = work / f"store-{offers}.db"
    if path.exists():
        return path
    spec = importlib.util.spec_from_file_location(
        "offer_query", Path(__file__).with_name("offer_query.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(path, offers)
    return path
