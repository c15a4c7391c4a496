"""The household switcher of the command palette: the app hands the chosen profile back to the
command line, which closes this profile's session and opens the other's."""

from __future__ import annotations

from alin_tui.ui.app import AlinApp, SwitchProfile
from tests.conftest import screen_text


async def _settle(app, pilot) -> None:
    await pilot.pause()
    await app.screens_settled()
    await pilot.pause(0.3)


async def test_the_palette_lists_the_other_households_and_opens_one(store_of) -> None:
    app = AlinApp(
        store_of("complet"), session=None, profile="martin", profiles=("diallo", "martin")
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await _settle(app, pilot)
        await pilot.press(*"foyer")
        await _settle(app, pilot)
        text = screen_text(app)
        assert "Ouvrir le foyer « diallo »" in text
        assert "« martin »" not in text.split("Ouvrir le foyer")[1].splitlines()[0]  # not itself
        await pilot.press("enter")
        await _settle(app, pilot)
    assert app.return_value == SwitchProfile("diallo")


async def test_in_english_and_with_one_profile_nothing_to_switch_to(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None, lang="en", profile="a", profiles=("a",))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await _settle(app, pilot)
        await pilot.press(*"household")
        await _settle(app, pilot)
        assert "Open the household" not in screen_text(app)
