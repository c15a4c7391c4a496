"""Saved searches in the app: `m` saves the search and its filters under a name, `n` lists them
with their new offers and opens one; the Offres tab counts the new offers, a sync that brings
some announces them once; offers closing within 7 days are flagged in the list and the detail."""

from __future__ import annotations

from textual.widgets import Input, TabbedContent

from alin_tui.domain.offer_query import OfferQuery
from alin_tui.store import saved
from alin_tui.store.db import connect
from alin_tui.store.sync_state import server_today
from alin_tui.sync.session import Credentials, Session
from alin_tui.ui.app import AlinApp
from alin_tui.ui.components.offer_list import OfferList
from alin_tui.ui.components.offres import OffresPane, SearchInput
from alin_tui.ui.offer_detail import OfferScreen
from alin_tui.ui.saved_dialogs import SavedSearchesDialog, SaveSearchDialog
from tests.conftest import screen_text


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.screens_settled()
    await pilot.pause()
    await app.screens_settled()


async def synced(app, pilot) -> None:
    await app.sync_settled()
    await settle(app, pilot)


def tab_label(app) -> str:
    return app.screen_stack[0].query_one(TabbedContent).get_tab("offres").label.plain


def told(app, words: str) -> list[str]:
    return [n.message for n in app._notifications if words in n.message]


async def test_m_saves_the_search_and_its_filters_under_the_name_typed(store_of) -> None:
    store = store_of("complet")
    app = AlinApp(store, session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "slash", *"montreuil", "escape")
        app.screen.query_one(SearchInput).value = "montreuil 700€"
        await settle(app, pilot)
        app.screen.query_one(OffresPane).chosen = OfferQuery(typology="T3")  # as the filters set it
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, SaveSearchDialog)
        field = app.screen.query_one("#save-search-name", Input)
        assert field.value == "montreuil 700€" and field.has_focus
        field.value = "  Montreuil pas cher "
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, SaveSearchDialog)
        assert told(app, "Montreuil pas cher")
    db = connect(store)
    [search] = saved.searches(db)
    assert (search.name, search.text, search.typology) == (
        "Montreuil pas cher",
        "montreuil 700€",
        "T3",
    )
    q = search.query()
    assert (q.text, q.typology, q.max_rent_cents) == ("montreuil", "T3", 70000)


async def test_a_name_too_long_cannot_be_saved(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "m")
        await settle(app, pilot)
        field = app.screen.query_one("#save-search-name", Input)
        assert app.screen.query_one("#save-search-save").disabled  # nothing typed: no name
        field.value = "abc"
        await pilot.pause()
        assert not app.screen.query_one("#save-search-save").disabled
        await pilot.press("escape")
        await settle(app, pilot)
    assert saved.searches(connect(app.store_path)) == []


async def test_a_sync_that_brings_a_matching_offer_counts_it_on_the_tab_and_says_so_once(
    sandbox, api, tmp_path
) -> None:
    store = tmp_path / "store.db"
    session = Session(store, sandbox.url, credentials=Credentials("complet", "complet"))
    assert session.sync().error is None
    db = connect(store)
    saved.save(db, "Montreuil T3", "montreuil t3")
    fields = {
        "reference": "ALERT-1",
        "residence_title": "Les Lilas",
        "address": "3 rue des Roses",
        "commune": "Montreuil",
        "postal_code": "93100",
        "department": "93",
        "typology": "T3",
        "surface_m2": 64.5,
        "floor": 2,
        "rent_cents": 52000,
        "charges_cents": 9000,
        "financing": "PLUS",
        "zone": "idf",
        "available_on": "2027-02-01",
        "closes_on": "2026-11-30",
        "status": "open",
    }
    app = AlinApp(store, session=session, sync_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert tab_label(app) == "Offres"
        created = api.control("offers", {"fields": fields}).json()["id"]
        api.control("offers", {"fields": {**fields, "reference": "OTHER", "commune": "Lyon"}})
        app.action_sync()
        await synced(app, pilot)
        assert tab_label(app) == "Offres (1)"
        assert len(told(app, "Nouvelles offres pour vos recherches : Montreuil T3 (1)")) == 1
        app.action_sync()  # another cycle: the same arrival is not announced again
        await synced(app, pilot)
        assert len(told(app, "Nouvelles offres")) == 1
        assert tab_label(app) == "Offres (1)"

        await pilot.press("3", "n")
        await settle(app, pilot)
        assert isinstance(app.screen, SavedSearchesDialog)
        assert "1 nouvelle offre" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == "montreuil t3"
        assert tab_label(app) == "Offres"  # opened: its new offers are seen
        offers = app.screen.query_one(OfferList)
        assert offers.has_focus
        row = offers.source.rows(0, offers.source.total)
        marked = [key for key, cells in row if cells["commune"].plain.startswith("✦")]
        assert marked == [created]
        assert offers.row_at_cursor() == created  # the new offer shown, wherever it ranks
    session.close()
    assert saved.new_offers(db, None, server_today(db)) == []


async def test_offers_closing_within_seven_days_are_flagged_in_the_list_and_the_detail(
    store_of,
) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "s")  # by rent: closing dates of every kind
        await settle(app, pilot)
        offers = app.screen.query_one(OfferList)
        rows = offers.source.rows(0, 64)
        left = [cells["left"].plain for _, cells in rows]
        assert any(x.startswith("! ") for x in left)
        assert any(x and not x.startswith("! ") for x in left)
        soon = next(i for i, x in enumerate(left) if x.startswith("! "))
        offers._go(soon)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OfferScreen)
        assert "ferme bientôt" in screen_text(app)


async def test_the_help_lists_the_saved_search_keys(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None, lang="en")
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("3", "question_mark")
        await settle(app, pilot)
        text = " ".join(screen_text(app).split())
        assert "m Save search" in text and "n Saved searches" in text


async def test_typing_a_name_replaces_the_text_offered(store_of) -> None:
    from tests.test_app_keys import burst

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "slash", *"saint denis", "escape")
        await settle(app, pilot)
        burst(app, "m", *"Gare")  # fast: the dialog opens and the name is typed at once
        await settle(app, pilot)
        assert app.screen.query_one("#save-search-name", Input).value == "Gare"


async def test_forgetting_a_saved_search_asks_first(store_of) -> None:
    from alin_tui.ui.dialogs import ConfirmDialog

    store = store_of("complet")
    saved.save(connect(store), "Lyon", "lyon")
    app = AlinApp(store, session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "n")
        await settle(app, pilot)
        await pilot.press("delete")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Oublier la recherche « Lyon »" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert saved.names(connect(store)) == ["Lyon"]
        assert isinstance(app.screen, SavedSearchesDialog)  # kept: back to the list
        await pilot.press("delete")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
    assert saved.names(connect(store)) == []


async def test_saving_a_search_of_everything_warns_that_every_offer_will_be_announced(
    store_of,
) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "m")
        await settle(app, pilot)
        app.screen.query_one("#save-search-name", Input).value = "Tout"
        await settle(app, pilot)
        assert "chaque nouvelle offre sera annoncée" in screen_text(app)
        assert not app.screen.query_one("#save-search-save").disabled  # said, not refused
