"""Start-up cost and the direction of imports (STYLE.md), checked in fresh interpreters."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("textual", "httpx", "fastapi", "starlette", "uvicorn", "pydantic", "sqlite_utils")


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out))


def _top(mods: set[str]) -> set[str]:
    return {m.split(".")[0] for m in mods}


def test_importing_the_cli_pulls_no_framework() -> None:
    loaded = _top(_modules_after("import alin_tui.cli"))
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    loaded = _top(_modules_after("import alin_tui.commands"))
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("alin_tui.domain.nur", {"textual", "httpx", "fastapi", "sqlite_utils", "pydantic"}),
        ("alin_tui.domain.stage", {"textual", "httpx", "fastapi", "sqlite_utils", "pydantic"}),
        ("alin_tui.domain.communes", {"textual", "httpx", "fastapi", "sqlite_utils"}),
        ("alin_tui.protocol", {"textual", "httpx", "fastapi", "sqlite_utils"}),
        ("alin_tui.store.db", {"textual", "httpx", "fastapi"}),
        ("alin_tui.sync.session", {"textual", "fastapi", "starlette", "uvicorn"}),
        ("alin_tui.sync.engine", {"textual", "fastapi", "starlette", "uvicorn"}),
        ("alin_tui.store.actions", {"textual", "httpx", "fastapi"}),
        ("alin_tui.ui.app", {"fastapi", "starlette", "uvicorn"}),
    ],
)
def test_layers_import_only_what_they_may(module: str, forbidden: set[str]) -> None:
    loaded = _modules_after(f"import {module}")
    assert not _top(loaded) & forbidden, _top(loaded) & forbidden
    ours = {m for m in loaded if m.startswith("alin_tui.")}
    layer = module.split(".")[1]
    allowed = {
        "domain": {"domain"},
        "protocol": {"protocol"},
        "store": {"store", "domain"},
        "sync": {"sync", "store", "domain", "protocol"},
        "ui": {"ui", "store", "domain", "protocol", "sync", "config"},
    }[layer]
    assert {m.split(".")[1] for m in ours} <= allowed, ours


def test_domain_and_protocol_pass_mypy_strict() -> None:
    """The pure rules and the wire models are fully typed."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "alin_tui/domain", "alin_tui/protocol.py"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
