"""The app and the sync engine together: a change made in the app reaches the server; a conflict
is shown with both values and settled by the user's choice."""

from __future__ import annotations

from textual.widgets import Button, Input

from alin_tui.store import outbox, records
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session
from alin_tui.ui.app import AlinApp
from tests.conftest import screen_text


async def _run(app, pilot) -> None:
    await app.sync_settled()
    await pilot.pause()


async def test_contact_details_edited_in_the_app_reach_the_national_file(sandbox, api, tmp_path):
    store = tmp_path / "store.db"
    session = Session(store, sandbox.url, credentials=Credentials("complet", "complet"))
    app = AlinApp(store, session=session)
    async with app.run_test(size=(100, 34)) as pilot:
        await _run(app, pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        phone = app.screen.query_one("#contact-phone", Input)
        phone.value = "07 00 00 00 07"
        app.screen.query_one("#contact-save", Button).press()
        await pilot.pause()
        await _run(app, pilot)
        await _run(app, pilot)
    session.close()
    assert api.entity("complet", "sne", "demand", "dem-complet")["phone"] == "07 00 00 00 07"


async def test_a_conflict_shows_both_values_and_keeps_the_users_choice(sandbox, api, tmp_path):
    store = tmp_path / "store.db"
    session = Session(store, sandbox.url, credentials=Credentials("complet", "complet"))
    assert session.sync().error is None
    db = connect(store)
    version = records.values(db, "demand")[0][1]["version"]
    api.control("demand/edit", {"username": "complet", "fields": {"phone": "01 11 11 11 11"}})
    from alin_tui.store import actions

    actions.update_demand(db, {"phone": "06 22 22 22 22"}, base_version=version)
    assert session.sync().conflicts
    app = AlinApp(store, session=session, sync_on_start=False)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        assert "À voir : 1" in screen_text(app)
        await pilot.press("ctrl+a")
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "06 22 22 22 22" in text and "01 11 11 11 11" in text
        app.screen.query_one("#mine-0", Button).press()
        await pilot.pause()
        await _run(app, pilot)
        await _run(app, pilot)
    session.close()
    assert api.entity("complet", "sne", "demand", "dem-complet")["phone"] == "06 22 22 22 22"
    assert outbox.rows(db) == []


async def test_linking_the_number_checks_it_as_typed_then_links_on_al_in(sandbox, api, tmp_path):
    store = tmp_path / "store.db"
    session = Session(store, sandbox.url, credentials=Credentials("foyer-02", "foyer-02"))
    nur = api.entity("foyer-02", "sne", "demand", "dem-foyer-02")["nur"]
    app = AlinApp(store, session=session)
    async with app.run_test(size=(100, 34)) as pilot:
        await _run(app, pilot)
        assert "Demande non liée à AL-in" in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        field = app.screen.query_one("#link-nur", Input)
        field.value = "044 12-34"
        await pilot.pause()
        assert app.screen.query_one("#link-save", Button).disabled
        assert "18 caractères ; celui-ci en a 7" in screen_text(app)
        field.value = f"{nur[:3]} {nur[3:7]}-{nur[7:13]}.{nur[13:].lower()}"
        await pilot.pause()
        assert not app.screen.query_one("#link-save", Button).disabled
        app.screen.query_one("#link-save", Button).press()
        await pilot.pause()
        await _run(app, pilot)
        await _run(app, pilot)
        assert "Demande non liée" not in screen_text(app)
    session.close()
    link = api.entity("foyer-02", "alin", "link", "lnk-foyer-02")
    assert (link["state"], link["nur"]) == ("linked", nur)


async def test_renewal_is_queued_from_the_app_and_refused_locally_when_too_early(
    sandbox, api, tmp_path
):
    for user, expected in (("demo", "too_early"), ("renouvellement", None)):
        store = tmp_path / f"{user}.db"
        session = Session(store, sandbox.url, credentials=Credentials(user, user))
        app = AlinApp(store, session=session)
        async with app.run_test(size=(100, 34)) as pilot:
            await _run(app, pilot)
            # renewing asks first: four checks, then renew
            await pilot.press("ctrl+n", "enter", "enter", "enter", "enter", "enter")
            await pilot.pause()
            await _run(app, pilot)
            await _run(app, pilot)
            db = connect(store)
            assert outbox.rows(db, states=("pending",)) == []
        session.close()
        demand = api.entity(user, "sne", "demand", f"dem-{user}")
        if expected is None:
            assert demand["renewed_on"] == "2026-11-27"
        else:
            assert demand["renewed_on"] is None


async def test_a_refusal_is_shown_in_the_users_words(sandbox, tmp_path):
    store = tmp_path / "store.db"
    session = Session(store, sandbox.url, credentials=Credentials("foyer-02", "foyer-02"))
    assert session.sync().error is None
    from alin_tui.store import outbox

    # A number nobody has, queued as an older version queued it (the app now checks it against
    # the demand's own number first): the server's refusal must still read as words.
    db = connect(store)
    with outbox.durable(db):
        outbox.enqueue(db, "link.create", {"nur": "1111023517879GDPUB"})
    db.close()
    assert session.sync().rejected
    app = AlinApp(store, session=session, sync_on_start=False)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("ctrl+a")
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "Lier mon numéro unique" in text and "ne correspond à aucune demande" in text
        assert "link.create" not in text and "nur_unknown" not in text
    session.close()
