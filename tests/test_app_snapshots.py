"""Snapshots of each tab at 80×24 and 120×40 in French, and at 80×24 in English, over the same
deterministic demo store (`pytest --snapshot-update` re-takes them after a deliberate change)."""

from __future__ import annotations

import pytest

from alin_tui.ui.app import AlinApp

TABS = {"demande": "1", "pieces": "2", "offres": "3", "candidatures": "4"}


def _shoot(snap_compare, store, tab: str, size: tuple[int, int], lang: str) -> bool:
    async def show(pilot) -> None:
        app = pilot.app
        await pilot.press(TABS[tab])
        await app.screens_settled()
        await pilot.pause()

    app = AlinApp(store, session=None, lang=lang)
    return snap_compare(app, terminal_size=size, run_before=show)


@pytest.fixture(scope="module")
def snapshot_store(demo_stores, tmp_path_factory):
    """The demo dossier with one application queued, so that Mes candidatures shows a row."""
    import shutil

    from alin_tui.store import actions, offers
    from alin_tui.store.db import connect

    target = tmp_path_factory.mktemp("snap") / "store.db"
    shutil.copy(demo_stores["complet"], target)
    conn = connect(target)
    # the first offer of `complet`'s territory (the Rhône): elsewhere is `out_of_territory`
    first = next(o["id"] for o in offers.page(conn, limit=1000) if o["department"] == "69")
    assert actions.apply(conn, first).queued is not None
    conn.close()
    return target


@pytest.mark.parametrize("tab", list(TABS))
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_each_tab_in_french(snap_compare, snapshot_store, tab, size) -> None:
    assert _shoot(snap_compare, snapshot_store, tab, size, "fr")


@pytest.mark.parametrize("tab", list(TABS))
def test_each_tab_in_english_at_80x24(snap_compare, snapshot_store, tab) -> None:
    assert _shoot(snap_compare, snapshot_store, tab, (80, 24), "en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_kiosk_welcome_snapshot(snap_compare, tmp_path, lang: str) -> None:
    """The kiosk's welcome at 80×24: the three situations and the note on what is kept."""
    from alin_tui.config import Settings
    from alin_tui.ui.kiosk import KioskApp

    settings = Settings(data_dir=tmp_path, lang=lang, kiosk_admin_keys="ctrl+t f12")
    assert snap_compare(KioskApp(settings, visits=None, theme="dark"), terminal_size=(80, 24))
