"""The rules on screen: stage and next step per starting situation, the renewal risk, the apply
button and its reasons, eligibility figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button

from alin_tui.devtools.demo import synced_store
from alin_tui.ui.app import AlinApp
from tests.conftest import only_my_territory, screen_text


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("stores")
    return {
        user: synced_store(base / user, username=user, offers=120)
        for user in ("demo", "complet", "renouvellement", "brouillon", "numero", "foyer-01")
    }


@pytest.mark.parametrize(
    ("user", "stage", "step", "situation"),
    [
        ("brouillon", "Brouillon AL-in sans numéro", "créez votre demande", "1 — brouillon"),
        ("numero", "Numéro obtenu sur AL-in", "créez un compte et saisissez le numéro", "2 —"),
        ("demo", "Dossier incomplet", "déposez ou remplacez les pièces", "3 —"),
        ("complet", "Prêt à candidater", "Sur AL-in : choisissez une offre", "3 —"),
        # radiated: no starting situation beside it, but what was lost (issue 12)
        ("foyer-01", "Demande radiée", "nouvelle demande", "ancienneté perdue"),
    ],
)
async def test_ma_demande_says_the_stage_the_next_step_and_the_situation(
    stores, user, stage, step, situation
) -> None:
    app = AlinApp(stores[user], session=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert stage in text and step in text and situation in text


async def test_a_renewal_due_spells_out_the_risk(stores) -> None:
    app = AlinApp(stores["renouvellement"], session=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "Renouvellement à faire" in text
        assert "(dans 20 jours)" in text
        assert "l'ancienneté perdue" in text


async def _open_first_offer(app, pilot) -> None:
    """The first offer of the demand's territory (`complet`: the Rhône)."""
    await pilot.press("3")
    await app.screens_settled()
    await only_my_territory(app, pilot)
    await pilot.press("enter")
    await app.screens_settled()
    await pilot.pause()


async def test_apply_is_disabled_with_the_reasons_until_the_dossier_is_complete(stores) -> None:
    app = AlinApp(stores["demo"], session=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await app.screens_settled()
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "dossier incomplet, 4 pièces à fournir ou remplacer" in text
        await _open_first_offer(app, pilot)
        assert app.screen.query_one("#offer-apply", Button).disabled


async def test_apply_is_enabled_for_a_ready_dossier_and_shows_the_ceiling_figures(stores) -> None:
    app = AlinApp(stores["complet"], session=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await _open_first_offer(app, pilot)
        assert not app.screen.query_one("#offer-apply", Button).disabled
        text = " ".join(screen_text(app).split())
        assert "vous pouvez candidater" in text
        assert "Revenu fiscal 21 500 €" in text.replace("\u202f", " ").replace("\xa0", " ")


async def test_the_application_cap_blocks_with_its_reason(stores) -> None:
    app = AlinApp(stores["complet"], session=None, max_applications=0)
    async with app.run_test(size=(160, 40)) as pilot:
        await _open_first_offer(app, pilot)
        assert app.screen.query_one("#offer-apply", Button).disabled
        assert "le maximum" in screen_text(app)


async def test_a_full_disk_queues_nothing_and_says_so(stores, tmp_path) -> None:
    import shutil

    from alin_tui.store import outbox

    store = tmp_path / "full.db"
    shutil.copy(stores["complet"], store)
    app = AlinApp(store, session=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("3")
        await app.screens_settled()
        await only_my_territory(app, pilot)
        # The store refuses writes, as on a full disk or a read-only medium (real SQLite error).
        app.conn.execute("PRAGMA query_only = ON")
        await pilot.press("a", "enter")
        await app.screens_settled()
        await pilot.pause()
        shown = [n.message for n in app._notifications]  # toasts are not in the SVG export
        assert any("Rien n'a été enregistré" in m for m in shown), shown
        app.conn.execute("PRAGMA query_only = OFF")
        assert outbox.rows(app.conn, states=("pending",)) == []
