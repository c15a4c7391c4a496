"""Documents in the app, against the real sandbox on loopback: attach a file from Pièces (typed
fast), watch its progress bar move over a slow link, replace it, take it back, remove a received
piece, sort a file of the drop folder in two keys, and see a dropped file arrive without a
restart."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import httpx

from alin_tui.store import outbox
from alin_tui.store.db import connect
from alin_tui.sync.session import Credentials, Session
from alin_tui.ui.app import AlinApp
from alin_tui.ui.components.pieces import PiecesPane, UploadRow
from alin_tui.ui.dialogs import ConfirmDialog, SlotPickerDialog
from tests.conftest import screen_text

PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 30 + b"%%EOF\n"


def flat(app) -> str:
    """The screen and the notifications (toasts are not in the SVG export), on one line."""
    said = " ".join(n.message for n in app._notifications)
    return " ".join((screen_text(app) + " " + said).split())


def put(folder: Path, name: str, data: bytes, age: float = 30.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def synced_demo(sandbox, tmp_path: Path) -> tuple[Path, Session]:
    """The demo household's store, synced once from the sandbox, and its session."""
    store = tmp_path / "p" / "store.db"
    session = Session(store, sandbox.url, credentials=Credentials("demo", "demo"))
    assert session.sync().error is None
    return store, session


async def settle(app, pilot) -> None:
    await app.screens_settled()
    await pilot.pause()


async def on_piece(app, pilot, slot_id: str) -> PiecesPane:
    await pilot.press("2")
    pane = app.main.query_one(PiecesPane)
    table = pane.table
    table.move_cursor(row=table.get_row_index(slot_id))
    await pilot.pause()
    return pane


def queued(store: Path) -> list[tuple[str, dict]]:
    db = connect(store)
    try:
        return [(r.name, r.args) for r in outbox.pending(db)]
    finally:
        db.close()


class Slow(httpx.BaseTransport):
    """The real server behind a link of `rate` bytes per second for upload chunks."""

    def __init__(self, rate: float) -> None:
        self.real, self.rate = httpx.HTTPTransport(), rate

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            time.sleep(len(request.read()) / self.rate)
        return self.real.handle_request(request)


async def test_attach_from_pieces_reaches_the_national_file(sandbox, api, tmp_path) -> None:
    scan = put(tmp_path / "scans", "scan bulletins.pdf", PDF)
    store = tmp_path / "p" / "store.db"
    session = Session(store, sandbox.url, credentials=Credentials("demo", "demo"))
    app = AlinApp(store, session=session, attach_start=tmp_path / "scans")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.sync_settled()
        await on_piece(app, pilot, "pj-demo-1-payslips")
        await pilot.press("a")
        await pilot.pause()
        assert "Joindre" in flat(app)
        await pilot.press(*str(scan), "enter")  # typed (or pasted) with no pause
        await settle(app, pilot)
        assert "joint à" in flat(app)
        await app.sync_settled()
        await app.sync_settled()
    session.close()
    assert api.entity("demo", "sne", "document", "pj-demo-1-payslips")["state"] == "received"
    assert scan.read_bytes() == PDF  # the user's file, untouched
    assert list((store.parent / "staging").iterdir()) == []  # no second copy kept


async def test_the_progress_bar_moves_over_a_slow_link(sandbox, api, tmp_path, monkeypatch):
    big = b"%PDF-1.4\n" + os.urandom(3_000_000) + b"\n%%EOF\n"
    scan = put(tmp_path, "avis.pdf", big)
    store = tmp_path / "p" / "store.db"
    session = Session(
        store, sandbox.url, credentials=Credentials("demo", "demo"), transport=Slow(1_000_000)
    )
    seen: list[tuple[int, int, str]] = []
    real_show = UploadRow.show

    def spy(self, sent: int, total: int) -> None:
        real_show(self, sent, total)
        detail = str(self.query_one(".upload-detail").render())
        seen.append((sent, total, detail))

    monkeypatch.setattr(UploadRow, "show", spy)
    app = AlinApp(store, session=session, attach_start=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.sync_settled()
        pane = await on_piece(app, pilot, "pj-demo-2-tax_notice")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*str(scan), "enter")
        await settle(app, pilot)
        status = []
        for _ in range(300):
            await asyncio.sleep(0.05)
            status.append(flat(app))
            if api.entity("demo", "sne", "document", "pj-demo-2-tax_notice")["state"] == "received":
                break
        await app.sync_settled()
        await settle(app, pilot)
        await settle(app, pilot)
        assert not pane.query(UploadRow)  # gone once attached
    session.close()
    moving = sorted({s for s, total, _ in seen if 0 < s < total})
    assert len(moving) >= 2, seen  # the bar stopped at least twice on the way
    assert any("/s" in d and "encore" in d for _, _, d in seen), seen  # rate and time left
    assert any("envoi des pièces" in s for s in status)  # the total in the status line


async def test_replace_then_take_back_a_queued_document(sandbox, tmp_path) -> None:
    first = put(tmp_path, "bulletin 1.pdf", PDF)
    second = put(tmp_path, "bulletin 2.pdf", PDF + b"2")
    store, session = synced_demo(sandbox, tmp_path)
    app = AlinApp(store, sync_on_start=False, attach_start=tmp_path)  # offline: stays queued
    async with app.run_test(size=(80, 24)) as pilot:
        await on_piece(app, pilot, "pj-demo-1-payslips")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*str(first), "enter")
        await settle(app, pilot)
        assert "à envoyer" in flat(app)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*str(second), "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # replacing asks first
        assert "bulletin 2.pdf" in flat(app) and "bulletin 1.pdf" in flat(app)
        await pilot.press("enter")
        await settle(app, pilot)
        attaches = [a for n, a in queued(store) if n == "document.attach"]
        assert len(attaches) == 1
        db = connect(store)
        live = db.execute(
            "SELECT filename FROM uploads WHERE state IN ('queued', 'uploading')"
        ).fetchall()
        db.close()
        assert live == [("bulletin 2.pdf",)]
        # take it back: asks, then nothing is queued
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        assert [n for n, _ in queued(store)] == []
        assert "rien n'a été envoyé" in flat(app)
    session.close()


async def test_removing_a_received_piece_asks_and_queues_the_removal(sandbox, tmp_path) -> None:
    store, session = synced_demo(sandbox, tmp_path)
    app = AlinApp(store, sync_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_piece(app, pilot, "pj-demo-1-identity")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # cancelled: nothing
        await settle(app, pilot)
        assert queued(store) == []
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert queued(store) == [("document.remove", {"slot_id": "pj-demo-1-identity"})]
        assert "à retirer" in flat(app)
    session.close()


async def test_a_file_to_sort_is_assigned_in_two_keys(sandbox, tmp_path) -> None:
    store, session = synced_demo(sandbox, tmp_path)
    drop = store.parent / "dépôt"
    put(drop, "bulletin salaire mars.pdf", PDF)  # Amina's or Nadia's? The name does not say
    app = AlinApp(store, sync_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "À classer" in flat(app) and "bulletin salaire mars.pdf" in flat(app)
        pane = app.main.query_one(PiecesPane)
        pane.unsorted_table.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SlotPickerDialog)
        await pilot.press("enter")  # the likeliest first: Amina's payslips
        await settle(app, pilot)
        assert [a["slot_id"] for n, a in queued(store)] == ["pj-demo-1-payslips"]
        assert (
            "bulletin salaire mars.pdf"
            not in " ".join(str(c) for c in pane.unsorted_table.get_column_at(0))
            or not pane.unsorted_table.display
        )
    session.close()


async def test_a_dropped_file_arrives_without_a_restart(sandbox, api, tmp_path) -> None:
    store = tmp_path / "p" / "store.db"
    drop = store.parent / "dépôt"
    session = Session(store, sandbox.url, credentials=Credentials("demo", "demo"), drop_folder=drop)
    app = AlinApp(store, session=session)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.sync_settled()
        await pilot.press("2")
        put(store.parent / "dépôt", "avis d'imposition Nadia.pdf", PDF)
        app.loop.wake()
        # Waits for what the user would see, however loaded the machine: the file settles,
        # is uploaded and attached, and a later cycle brings the news to the screen.
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            await app.sync_settled()
            text = flat(app)
            if "reçu dans le dépôt" in text or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.2)
            app.loop.wake()
        assert api.entity("demo", "sne", "document", "pj-demo-2-tax_notice")["state"] == "received"
        assert "reçu dans le dépôt" in text and "Avis d'imposition (Nadia)" in text
    session.close()
    assert (store.parent / "dépôt" / "traités" / "avis d'imposition Nadia.pdf").exists()


def burst(app, *keys: str) -> None:
    """Keys arriving at once, as from a fast typist, a paste or SSH."""
    from textual import events

    names = {"enter": "\r", "tab": "\t", "escape": "\x1b"}
    for key in keys:
        char = names.get(key, key if len(key) == 1 else None)
        name = {" ": "space", "/": "slash", ".": "full_stop", "-": "minus", "_": "underscore"}.get(
            key, key
        )
        app.post_message(events.Key(name, char))


async def test_a_path_typed_at_once_after_a_lands_whole(sandbox, tmp_path) -> None:
    scan = put(tmp_path / "scans", "bulletins.pdf", PDF)
    store, session = synced_demo(sandbox, tmp_path)
    app = AlinApp(store, sync_on_start=False, attach_start=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_piece(app, pilot, "pj-demo-1-payslips")
        burst(app, "a", *str(scan))  # the dialog opens while the path is still arriving
        for _ in range(40):
            await pilot.pause()
        field = app.screen.query_one("#attach-path")
        assert field.value == str(scan)
        burst(app, "enter")
        await settle(app, pilot)
        assert [a["slot_id"] for n, a in queued(store)] == ["pj-demo-1-payslips"]
    session.close()


async def test_a_refused_drop_is_to_see_until_read(sandbox, tmp_path) -> None:
    store = tmp_path / "p" / "store.db"
    drop = store.parent / "dépôt"
    session = Session(store, sandbox.url, credentials=Credentials("demo", "demo"), drop_folder=drop)
    assert session.sync().error is None
    put(drop, "avis d'imposition Nadia.pdf", b"<html>a web page saved as .pdf</html>")
    assert session.sync().dropped.refused
    app = AlinApp(store, sync_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "À voir : 1" in flat(app)
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert "avis d'imposition Nadia.pdf" in flat(app) and "JPEG ou PNG" in flat(app)
        app.screen.query_one("#seen-0").press()
        await settle(app, pilot)
        assert "À voir" not in screen_text(app)
    session.close()


async def test_sorting_onto_a_piece_already_there_asks_first(sandbox, tmp_path) -> None:
    store, session = synced_demo(sandbox, tmp_path)
    put(store.parent / "dépôt", "avis imposition Amina.pdf", PDF)  # hers is accepted
    app = AlinApp(store, sync_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "remplacerait" in flat(app)
        app.main.query_one(PiecesPane).unsorted_table.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # her tax notice, first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "déjà acceptée" in flat(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert queued(store) == []
    session.close()


async def test_a_queued_removal_can_be_called_off(sandbox, tmp_path) -> None:
    store, session = synced_demo(sandbox, tmp_path)
    app = AlinApp(store, sync_on_start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_piece(app, pilot, "pj-demo-1-identity")
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert [n for n, _ in queued(store)] == ["document.remove"]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Annuler le retrait" in flat(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert queued(store) == []
        assert "acceptée" in flat(app)
    session.close()


async def test_open_attach_and_type_in_one_burst(sandbox, tmp_path) -> None:
    """Entrée (the piece), a (attach, from its detail), the path, Entrée: all at once."""
    scan = put(tmp_path / "scans", "paie.pdf", PDF)
    store, session = synced_demo(sandbox, tmp_path)
    put(store.parent / "dépôt", "bulletin salaire mars.pdf", PDF + b"m")
    app = AlinApp(store, sync_on_start=False, attach_start=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_piece(app, pilot, "pj-demo-1-payslips")
        burst(app, "enter", "a", *str(scan), "enter")
        for _ in range(60):
            await pilot.pause()
        await settle(app, pilot)
        assert [a["slot_id"] for n, a in queued(store)] == ["pj-demo-1-payslips"]
        # the file to sort, in two keys sent at once
        app.main.query_one(PiecesPane).unsorted_table.focus()
        await pilot.pause()
        burst(app, "enter", "enter")
        for _ in range(40):
            await pilot.pause()
        await settle(app, pilot)
        slots = sorted(a["slot_id"] for n, a in queued(store))
        assert slots == ["pj-demo-1-payslips", "pj-demo-2-payslips"], flat(
            app
        )  # hers is on its way
    session.close()
