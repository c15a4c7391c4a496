"""Start-up cost and the direction of imports (STYLE.md), checked in fresh interpreters."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
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


def test_applying_offline_loads_no_http_client(tmp_path) -> None:
    """`alin-tui apply` checks and queues from the store: no httpx, no framework."""
    code = (
        "import sys, json, contextlib\n"
        "from alin_tui.cli import main\n"
        f"main(['--data-dir', {str(tmp_path)!r}, 'apply', 'of-000001'])\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = _top(set(json.loads(out.splitlines()[-1])))
    assert not loaded & {"httpx", "textual", "fastapi", "starlette", "uvicorn"}, loaded


def _after_command(tmp_path, argv: list[str]) -> dict:
    """Run `alin-tui ARGV` in a fresh interpreter; what it loaded, built and parsed."""
    code = (
        "import sys, json, io, contextlib\n"
        "from alin_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({argv!r})\n"
        "from alin_tui.ui import i18n\n"
        "p = sys.modules.get('alin_tui.protocol')\n"
        "built = sorted(n for n, v in vars(p).items() if getattr(v, '__pydantic_complete__', 0)"
        " is True) if p else []\n"
        "print(json.dumps({'code': code, 'modules': sorted(sys.modules), 'built': built,"
        " 'parsed': i18n._parsed.cache_info().currsize, 'files': len(i18n._files('fr')),"
        " 'whole': i18n.catalog.cache_info().currsize}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIN_")}
    env.update(ALIN_DATA_DIR=str(tmp_path / "data"), LANG="C.UTF-8")
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    ).stdout
    return json.loads(out.splitlines()[-1])


def test_status_and_apply_load_only_what_they_use(tmp_path) -> None:
    """Issue 14, row 10 (each command ≤ 0.15 s above `python -c pass`): `status --json` and
    `apply` import pydantic-settings without asyncio (`config._asyncio_when_used`), build no wire
    model but the argument model `apply` queues (`defer_build` in protocol.py; TokenRequest and
    PushRequest excepted), and parse only the catalog files they read (`i18n._sections`)."""
    from alin_tui.devtools.demo import synced_store
    from alin_tui.store import actions
    from alin_tui.store.db import connect

    seeded = synced_store(tmp_path / "seed", username="complet", offers=60)
    conn = connect(seeded)
    try:  # an offer the local gate accepts, found on a copy
        offers = [row[0] for row in conn.execute("SELECT id FROM offers ORDER BY id")]
        scratch = sqlite3.connect(tmp_path / "scratch.db")
        conn.backup(scratch)
        scratch.close()
    finally:
        conn.close()
    scratch = connect(tmp_path / "scratch.db")
    offer = next(o for o in offers if actions.apply(scratch, o).queued is not None)
    scratch.close()
    profile = tmp_path / "data" / "profiles" / "default"
    profile.mkdir(parents=True)
    shutil.copyfile(seeded, profile / "store.db")

    status = _after_command(tmp_path, ["status", "--json"])
    applied = _after_command(tmp_path, ["apply", offer])
    assert status["code"] == 0 and applied["code"] == 0
    for ran in (status, applied):
        assert "pydantic_settings" in ran["modules"]  # kept: its messages name a bad setting
        assert "asyncio" not in ran["modules"]
        assert ran["whole"] == 0 and ran["parsed"] < ran["files"], ran  # not every catalog
    assert "alin_tui.protocol" not in status["modules"]
    assert "OfferArgs" in applied["built"]
    unused = {"PullResponse", "PushResponse", "Change", "OfferValue", "DemandValue", "Health"}
    assert not set(applied["built"]) & unused, applied["built"]


LAYERS = {
    "faults": {"faults"},
    "domain": {"domain"},
    "protocol": {"protocol"},
    "sqlite": {"sqlite"},
    "store": {"store", "domain", "protocol", "sqlite"},
    "sync": {"sync", "store", "domain", "protocol", "sqlite", "faults"},
    "sandbox": {"sandbox", "domain", "protocol", "sqlite"},
    # config reads the system's language (lang) and default paths (config_paths); the palette
    # lists the households (profiles).
    "ui": {
        "ui",
        "store",
        "domain",
        "protocol",
        "sync",
        "config",
        "lang",
        "config_paths",
        "profiles",
        "profiles_json",
        "exits",
        "sqlite",
    },
}


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("alin_tui.domain.nur", {"textual", "httpx", "fastapi", "pydantic"}),
        ("alin_tui.domain.stage", {"textual", "httpx", "fastapi", "pydantic"}),
        ("alin_tui.domain.communes", {"textual", "httpx", "fastapi"}),
        ("alin_tui.protocol", {"textual", "httpx", "fastapi"}),
        ("alin_tui.sqlite", {"textual", "httpx", "fastapi", "pydantic"}),
        ("alin_tui.store.db", {"textual", "httpx", "fastapi"}),
        ("alin_tui.sync.session", {"textual", "fastapi", "starlette", "uvicorn"}),
        ("alin_tui.sync.engine", {"textual", "fastapi", "starlette", "uvicorn"}),
        ("alin_tui.sync.loop", {"textual", "fastapi", "starlette", "uvicorn"}),
        ("alin_tui.store.actions", {"textual", "httpx", "fastapi"}),
        ("alin_tui.sandbox.app", {"textual", "httpx"}),
        ("alin_tui.ui.app", {"fastapi", "starlette", "uvicorn"}),
    ],
)
def test_layers_import_only_what_they_may(module: str, forbidden: set[str]) -> None:
    loaded = _modules_after(f"import {module}")
    assert not _top(loaded) & forbidden, _top(loaded) & forbidden
    ours = {m for m in loaded if m.startswith("alin_tui.")}
    assert {m.split(".")[1] for m in ours} <= LAYERS[module.split(".")[1]], ours


def _import_graph() -> dict[str, set[str]]:
    """Every `alin_tui` module and the `alin_tui` modules it imports, at the top or lazily."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "alin_tui"
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.count(".") >= 1:
                    found.add(target)
        graph[name] = found
    return graph


def test_the_import_graph_has_no_cycle_and_follows_the_layers() -> None:
    graph = _import_graph()
    for module, targets in graph.items():
        layer = (module.split(".") + [""])[1]
        if layer in LAYERS:
            outside = {t for t in targets if t.split(".")[1] not in LAYERS[layer]}
            assert not outside, f"{module} imports {outside}"
    assert not any(
        t.startswith("alin_tui.store") for m in graph if ".sandbox" in m for t in graph[m]
    )
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in graph.get(node, ()):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " → ".join([*path, node, target]))
            if target not in state:
                visit(target, [*path, node])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [])


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
