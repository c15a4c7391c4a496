"""The app: opens on the embedded sandbox, shows the demo dossier and offers, reads at 80×24,
and each tab answers its question there."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import TabbedContent

from alin_tui.domain import nur
from alin_tui.store import records
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session
from alin_tui.ui.app import AlinApp
from alin_tui.ui.components.offer_list import OfferList
from tests.conftest import only_my_territory, screen_text

RENT = re.compile(r"\d[\d\u202f ]*,\d\d €")


async def settle(app, pilot) -> None:
    await app.screens_settled()
    await pilot.pause()


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
        await settle(app, pilot)
        assert app.screen.query_one(TabbedContent).active == "offres"
        offers = app.screen.query_one(OfferList)
        assert 0 < offers.source.total <= 600  # the open ones of the 600
        assert offers.has_focus
        assert RENT.search(screen_text(app))
        assert "dossier incomplet" in screen_text(app)
    session.close()


async def test_offres_at_80_columns_shows_what_answers_is_it_for_me(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Commune" in line)
        for title in ("Type", "Surface", "Loyer + ch.", "Plafond", "Reste"):
            assert title in header, header
        rows = [line for line in lines if RENT.search(line)]
        assert len(rows) >= 10
        assert all(re.search(r"\d+ m²", row) for row in rows)
        assert all(re.search(r"(sous|au-dessus) (PLAI|PLUS|PLS)|au-dessus", row) for row in rows)
        assert all(re.search(r"(\d+ j|auj\.)\s*$", row) for row in rows), rows


async def test_the_documents_tab_lists_each_person_with_states_and_reasons(store_of) -> None:
    app = AlinApp(store_of("demo"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one("#documents")
        rows = [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert len(rows) == 10
        rejected = [r for r in rows if r[2] == "refusée"]
        assert len(rejected) == 1 and rejected[0][3] == "illisible"
        assert sum(r[2] == "manquante" for r in rows) == 3
        assert any(r[3].startswith("jusqu'au ") for r in rows)  # validity at 80 columns


async def test_a_piece_opens_with_its_drop_folder_name(store_of) -> None:
    app = AlinApp(store_of("demo"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter")
        await settle(app, pilot)
        text = " ".join(screen_text(app).split())
        assert "pj-" in text and ".pdf" in text and "dépôt" in text
        assert "carte d'identité amina.pdf" in text.lower()  # a plain name works too
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "pieces"


async def test_english_is_complete_with_its_own_formats(store_of) -> None:
    app = AlinApp(store_of("demo"), session=None, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "My demand" in text and "Incomplete dossier" in text
        assert "June 2026" in text or "2026" in text
        await pilot.press("3")
        await settle(app, pilot)
        text = screen_text(app)
        assert re.search(r"€\d[\d,]*\.\d\d", text), text
        assert "Rent + ch." in text and "Ceiling" in text and "Left" in text


async def test_the_contact_dialog_refuses_a_wrong_email_and_sends_nothing(store_of) -> None:
    from textual.widgets import Input

    from alin_tui.store import outbox

    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        email = app.screen.query_one("#contact-email", Input)
        assert email.has_focus  # typing goes to the first field at once
        email.value = "zz"
        await pilot.press("enter")
        await settle(app, pilot)
        text = " ".join(screen_text(app).split())
        assert "Ce n'est pas une adresse de courriel" in text
        assert outbox.rows(app.conn) == []
        email.value = "moussa.dasilva@exemple.fr"
        await pilot.press("enter")
        await settle(app, pilot)
        assert [r.name for r in outbox.rows(app.conn)] == ["demand.update"]


async def test_renewing_asks_first_and_a_renewal_too_early_says_why_without_asking(
    store_of,
) -> None:
    from alin_tui.store import outbox
    from alin_tui.ui.renewal import RenewalWizard

    app = AlinApp(store_of("renouvellement"), session=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, RenewalWizard)
        await pilot.press("escape")
        await settle(app, pilot)
        assert outbox.rows(app.conn) == []
        await pilot.press("ctrl+n", "enter", "enter", "enter", "enter", "enter")
        await settle(app, pilot)
        assert [r.name for r in outbox.rows(app.conn)] == ["demand.renew"]
    app = AlinApp(store_of("complet"), session=None)  # renewal due in June 2027
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert not isinstance(app.screen, RenewalWizard)
        shown = [n.message for n in app._notifications]
        assert any("60 jours avant l'échéance" in m for m in shown), shown


async def test_offer_columns_line_up_with_their_titles_at_every_width(store_of) -> None:
    from textual import events

    for size, typed in (((80, 24), ""), ((80, 24), "evry"), ((200, 50), ""), ((120, 40), "t3")):
        app = AlinApp(store_of("complet"), session=None)
        async with app.run_test(size=size) as pilot:
            await pilot.press("slash")
            app.post_message(events.Paste(typed))
            await pilot.press("escape")
            await settle(app, pilot)
            lines = screen_text(app).splitlines()
            header = next(line for line in lines if line.startswith("Commune"))
            rows = [line for line in lines if RENT.search(line)]
            assert rows
            for row in rows:  # the rent ends where its title ends
                title_end = header.index("Loyer + ch.") + len("Loyer + ch.")
                assert row[title_end - 1] == "€", (size, typed, header, row)


async def test_my_applications_keep_every_column_when_the_window_shrinks(store_of) -> None:
    app = AlinApp(store_of("complet"), session=None)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("3")
        await only_my_territory(app, pilot)
        await pilot.press("a", "enter", "4")
        await settle(app, pilot)
        await pilot.resize_terminal(100, 30)
        await settle(app, pilot)
        await pilot.pause(0.2)
        text = screen_text(app)
        for title in ("Offre", "Statut", "Rang", "Déposée le"):
            assert title in text, text


async def test_the_palette_says_no_match_in_the_users_language(store_of) -> None:
    from .conftest import screen_text

    for lang, words in (("fr", "Aucune commande ne correspond"), ("en", "No command matches")):
        app = AlinApp(store_of("demo"), session=None, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+p", *"zzqqxx")
            await pilot.pause(0.8)
            text = screen_text(app)
            assert words in text and "No matches found" not in text
