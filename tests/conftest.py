"""Shared fixtures: a real sandbox on loopback, real SQLite files in tmp_path, frozen time zone."""

from __future__ import annotations

import os
import re
import tempfile
import time
from html import unescape
from pathlib import Path

import pytest

from alin_tui.devtools.demo import DEMO_DAY
from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig

# The command line follows the system's locale when --lang is absent: the tests (and the commands
# they run in subprocesses) start from a neutral one, so that French, the default, applies.
for _var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "ALIN_LANG"):
    os.environ.pop(_var, None)
os.environ["LANG"] = "C.UTF-8"
# Nor does a developer's own configuration file (~/.config/alin-tui/config.toml) reach them.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="alin-tests-config-")


# Fuzzing: a bounded run by default, many more examples with ALIN_FUZZ=long.
from hypothesis import settings as _hypothesis  # noqa: E402

_hypothesis.register_profile("default", max_examples=60, deadline=None)
_hypothesis.register_profile("long", max_examples=3000, deadline=None)
_hypothesis.load_profile("long" if os.environ.get("ALIN_FUZZ") == "long" else "default")


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch):
    """Times on screen are local: pin the zone so screens are deterministic."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    time.tzset()


@pytest.fixture
def sandbox(tmp_path: Path):
    """The sandbox served over real HTTP on 127.0.0.1 (a thread of this process)."""
    config = SandboxConfig(
        db=tmp_path / "sandbox.db", seed=1, offers=600, today=DEMO_DAY, admin_token="admin-test"
    )
    with EmbeddedSandbox(config) as server:
        yield server


def screen_text(app) -> str:
    """The visible text of an app's screen (from its SVG export), one line per row."""
    svg = app.export_screenshot()
    rows = re.findall(r'<text class="[^"]*" x="[^"]*" y="([^"]*)"[^>]*>(.*?)</text>', svg)
    lines: dict[float, list[str]] = {}
    for y, text in rows:
        lines.setdefault(float(y), []).append(unescape(re.sub(r"<[^>]+>", "", text)))
    return "\n".join("".join(parts).replace("\xa0", " ") for _, parts in sorted(lines.items()))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("ALIN_DATA_DIR", str(path))
    for var in ("ALIN_SERVER", "ALIN_PROFILE", "ALIN_LANG"):
        monkeypatch.delenv(var, raising=False)
    return path


__all__ = ["screen_text", "os"]


@pytest.fixture
def api(sandbox):
    from tests.sandbox_client import Api

    client = Api(sandbox.url, "admin-test")
    yield client
    client.http.close()


@pytest.fixture(scope="session")
def demo_stores(tmp_path_factory) -> dict[str, Path]:
    """Stores synced once from the deterministic sandbox (400 offers), per demo account."""
    from alin_tui.devtools.demo import synced_store

    base = tmp_path_factory.mktemp("demo-stores")
    return {
        user: synced_store(base / user, username=user)
        for user in ("demo", "complet", "foyer-02", "renouvellement")
    }


@pytest.fixture
def store_of(demo_stores, tmp_path: Path):
    """A private copy of a demo account's store (tests write to it)."""
    import shutil

    def copy(user: str) -> Path:
        target = tmp_path / f"{user}-store" / "store.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(demo_stores[user], target)
        return target

    return copy


async def only_my_territory(app, pilot) -> None:
    """The Offres list narrowed to the demand's territory (the filter « Seulement les offres du
    territoire de ma demande »): `complet`'s demand is in the Rhône, and applying to an offer
    elsewhere is `out_of_territory`."""
    from alin_tui.ui.components.offres import OffresPane

    pane = app.screen_stack[0].query_one(OffresPane)
    pane.territory_only = True
    pane.reload(keep=False)
    await pilot.pause()
    await app.screens_settled()
    await pilot.pause()
