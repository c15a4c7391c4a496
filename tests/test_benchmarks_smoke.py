"""The benchmarks of `benchmarks/run.py` (search, sync, local writes and processes), at tiny
sizes: each returns well-formed rows with positive figures. A smoke check only: nothing here is
timed against a target."""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.setenv("ALIN_BENCH_TINY", "1")
    monkeypatch.syspath_prepend(str(BENCHMARKS))

    def load(name: str):
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    return load


def _check(rows, numbers: set[str]) -> None:
    from common import Row

    assert rows, "no row"
    assert {r.number for r in rows} == numbers
    for row in rows:
        assert isinstance(row, Row)
        assert row.figure and row.unit and row.target
        assert math.isfinite(row.value) and row.value > 0, row
        assert row.baseline is None or (math.isfinite(row.baseline) and row.baseline > 0), row
        assert row.met in (True, False, None)
        assert isinstance(row.note, str)


def test_search(bench, tmp_path):
    _check(bench("bench_search").run(quick=True, work=tmp_path), {"2a", "2b"})


def test_sync(bench, tmp_path):
    _check(bench("bench_sync").run(quick=True, work=tmp_path), {"5a", "5b", "5c", "6", "7"})


def test_local(bench, tmp_path):
    _check(bench("bench_local").run(quick=True, work=tmp_path), {"9", "10a", "10b", "10c"})


def test_run_prints_a_failed_module_as_a_failed_row(bench):
    run = bench("run")
    failed = run.Outcome("bench_sync", error="Traceback…\nRuntimeError: no sandbox")
    ok = run.Outcome(
        "bench_search",
        rows=[run.Row("2a", "search", 1.5, 3.0, "ms", "≤ 25 ms", True, "n")],
    )
    rows = run.cells([failed, ok])
    assert [r[0] for r in rows] == ["2a", "5", "6", "7"]
    assert rows[1][1] == "bench_sync: FAILED" and rows[1][6] == "no"
    assert "RuntimeError: no sandbox" in rows[1][7]
    assert "| 2a | search | 1.5 ms | 3 ms | 0.50× |" in run.markdown_table(rows)
    assert "bench_sync: FAILED" in run.text_table(rows)


def test_the_kiosk_benchmark_runs_visits_and_prints_its_figures(tmp_path) -> None:
    """`benchmarks/kiosk.py` at two visits: each visit's figures, the idle reset, the quit."""
    import subprocess

    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "kiosk.py"), "--visits", "2", "--idle", "10"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if line[:7].strip().isdigit()]
    assert [row[0] for row in rows] == ["1", "2"], done.stdout
    for row in rows:
        assert float(row[2]) > 0 and float(row[4]) > 0 and float(row[6]) > 0, row
    assert "left idle: welcome and files gone" in done.stdout
    assert "exit 0, 0 file(s) left" in done.stdout
