"""Smoke check of `benchmarks/bench_ui.py` (rows 1, 3, 4 and 8 of issue 14) at tiny sizes, one
run per figure: real pseudo-terminals, Pilot in child processes, the bare baseline app. The rows
come back well formed with measured numbers; no figure is compared with a time or a size."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_bench_ui_gives_every_row_with_its_baseline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bench_ui
    from common import Row

    monkeypatch.setattr(bench_ui, "TINY", True)
    rows = bench_ui.run(True, tmp_path)

    assert [r.number for r in rows] == ["1", "3", "4a", "4b", "4c", "8a", "8b", "8c", "8d"]
    for row in rows:
        assert isinstance(row, Row)
        assert row.figure and row.unit and row.target and row.note
        assert row.met in (True, False)
        assert row.baseline is not None
        for number in (row.value, row.baseline):
            assert isinstance(number, float | int) and math.isfinite(number) and number >= 0
    by_number = {r.number: r for r in rows}
    # Times, sizes and bytes of an answer are measured, so never zero; idle may well be.
    for number in ("1", "3", "4a", "4b", "4c", "8b", "8c", "8d"):
        row = by_number[number]
        assert row.value > 0 and row.baseline > 0, row
    assert "held at most" in by_number["4b"].note
