"""Linking the unique number: bad input said in the reader's language, and a demand already
linked is not linked again to another number (one demand, one number, one territory)."""

from __future__ import annotations

import pytest

from alin_tui.domain import nur
from alin_tui.store import actions, outbox
from alin_tui.store.db import connect
from alin_tui.ui.app import AlinApp
from alin_tui.ui.i18n import Translator
from tests.conftest import screen_text

OTHER = "0690626984769GBB8B"  # a well-formed number that is not complet's


@pytest.mark.parametrize(
    ("typed", "fr", "en"),
    [
        ("", "est vide", "is empty"),
        ("111 1023 5178", "celui-ci en a 11", "this one has 11"),
        ("111-1023-517879-GDPU#é", "trouvé : « # » « é »", "found: « # » « é »"),
    ],
)
def test_a_number_that_cannot_be_one_is_said_in_both_languages(typed, fr, en) -> None:
    with pytest.raises(nur.InvalidNur) as caught:
        nur.normalize(typed)
    error = caught.value
    assert fr in Translator("fr")(f"nur_words.{error.code}", **error.params)
    assert en in Translator("en")(f"nur_words.{error.code}", **error.params)


def test_an_implausible_month_is_a_warning_in_words() -> None:
    import datetime as dt

    codes = nur.warning_codes("1111329517879GDPUB", dt.date(2026, 11, 27))
    assert codes == [("month_invalid", {"month": "13"})]
    assert "(13) does not exist" in Translator("en")("nur_words.month_invalid", month="13")


def test_a_linked_demand_is_not_linked_to_another_number(store_of) -> None:
    conn = connect(store_of("complet"))
    outcome = actions.link_number(conn, OTHER)
    assert outcome.refusal is not None and outcome.refusal.code == "already_linked"
    assert outcome.refusal.params["number"] == "069 0626 984769 GBB8A"
    assert outbox.pending(conn) == []  # nothing queued
    # The same number again is harmless (the server answers ok) and goes through.
    assert actions.link_number(conn, "069 0626 984769 GBB8A").queued is not None


async def test_ctrl_l_on_a_linked_demand_says_so_and_cannot_save(store_of) -> None:
    app = AlinApp(store_of("complet"), sync_on_start=False, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press(*OTHER)
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "already linked to AL-in with the number 069 0626 984769" in text
        assert app.screen.query_one("#link-save").disabled
        await pilot.press("enter")
        await pilot.pause()
        assert outbox.pending(connect(app.store_path)) == []


def test_a_number_without_its_account_is_claimed_first(tmp_path) -> None:
    """Situation 2: the number is right, but the national file has no account for it yet."""
    from alin_tui.devtools.demo import synced_store
    from alin_tui.store import applicant

    conn = connect(synced_store(tmp_path, username="numero", offers=50))

    number = applicant.load(conn, overlay=False).link_rule().nur
    outcome = actions.link_number(conn, number)
    assert outcome.refusal is not None and outcome.refusal.code == "claim_first"
    assert outbox.pending(conn) == []


def test_a_number_that_is_not_the_demands_own_is_refused(store_of) -> None:
    conn = connect(store_of("foyer-02"))  # a demand on the national file, not linked yet
    outcome = actions.link_number(conn, "044 0626 323516 G5B4D")
    assert outcome.refusal is not None and outcome.refusal.code == "not_your_number"
    assert outcome.refusal.params["number"] == "044 0626 323516 G5B4C"
    assert actions.link_number(conn, "044 0626 323516 G5B4C").queued is not None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_filed_application_says_what_it_waits_for_by_the_dossiers_state(lang) -> None:
    from alin_tui.ui.views import application_sentence

    t = Translator(lang)
    filed = {"status": "submitted"}
    waiting = application_sentence(t, filed, complete=False)
    ready = application_sentence(t, filed, complete=True)
    assert waiting != ready
    assert ("dossier national complet" if lang == "fr" else "needs a complete") in waiting
    assert ("est complet" if lang == "fr" else "is complete") in ready


def test_an_address_too_short_is_not_called_missing() -> None:
    from alin_tui.domain.contact import problem

    assert problem("address", "  ") == "address_missing"
    assert problem("address", "abc") == "address_short"
    assert problem("address", "12 rue des Lilas, 69100 Villeurbanne") is None
    for lang in ("fr", "en"):
        t = Translator(lang)
        assert t("contact.address_short") != t("contact.address_missing")
        assert "Villeurbanne" in t("contact.address_short")
