"""A small version of the load benchmark in the default run: concurrent clients, no error, no
mutation lost or applied twice (figures are printed by `python benchmarks/load.py`)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_concurrent_clients_lose_and_duplicate_nothing(capsys) -> None:
    spec = importlib.util.spec_from_file_location("load", ROOT / "benchmarks" / "load.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    code = asyncio.run(load.run(argparse.Namespace(clients=8, seconds=2.0, offers=300)))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "errors: 0" in out
