"""Offers outside the territory of the demand (PROTOCOL v3 `out_of_territory`) in the app: marked
« ⊘ » in the Offres list, named in the offer's detail, hidden by a filter, and refused with a
sentence that names both places and the demand that would be needed."""

from __future__ import annotations

from textual.widgets import Checkbox

from alin_tui.store import offers as offer_store
from alin_tui.store import outbox
from alin_tui.ui.app import AlinApp
from alin_tui.ui.components.offer_list import OfferList
from alin_tui.ui.components.offres import OffresPane
from alin_tui.ui.dialogs import ConfirmDialog
from alin_tui.ui.filters import FiltersDialog
from alin_tui.ui.offer_detail import OfferScreen
from tests.conftest import screen_text


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.screens_settled()
    await pilot.pause()


def offer_list(app) -> OfferList:
    return app.screen_stack[0].query_one(OfferList)


def rows(app) -> list[tuple[str, dict]]:
    source = offer_list(app).source
    return source.rows(0, source.total)


def department(app, offer_id: str) -> str:
    return offer_store.get(app.conn, offer_id)["department"]


async def go_to_first_of(app, pilot, dept: str) -> str:
    index, offer_id = next(
        (i, k) for i, (k, _) in enumerate(rows(app)) if department(app, k) == dept
    )
    offer_list(app).go_to(index)
    await settle(app, pilot)
    assert offer_list(app).row_at_cursor() == offer_id
    return offer_id


def words(app) -> str:
    return " ".join(screen_text(app).split())


async def test_offers_outside_the_territory_are_marked_in_the_list(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)  # a demand in the Rhône
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        found = rows(app)
        assert {department(app, k) for k, _ in found} > {"69"}  # offers from all over France
        for key, cells in found:
            marked = cells["commune"].plain.startswith("⊘ ")
            assert marked is (department(app, key) != "69"), cells["commune"].plain


async def test_the_detail_names_the_territory_and_the_apply_button_says_why(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        await go_to_first_of(app, pilot, "93")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OfferScreen)
        assert app.screen.query_one("#offer-apply").disabled
        text = words(app)
        assert "Département Seine-Saint-Denis (93) · hors du territoire de votre demande" in text
        assert app.screen.can_apply[1] == (
            "Candidature impossible : offre dans la Seine-Saint-Denis, hors du "
            "territoire de votre demande (le Rhône) : il faudrait une demande en Île-de-France"
        )
        assert "offre dans la Seine-Saint-Denis" in text and "en Île-de-France" in text
        await pilot.press("escape")
        await settle(app, pilot)
        await go_to_first_of(app, pilot, "69")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not app.screen.query_one("#offer-apply").disabled
        assert "Rhône (69) · dans le territoire de votre demande" in words(app)


async def test_applying_from_the_list_outside_the_territory_says_why_and_queues_nothing(
    store_of,
) -> None:
    app = AlinApp(store_of("complet"), session=None, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        await go_to_first_of(app, pilot, "93")
        await pilot.press("a")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        shown = [n.message for n in app._notifications]
        assert any(
            "offer in Seine-Saint-Denis, outside your demand's territory (Rhône)" in m
            and "a demand in Île-de-France" in m
            for m in shown
        ), shown
        assert outbox.rows(app.conn, states=("pending",)) == []


async def test_the_territory_filter_hides_the_offers_outside(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        everything = offer_list(app).source.total
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, FiltersDialog)
        assert "Seulement les offres du territoire de ma demande" in words(app)
        app.screen.query_one("#filter-territory", Checkbox).value = True
        await pilot.click("#filters-apply")
        await settle(app, pilot)
        assert app.screen_stack[0].query_one(OffresPane).territory_only
        kept = rows(app)
        assert 0 < len(kept) < everything
        assert {department(app, k) for k, _ in kept} == {"69"}
        assert not any(cells["commune"].plain.startswith("⊘") for _, cells in kept)
        assert "territoire de ma demande seulement" in words(app)
        await pilot.press("f")  # the dialog shows the filter on, and clearing all lifts it
        await settle(app, pilot)
        assert app.screen.query_one("#filter-territory", Checkbox).value
        await pilot.click("#filters-reset")
        await settle(app, pilot)
        assert offer_list(app).source.total == everything


async def test_an_ile_de_france_demand_sees_the_whole_region_in_its_territory(store_of) -> None:
    app = AlinApp(store_of("demo"), session=None)  # a 111 number
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        pane = app.screen.query_one(OffresPane)
        pane.territory_only = True
        pane.reload(keep=False)
        await settle(app, pilot)
        kept = {department(app, k) for k, _ in rows(app)}
        assert kept <= {"75", "77", "78", "91", "92", "93", "94", "95"} and len(kept) > 3


async def test_t_hides_the_offers_outside_and_the_help_explains_the_signs(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        everything = offer_list(app).source.total
        await pilot.press("t")
        await settle(app, pilot)
        inside = offer_list(app).source.total
        assert 0 < inside < everything
        assert all(department(app, k) == "69" for k, _ in rows(app))
        await pilot.press("t")
        await settle(app, pilot)
        assert offer_list(app).source.total == everything
        await pilot.press("question_mark")
        await settle(app, pilot)
        text = words(app)
        assert "⊘ hors du territoire de votre demande" in text and "t les masque" in text


async def test_a_server_refusal_reads_in_english_in_the_english_app(store_of) -> None:
    from alin_tui.ui.i18n import Translator
    from alin_tui.ui.text import server_words

    result = {"code": "nur_unknown", "message": "Ce numéro unique ne correspond à aucune demande"}
    assert server_words(Translator("fr"), result).startswith("Ce numéro unique")
    english = server_words(Translator("en"), result)
    assert (
        english.startswith("This unique number matches no demand") and "nur_unknown" not in english
    )
    missing = {"code": "dossier_incomplete", "message": "…", "missing": ["a", "b"]}
    assert "2 documents" in server_words(Translator("en"), missing)
    assert (
        server_words(Translator("en"), {"code": "brand_new"})
        == "The server refused this operation."
    )
