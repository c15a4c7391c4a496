"""The app: opens on the embedded sandbox, shows the demo dossier and offers, reads at 80×24."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, TabbedContent

from alin_tui.devtools.demo import synced_store
from alin_tui.domain import nur
from alin_tui.store import records
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session
from alin_tui.ui.app import AlinApp
from tests.conftest import screen_text


async def test_app_opens_on_the_sandbox_and_shows_the_demo_nur_and_an_offer(
    sandbox, tmp_path: Path
) -> None:
    store = tmp_path / "store.db"
    session = Session(store, sandbox.url, credentials=Credentials("demo", "demo"))
    app = AlinApp(store, session=session)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.sync_settled()
        await pilot.pause()
        demand = records.demand(connect(store))
        text = screen_text(app)
        assert nur.display(demand.nur) in text
        assert "Dossier incomplet" in text
        assert "Synchronisé à" in text

        await pilot.press("3")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "offres"
        offers = app.query_one("#offers", DataTable)
        assert offers.row_count > 0
        first = offers.get_row_at(0)
        assert str(first[0]).startswith("AL")
        assert str(first[0]) in screen_text(app)
        assert app.query_one("#apply").disabled
        assert "dossier incomplet" in screen_text(app)
    session.close()


async def test_search_narrows_the_offers_with_folded_text(tmp_path: Path) -> None:
    store = synced_store(tmp_path)
    app = AlinApp(store, session=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        await pilot.press(*"st denis")
        await pilot.pause()
        offers = app.query_one("#offers", DataTable)
        assert offers.row_count > 0
        communes = {str(offers.get_row_at(i)[1]) for i in range(offers.row_count)}
        assert all("Saint-Denis" in c or "Denis" in c for c in communes), communes


async def test_the_documents_tab_lists_each_person_with_states_and_reasons(
    tmp_path: Path,
) -> None:
    store = synced_store(tmp_path)
    app = AlinApp(store, session=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.query_one("#documents", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert len(rows) == 10
        rejected = [r for r in rows if r[2] == "refusée"]
        assert len(rejected) == 1 and rejected[0][3] == "illisible"
        assert sum(r[2] == "manquante" for r in rows) == 3


async def test_english_is_available(tmp_path: Path) -> None:
    store = synced_store(tmp_path)
    app = AlinApp(store, session=None, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "My demand" in text and "Dossier incomplete" in text
        assert "Sync" in text


def test_first_screen_snapshot(snap_compare, tmp_path: Path) -> None:
    store = synced_store(tmp_path)
    assert snap_compare(AlinApp(store, session=None), terminal_size=(80, 24))
