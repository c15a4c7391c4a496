"""Offres and Mes candidatures: what the user acts on is what they chose, every offer can be
reached, filtered and opened, applying and withdrawing go through a confirmation."""

from __future__ import annotations

import json
import re

from textual import events
from textual.widgets import TabbedContent

from alin_tui.store import offers as offer_store
from alin_tui.store import outbox
from alin_tui.ui.app import AlinApp
from alin_tui.ui.components.offer_list import OfferList
from alin_tui.ui.components.offres import SearchInput
from alin_tui.ui.dialogs import ConfirmDialog
from alin_tui.ui.offer_detail import OfferScreen
from tests.conftest import only_my_territory, screen_text


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.screens_settled()
    await pilot.pause()


def offer_list(app) -> OfferList:
    return app.screen_stack[0].query_one(OfferList)


def land_new_offers(app, count: int = 5) -> list[str]:
    """What a sync does behind the user's back: offers that sort first arrive in the store."""
    conn = app.conn
    template = offer_store.get(conn, offer_list(app).row_at_cursor())
    ids = []
    for i in range(count):
        value = {k: v for k, v in template.items() if k != "id"}
        value.update(reference=f"ALNEW-{i}", closes_on="2026-11-27", commune="Aaaville")
        offer_id = f"of-new-{i}"
        offer_store.put(conn, offer_id, 1, value)
        ids.append(offer_id)
    conn.commit()
    return ids


def queued_offer_ids(app) -> list[str]:
    return [
        r.args["offer_id"]
        for r in outbox.rows(app.conn, states=("pending",))
        if r.name == "application.create"
    ]


async def test_an_application_goes_to_the_opened_offer_when_a_sync_lands_before_confirming(
    store_of,
) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("3")
        await only_my_territory(app, pilot)
        await pilot.press("down", "down", "down", "down")
        await settle(app, pilot)
        chosen = offer_list(app).row_at_cursor()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OfferScreen) and app.screen.offer_id == chosen
        land_new_offers(app)
        app.screen_stack[0].refresh_views(offers_changed=True)  # the sync's refresh
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        assert queued_offer_ids(app) == [chosen]


async def test_a_refresh_keeps_the_cursor_on_the_same_offer_and_line(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await only_my_territory(app, pilot)
        await pilot.press(*["down"] * 6)
        await settle(app, pilot)
        offers = offer_list(app)
        chosen, line = offers.row_at_cursor(), offers.cursor - int(offers.scroll_y)
        land_new_offers(app)
        app.screen.refresh_views(offers_changed=True)
        await settle(app, pilot)
        assert offers.row_at_cursor() == chosen
        assert offers.cursor - int(offers.scroll_y) == line
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert queued_offer_ids(app) == [chosen]


async def test_a_refresh_with_nothing_changed_repaints_nothing(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        main = app.screen
        before = (app.screen.query_one("#documents")._rows_shown, offer_list(app).source)
        main.refresh_views(offers_changed=False)
        await settle(app, pilot)
        assert offer_list(app).source is before[1]  # the list was not read again
        assert app.screen.query_one("#documents")._rows_shown is before[0]


async def test_applying_asks_first_and_escape_cancels(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await only_my_territory(app, pilot)
        await pilot.press("down", "a")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = " ".join(screen_text(app).split())
        assert "prochaine" in text and "synchronisation" in text and "charges comprises" in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert queued_offer_ids(app) == []
        chosen = offer_list(app).row_at_cursor()
        await pilot.press("a", "enter")
        await settle(app, pilot)
        assert queued_offer_ids(app) == [chosen]


async def test_my_applications_name_the_offer_and_withdrawing_asks_first(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await only_my_territory(app, pilot)
        await pilot.press("a", "enter")
        await settle(app, pilot)
        chosen = queued_offer_ids(app)[0]
        offer = offer_store.get(app.conn, chosen)
        await pilot.press("4")
        await settle(app, pilot)
        text = screen_text(app)
        assert offer["commune"] in text and offer["typology"] in text
        assert "en attente d'envoi" in text
        assert chosen not in text and "of-" not in text
        await pilot.press("ctrl+w")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert queued_offer_ids(app) == [chosen]
        await pilot.press("ctrl+w", "enter")
        await settle(app, pilot)
        assert queued_offer_ids(app) == []  # never sent: simply cancelled


async def test_enter_on_an_application_opens_its_offer(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await only_my_territory(app, pilot)
        await pilot.press("a", "enter")
        await settle(app, pilot)
        chosen = queued_offer_ids(app)[0]
        await pilot.press("4", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OfferScreen) and app.screen.offer_id == chosen
        assert "Vous avez candidaté" in screen_text(app)


async def test_applying_is_impossible_with_the_dossier_incomplete(store_of) -> None:
    app = AlinApp(store_of("demo"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "a")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        shown = [n.message for n in app._notifications]
        assert any("dossier incomplet" in m for m in shown), shown
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OfferScreen)
        assert app.screen.query_one("#offer-apply").disabled
        assert "dossier incomplet, 4 pièces" in " ".join(screen_text(app).split())
        assert queued_offer_ids(app) == []


async def test_the_detail_shows_every_figure_of_the_offer(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("3", "enter")
        await settle(app, pilot)
        offer = offer_store.get(app.conn, app.screen.offer_id)
        text = " ".join(screen_text(app).replace("\u202f", " ").replace("\xa0", " ").split())
        for value in (offer["reference"], offer["residence_title"], offer["address"]):
            assert value in text
        assert "Loyer hors charges" in text and "Charges" in text
        assert re.search(r"Revenu fiscal [\d ]+ € [≤>] plafond (PLAI|PLUS|PLS) \d{4}", text), text
        assert re.search(r"\d+ \w+ 20\d\d \((\d+ j|auj\.)\)", text)


async def test_every_offer_can_be_reached_and_the_position_is_shown(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        offers = offer_list(app)
        total = offers.source.total
        assert total == offer_store.query_count(
            app.conn, app.screen.query_one("OffresPane").query(), offers.source.model.today
        )
        await pilot.press("end")
        await settle(app, pilot)
        assert offers.cursor == total - 1
        assert f"{total} / {total}" in screen_text(app)
        last = offers.row_at_cursor()
        await pilot.press("home", "pagedown", "pagedown")
        await settle(app, pilot)
        assert 0 < offers.cursor < total - 1
        assert last is not None


async def test_words_of_the_search_act_as_filters(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    commune, typology, rent = app.conn.execute(
        "SELECT commune, typology, rent_cents + charges_cents FROM offers WHERE status = 'open' "
        "AND closes_on >= '2026-11-27' AND commune LIKE 'Saint-%' ORDER BY rent_cents LIMIT 1"
    ).fetchone()
    ceiling = rent // 100 + 1
    typed = f"{commune.lower()} {typology.lower()} {ceiling}€"  # « saint-denis t3 700€ »
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        app.post_message(events.Paste(typed))
        await settle(app, pilot)
        assert app.screen.query_one(SearchInput).value == typed
        offers = offer_list(app)
        assert offers.source.total > 0
        rows = offers.source.rows(0, offers.source.total)
        for offer_id, _ in rows:
            o = offer_store.get(app.conn, offer_id)
            assert o["commune"] == commune and o["typology"] == typology
            assert o["rent_cents"] + o["charges_cents"] <= ceiling * 100
        text = screen_text(app).replace("\u202f", " ")
        assert typology in text and f"≤ {ceiling} €" in text


async def test_sort_and_under_ceiling_only(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "s")  # relevance → rent
        await settle(app, pilot)
        offers = offer_list(app)
        rows = offers.source.rows(0, 20)
        rents = []
        for offer_id, _ in rows:
            o = offer_store.get(app.conn, offer_id)
            rents.append(o["rent_cents"] + o["charges_cents"])
        assert rents == sorted(rents)
        assert "tri : loyer" in screen_text(app)
        everything = offers.source.total
        await pilot.press("e")
        await settle(app, pilot)
        assert 0 < offers.source.total < everything
        assert "sous plafond seulement" in screen_text(app)
        for _, cells in offers.source.rows(0, offers.source.total):
            assert cells["ceiling"].plain.startswith("sous ")


async def test_the_filters_dialog_applies_and_resets(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("3", "f")
        await settle(app, pilot)
        app.screen.query_one("#filter-place").value = "93"
        app.screen.query_one("#filter-rent").value = "600"
        await pilot.click("#filters-apply")
        await settle(app, pilot)
        offers = offer_list(app)
        for offer_id, _ in offers.source.rows(0, offers.source.total):
            o = offer_store.get(app.conn, offer_id)
            assert o["department"] == "93" and o["rent_cents"] + o["charges_cents"] <= 60000
        narrowed = offers.source.total
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.click("#filters-reset")
        await settle(app, pilot)
        assert offers.source.total > narrowed
        assert app.screen.query_one(TabbedContent).active == "offres"


async def test_a_rent_typed_wrong_is_said_never_changed_silently(store_of) -> None:
    from alin_tui.ui.filters import FiltersDialog

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "f")
        await settle(app, pilot)
        await pilot.click("#filter-rent")
        await pilot.press("6", "O", "O", "enter")  # the letter O for a zero
        await settle(app, pilot)
        assert isinstance(app.screen, FiltersDialog)  # still open, the value as typed
        assert app.screen.query_one("#filter-rent").value == "6OO"
        assert "un nombre d'euros" in screen_text(app)
        app.screen.query_one("#filter-rent").value = "1 200 €"
        app.screen.query_one("#filter-surface").value = "45,5 m²"
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, FiltersDialog)
        query = app.screen.query_one("OffresPane").chosen
        assert query.max_rent_cents == 120000 and query.min_surface_m2 == 45.5


def test_amounts_read_in_each_language() -> None:
    from alin_tui.ui.filters import _amount

    euros = ("€", "eur", "euros")
    assert _amount("1 200 €", euros) == 1200 and _amount("650,50", euros) == 650.5
    assert _amount("€1,200", euros, "en") == 1200 and _amount("650.50", euros, "en") == 650.5
    assert _amount("", euros) is None
    assert _amount("6OO", euros) is False and _amount("1,2,3,4", euros) is False


async def test_server_text_is_shown_as_text_never_as_markup_or_escapes(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    conn = app.conn
    row = conn.execute(
        "SELECT id, value FROM offers WHERE status = 'open' AND closes_on >= '2026-11-27' LIMIT 1"
    ).fetchone()
    value = json.loads(row[1])
    value["commune"] = "[bold red]Piège\x1b[31m"
    offer_store.put(conn, row[0], 99, value)
    conn.commit()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"piege")
        await settle(app, pilot)
        text = screen_text(app)
        assert "[bold red]Piège" in text and "\x1b" not in text


async def test_the_list_marks_an_offer_already_applied_to(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await only_my_territory(app, pilot)
        await pilot.press("a", "enter")
        await settle(app, pilot)
        first = next(line for line in screen_text(app).splitlines() if "€" in line)
        assert first.startswith("✓ ")


async def test_an_offer_opens_at_its_title_on_a_small_screen(store_of) -> None:
    """At 80×24 the detail is taller than the screen: it opens at its title, not scrolled down
    to the focused button."""
    from .conftest import screen_text

    app = AlinApp(store_of("demo"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "slash", *"lyon", "enter")
        await app.screens_settled()
        await pilot.press("enter")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert " à Lyon, " in lines[1] and "charges comprises" in lines[1], lines[:3]


async def test_mes_candidatures_at_80_columns_shows_the_whole_rent_and_the_reference(
    store_of,
) -> None:
    """At 80 columns the reference column is left out: it follows the offer in its cell, and
    the status column is only as wide as its words, so the rent is not cut."""
    from alin_tui.store import offers as offer_store

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await only_my_territory(app, pilot)
        chosen = offer_list(app).row_at_cursor()
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("enter", "4")
        await settle(app, pilot)
        offer = offer_store.get(app.conn, chosen)
        row = next(line for line in screen_text(app).splitlines() if offer["commune"] in line)
        assert f"€ · {offer['reference']}" in row, row
