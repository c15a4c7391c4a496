"""Renewing in the app is a walkthrough (DOMAIN.md: « it is not one key press »): the household,
the income, the contact details, the identity document, then what the renewal does, with the
days of validity given up by renewing early. A change of household or income, or an identity
document that is not valid, stops it with what to do first, and nothing is queued.

`renouvellement` (the sandbox's demo day is 27 November 2026) expires on 17 December 2026, in
20 days; its dossier is complete."""

from __future__ import annotations

import re
from pathlib import Path

from alin_tui.store import outbox
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session
from alin_tui.ui.app import AlinApp
from alin_tui.ui.renewal import RenewalWizard
from tests.conftest import screen_text

WALK = ("ctrl+n", "enter", "enter", "enter", "enter", "enter")  # four checks, then renew
SUMMARY = "La demande sera renouvelée aujourd'hui et valable jusqu'au 27 novembre 2027."
LOST = (
    "En renouvelant aujourd'hui, 20 jours de validité sont perdus "
    "(renouvellement possible jusqu'au 17 décembre 2026)."
)


def flat(app) -> str:
    """The screen on one line, the dialog's frame taken out: a sentence wrapped over several
    rows reads as one."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", screen_text(app)).split())


def queued(app) -> list[str]:
    return [r.name for r in outbox.rows(app.conn)]


async def settle(app, pilot) -> None:
    await app.screens_settled()
    await pilot.pause()


def synced(sandbox, tmp_path: Path, user: str = "renouvellement") -> Path:
    """A store synced once from the sandbox over loopback (the app then runs without a loop)."""
    store = tmp_path / f"{user}.db"
    session = Session(store, sandbox.url, credentials=Credentials(user, user))
    assert session.sync().error is None
    session.close()
    return store


async def test_walking_every_step_with_keys_typed_at_once_queues_one_renewal(store_of) -> None:
    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*WALK)  # no pause between the keys
        await settle(app, pilot)
        assert not isinstance(app.screen, RenewalWizard)
        assert queued(app) == ["demand.renew"]


async def test_the_renewal_walked_through_reaches_the_national_file(sandbox, api, tmp_path):
    store = tmp_path / "store.db"
    session = Session(
        store, sandbox.url, credentials=Credentials("renouvellement", "renouvellement")
    )
    app = AlinApp(store, session=session)
    async with app.run_test(size=(100, 34)) as pilot:
        await app.sync_settled()
        await pilot.pause()
        await pilot.press(*WALK)
        await pilot.pause()
        await app.sync_settled()
        await app.sync_settled()
        assert outbox.rows(connect(store), states=("pending",)) == []
    session.close()
    demand = api.entity("renouvellement", "sne", "demand", "dem-renouvellement")
    assert (demand["renewed_on"], demand["expires_on"]) == ("2026-11-27", "2027-11-27")


async def test_escape_at_the_first_step_cancels_and_queues_nothing(store_of) -> None:
    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, RenewalWizard)
        text = flat(app)
        assert "étape 1 sur 5" in text and "Chloé, demandeur, 31 ans" in text
        assert "ouvert 60 jours avant l'échéance" in text and "17 décembre 2026" in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, RenewalWizard)
        assert queued(app) == []


async def test_escape_goes_back_one_step(store_of) -> None:
    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "enter", "enter", "escape")
        await settle(app, pilot)
        assert app.screen.page == "income"
        assert "16 400 €" in flat(app)
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, RenewalWizard)
        assert queued(app) == []


async def test_a_household_that_changed_is_declared_on_the_national_file_first(store_of) -> None:
    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "tab", "enter")  # « Le foyer a changé »
        await settle(app, pilot)
        text = flat(app)
        assert "demande-logement-social.gouv.fr" in text and "Rien n'a été envoyé" in text
        assert queued(app) == []
        await pilot.press("enter")  # « Fermer »
        await settle(app, pilot)
        assert not isinstance(app.screen, RenewalWizard)
        assert queued(app) == []


async def test_an_income_that_changed_says_the_year_before_may_be_declared(store_of) -> None:
    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "enter", "tab", "enter")  # « Mes revenus ont changé »
        await settle(app, pilot)
        text = flat(app)
        assert "demande-logement-social.gouv.fr" in text
        assert "baissé de 10 % ou plus" in text and "ceux de 2025 au lieu de ceux de 2024" in text
        await pilot.press("escape")  # back to the income, to choose again
        await settle(app, pilot)
        assert app.screen.page == "income"
        await pilot.press("tab", "enter", "enter")
        await settle(app, pilot)
        assert queued(app) == []


async def test_the_summary_says_the_new_expiry_and_the_days_given_up(store_of) -> None:
    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press(*WALK[:-1])
        await settle(app, pilot)
        assert app.screen.page == "summary"
        text = flat(app)
        assert SUMMARY in text and LOST in text
        assert "ancienneté sont conservés" in text
        assert queued(app) == []  # nothing before the last key


async def test_at_80_by_24_the_summary_is_whole_on_screen(store_of) -> None:
    from textual.containers import VerticalScroll
    from textual.geometry import Region

    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*WALK[:-1])
        await settle(app, pilot)
        text = flat(app)
        assert SUMMARY in text and LOST in text  # wrapped, never cut
        wizard = app.screen
        assert wizard.query_one(VerticalScroll).max_scroll_y == 0  # nothing below the fold
        screen = Region(0, 0, 80, 24)
        for widget in ("#renewal-key", "#renewal-lost", "#renewal-summary-0"):
            assert screen.contains_region(wizard.query_one(widget).region), widget


async def test_no_page_shows_a_code_an_id_or_an_iso_date(store_of) -> None:
    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        wizard = app.screen
        for page in ("household", "income", "situation", "identity", "summary"):
            wizard.show_page(page)
            await pilot.pause()
            words = flat(app)
            assert not re.search(r"\d{4}-\d\d-\d\d", words), (page, words)
            assert "pj-" not in words and "demand." not in words and "RAD" not in words


async def test_in_english_the_walkthrough_speaks_english(store_of) -> None:
    app = AlinApp(store_of("renouvellement"), session=None, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*WALK[:-1])
        await settle(app, pilot)
        text = flat(app)
        assert "The demand will be renewed today and valid until 27 November 2027." in text
        assert "20 days of validity are given up (renewal possible until 17 December 2026)" in text


async def test_an_identity_document_refused_stops_the_renewal_with_where_to_attach_it(
    sandbox, api, tmp_path
):
    slot = "pj-renouvellement-1-identity"
    r = api.control(f"documents/{slot}/review", {"state": "rejected", "reason": "illisible"})
    assert r.status_code == 200, r.text
    app = AlinApp(synced(sandbox, tmp_path), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "enter", "enter", "enter")
        await settle(app, pilot)
        assert app.screen.page == "identity"
        text = flat(app)
        assert "Pièce d'identité de Chloé : refusée" in text
        assert "onglet Pièces justificatives" in text and "Rien n'a été envoyé" in text
        assert slot not in text
        await pilot.press("enter")  # « Fermer »: there is no way on from here
        await settle(app, pilot)
        assert not isinstance(app.screen, RenewalWizard)
        assert queued(app) == []


async def test_contact_details_shown_as_text_and_changed_from_the_walkthrough(
    sandbox, api, tmp_path
):
    from textual.widgets import Input

    odd = "[bold]12 rue[/bold] des Lilas \x1b[31m"
    r = api.control("demand/edit", {"username": "renouvellement", "fields": {"address": odd}})
    assert r.status_code == 200, r.text
    app = AlinApp(synced(sandbox, tmp_path), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "enter", "enter")
        await settle(app, pilot)
        assert app.screen.page == "situation"
        assert "[bold]12 rue[/bold] des Lilas" in flat(app)  # not markup, no escape
        await pilot.press("tab", "enter")  # « Modifier mes coordonnées »
        await settle(app, pilot)
        phone = app.screen.query_one("#contact-phone", Input)
        phone.value = "07 00 00 00 07"
        address = app.screen.query_one("#contact-address", Input)
        address.value = "12 rue des Lilas"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RenewalWizard) and app.screen.page == "situation"
        assert "07 00 00 00 07" in flat(app)
        assert queued(app) == ["demand.update"]
        await pilot.press("enter", "enter", "enter")
        await settle(app, pilot)
        assert queued(app) == ["demand.update", "demand.renew"]
