"""The drop folder's intake, on a real store and real files: classification by plain names, each
document exactly once (a slow writer, two intakes at once, a killed process), names of any bytes,
symlinks, a full disk, duplicates, wrong types, sizes, and the staging copies cleaned up.

The demo household: Amina (applicant; payslips missing), Nadia (spouse; identity rejected,
payslips and tax notice missing), Léa (child)."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from alin_tui.store import outbox
from alin_tui.store.db import connect
from alin_tui.sync import dropfolder, intake

PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 40 + b"trailer << >>\n%%EOF\n"


def jpeg(size=(64, 48), *, noise: bool = False) -> bytes:
    from PIL import Image

    if noise:
        img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        img = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95)
    return out.getvalue()


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def put(folder: Path, name: str | bytes, data: bytes, *, age: float = 30.0) -> Path:
    """A file that has been sitting there for `age` seconds (settled)."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
    path.write_bytes(data)
    past = time.time() - age
    os.utime(path, (past, past))
    return path


@pytest.fixture
def home(store_of, tmp_path):
    store = store_of("demo")
    conn = connect(store)
    drop = tmp_path / "dépôt"
    drop.mkdir()
    staging = store.parent / "staging"
    yield conn, drop, staging
    conn.close()


def queued_slots(conn) -> list[str]:
    return sorted(r.args["slot_id"] for r in outbox.pending(conn) if r.name == "document.attach")


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file()} if folder.exists() else set()


# --- classification by name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slot"),
    [
        ("avis_imposition_2025.pdf", "pj-demo-2-tax_notice"),  # only Nadia lacks it
        ("Avis d'imposition.pdf", "pj-demo-2-tax_notice"),
        ("impots.pdf", "pj-demo-2-tax_notice"),
        ("fiche de paie Amina octobre.pdf", "pj-demo-1-payslips"),
        ("bulletin salaire mars NADIA.pdf", "pj-demo-2-payslips"),
        ("payslips amina.pdf", "pj-demo-1-payslips"),
        ("passeport.pdf", "pj-demo-2-identity"),  # Nadia's was refused: the one lacking
        ("titre de séjour Nadia.pdf", "pj-demo-2-identity"),
        ("pj-demo-1-payslips octobre.pdf", "pj-demo-1-payslips"),  # the slot id wins
        ("PJ-DEMO-2-PAYSLIPS (1).pdf", "pj-demo-2-payslips"),
    ],
)
def test_a_name_in_plain_words_finds_its_slot(home, name, slot) -> None:
    conn, drop, staging = home
    put(drop, name, PDF)
    report = dropfolder.intake(conn, drop, staging)
    assert [t["slot_id"] for t in report.taken] == [slot]
    assert queued_slots(conn) == [slot]
    assert names(drop) == set()  # claimed: out of the folder until attached


def test_a_photo_named_by_a_first_name_and_a_piece(home) -> None:
    conn, drop, staging = home
    put(drop, "CNI Nadia.jpg", jpeg())
    put(drop, "nadia_titre_sejour.png", png())  # the same slot: the second is taken too
    report = dropfolder.intake(conn, drop, staging)
    assert {t["slot_id"] for t in report.taken} == {"pj-demo-2-identity"}
    assert report.taken[0]["kind"] == "identity" and report.taken[0]["person"] == "Nadia"


def test_names_that_fit_nothing_or_two_slots_wait_to_be_sorted(home) -> None:
    conn, drop, staging = home
    put(drop, "IMG_2041.jpg", jpeg())
    put(drop, "bulletin salaire mars.pdf", PDF)  # Amina and Nadia both lack payslips
    report = dropfolder.intake(conn, drop, staging)
    assert report.taken == [] and report.refused == []
    assert sorted(report.unsorted) == ["IMG_2041.jpg", "bulletin salaire mars.pdf"]
    assert names(drop) == {"IMG_2041.jpg", "bulletin salaire mars.pdf"}  # left where they are
    waiting = {u.name: u for u in dropfolder.unsorted(conn, drop)}
    assert waiting["bulletin salaire mars.pdf"].candidates[:2] == (
        "pj-demo-1-payslips",
        "pj-demo-2-payslips",
    )  # then the other pieces still needed, before those already there
    assert set(waiting["bulletin salaire mars.pdf"].candidates[2:]) == {
        "pj-demo-2-identity",
        "pj-demo-2-tax_notice",
    }
    # sorted by hand: taken for the slot chosen
    report = dropfolder.assign(
        conn, drop, staging, "bulletin salaire mars.pdf", "pj-demo-2-payslips"
    )
    assert [t["slot_id"] for t in report.taken] == ["pj-demo-2-payslips"]
    assert queued_slots(conn) == ["pj-demo-2-payslips"]
    log = dropfolder.log_since(conn)
    assert [e["method"] for e in log if e["outcome"] == "taken"] == ["by_hand"]
    # logged once, not at every pass
    dropfolder.intake(conn, drop, staging)
    assert [e["file"] for e in dropfolder.log_since(conn) if e["outcome"] == "unsorted"] == [
        "IMG_2041.jpg",
        "bulletin salaire mars.pdf",
    ]


def test_a_file_shown_to_sort_waits_for_a_person_even_when_it_would_now_fit(home) -> None:
    conn, drop, staging = home
    put(drop, "bulletin salaire mars.pdf", PDF)
    assert dropfolder.intake(conn, drop, staging).unsorted == ["bulletin salaire mars.pdf"]
    put(drop, "fiche de paie amina.pdf", PDF + b"amina")  # Amina's slot is filled meanwhile
    report = dropfolder.intake(conn, drop, staging)
    assert [t["file"] for t in report.taken] == ["fiche de paie amina.pdf"]
    assert report.unsorted == ["bulletin salaire mars.pdf"]  # not sent to Nadia behind her back


def test_a_plain_name_never_replaces_a_piece_already_there(home) -> None:
    """Amina's tax notice is accepted: « avis imposition Amina » waits for a person (the app
    asks before replacing); a name with the slot id is an explicit choice and is taken."""
    conn, drop, staging = home
    put(drop, "avis imposition Amina.pdf", PDF)
    put(drop, "contrat de travail Nadia.pdf", PDF + b"2")
    report = dropfolder.intake(conn, drop, staging)
    assert report.taken == []
    assert sorted(report.unsorted) == ["avis imposition Amina.pdf", "contrat de travail Nadia.pdf"]
    waiting = {u.name: u for u in dropfolder.unsorted(conn, drop)}
    assert waiting["avis imposition Amina.pdf"].replaces == "pj-demo-1-tax_notice"
    put(drop, "pj-demo-1-tax_notice 2026.pdf", PDF + b"3")
    assert [t["slot_id"] for t in dropfolder.intake(conn, drop, staging).taken] == [
        "pj-demo-1-tax_notice"
    ]
    # a piece on its way is not lacking either: a second file for it waits too
    put(drop, "fiche de paie Amina.pdf", PDF + b"4")
    put(drop, "payslip amina.pdf", PDF + b"5", age=20)
    report = dropfolder.intake(conn, drop, staging)
    assert [t["file"] for t in report.taken] == ["fiche de paie Amina.pdf"]
    assert "payslip amina.pdf" in report.unsorted


def test_a_refusal_is_to_see_until_read(home) -> None:
    conn, drop, staging = home
    put(drop, "avis imposition.pdf", b"not a document")
    dropfolder.intake(conn, drop, staging)
    (event,) = dropfolder.unseen_refusals(conn)
    assert (event["file"], event["reason"]) == ("avis imposition.pdf", "bad_type")
    dropfolder.mark_seen(conn, event["id"])
    assert dropfolder.unseen_refusals(conn) == []


def test_a_slot_id_that_names_no_slot_is_refused(home) -> None:
    conn, drop, staging = home
    put(drop, "pj-demo-9-payslips.pdf", PDF)
    report = dropfolder.intake(conn, drop, staging)
    assert [r["reason"] for r in report.refused] == ["unknown_slot_id"]
    assert names(drop / "refusés") == {"pj-demo-9-payslips.pdf"}


# --- what is refused, with a reason ------------------------------------------------------------


def test_wrong_type_empty_and_oversized_files_are_refused_with_their_reason(home) -> None:
    conn, drop, staging = home
    put(drop, "avis imposition.pdf", b"GIF89a" + b"\0" * 100)  # a GIF behind a .pdf name
    put(drop, "fiche de paie amina.pdf", b"")
    put(drop, "passeport.pdf", b"%PDF-1.4\n" + b"0" * (intake.MAX_SIZE + 1))
    report = dropfolder.intake(conn, drop, staging)
    reasons = {r["file"]: r["reason"] for r in report.refused}
    assert reasons == {
        "avis imposition.pdf": "bad_type",
        "fiche de paie amina.pdf": "empty",
        "passeport.pdf": "too_large",
    }
    assert names(drop / "refusés") == set(reasons)
    assert queued_slots(conn) == [] and names(staging) == set()
    from alin_tui.ui.i18n import Translator

    fr, en = Translator("fr"), Translator("en")
    big = next(r for r in report.refused if r["reason"] == "too_large")
    assert fr.refusal(big["reason"], big["params"]) == "fichier de 10\u00a0Mo : 10 Mo au plus"
    assert "PDF, JPEG or PNG" in en.refusal("bad_type", {})


def test_a_file_already_sent_for_the_slot_is_not_sent_again(home) -> None:
    conn, drop, staging = home
    put(drop, "avis imposition 2025.pdf", PDF)
    assert len(dropfolder.intake(conn, drop, staging).taken) == 1
    put(drop, "impots.pdf", PDF)  # the same bytes under another name
    report = dropfolder.intake(conn, drop, staging)
    assert [(r["file"], r["reason"]) for r in report.refused] == [("impots.pdf", "duplicate")]
    assert report.refused[0]["params"]["date"]
    assert queued_slots(conn) == ["pj-demo-2-tax_notice"]


def test_a_symlink_is_never_followed(home, tmp_path) -> None:
    conn, drop, staging = home
    secret = tmp_path / "elsewhere.pdf"
    secret.write_bytes(PDF)
    os.symlink(secret, drop / "avis imposition.pdf")
    report = dropfolder.intake(conn, drop, staging)
    assert [r["reason"] for r in report.refused] == ["symlink"]
    assert queued_slots(conn) == []
    assert os.path.islink(
        drop / "refusés" / "avis imposition.pdf"
    )  # the link moved, not its target
    assert secret.read_bytes() == PDF


def test_temporary_and_partial_names_are_left_alone(home) -> None:
    conn, drop, staging = home
    for name in ("avis.pdf.part", "impots.pdf.crdownload", "~$impots.pdf", ".impots.pdf", "a.tmp"):
        put(drop, name, PDF)
    report = dropfolder.intake(conn, drop, staging)
    assert (report.taken, report.refused, report.unsorted) == ([], [], [])
    assert len(names(drop)) == 5 and dropfolder.log_since(conn) == []


# --- exactly once ------------------------------------------------------------------------------


def test_a_file_still_being_written_is_taken_whole(home) -> None:
    """A writer that pauses 2.2 s between four parts: never taken cut short."""
    conn, drop, staging = home
    body = b"%PDF-1.4\n" + os.urandom(300_000) + b"\n%%EOF\n"
    parts = [body[i : i + 100_000] for i in range(0, len(body), 100_000)]
    target = drop / "avis d'imposition 2025.pdf"

    def writer() -> None:
        with open(target, "wb") as f:
            for part in parts:
                f.write(part)
                f.flush()
                time.sleep(2.2)

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.1)
    report = dropfolder.intake(conn, drop, staging, wait=20)
    thread.join()
    assert [t["file"] for t in report.taken] == ["avis d'imposition 2025.pdf"]
    (length, sha) = conn.execute("SELECT length, sha256 FROM uploads").fetchone()
    assert length == len(body)
    assert sha == intake.hashlib.sha256(body).hexdigest()


def test_a_fresh_file_waits_and_a_file_removed_before_it_settles_is_forgotten(home) -> None:
    conn, drop, staging = home
    put(drop, "impots.pdf", PDF, age=0)
    report = dropfolder.intake(conn, drop, staging)
    assert report.waiting == ["impots.pdf"] and report.taken == []
    (drop / "impots.pdf").unlink()
    report = dropfolder.intake(conn, drop, staging)
    assert (report.waiting, report.taken, report.refused) == ([], [], [])


def test_a_file_renamed_into_place_is_taken_at_once(home, tmp_path) -> None:
    conn, drop, staging = home
    outside = put(tmp_path, "scan.pdf", PDF, age=60)
    os.rename(outside, drop / "avis imposition.pdf")  # keeps its old time: complete
    assert len(dropfolder.intake(conn, drop, staging).taken) == 1


def test_a_name_that_is_not_utf8_is_taken_and_shown_with_replacement_characters(home) -> None:
    conn, drop, staging = home
    raw = "avis d'imposition ann\xe9e 2025.pdf".encode("latin-1")  # from an old Windows share
    put(drop, raw, PDF)
    report = dropfolder.intake(conn, drop, staging)
    assert [t["file"] for t in report.taken] == ["avis d'imposition ann\ufffde 2025.pdf"]
    (local_id,) = conn.execute("SELECT local_id FROM uploads").fetchone()
    with outbox.durable(conn):
        dropfolder.attach_result(conn, local_id, {"status": "ok"})
    assert os.listdir(os.fsencode(drop / "traités")) == [raw]  # the user's name, kept as it was


def test_two_intakes_at_once_take_each_file_once(home) -> None:
    """Two processes on one profile: the lock and the atomic claim."""
    conn, drop, staging = home
    for name in (
        "avis imposition.pdf",
        "fiche de paie amina.pdf",
        "CNI nadia.pdf",
        "paie nadia.pdf",
    ):
        put(drop, name, PDF + name.encode())
    store = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    script = (
        "import sys; from pathlib import Path; from alin_tui.store.db import connect; "
        "from alin_tui.sync import dropfolder; c = connect(Path(sys.argv[1])); "
        "r = dropfolder.intake(c, Path(sys.argv[2]), Path(sys.argv[3]), wait=20); "
        "print(len(r.taken))"
    )
    args = [sys.executable, "-c", script, str(store), str(drop), str(staging)]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    taken = [int(p.communicate(timeout=60)[0]) for p in procs]
    assert sorted(taken) == [0, 4]
    assert conn.execute("SELECT count(*) FROM uploads").fetchone()[0] == 4
    assert queued_slots(conn) == [
        "pj-demo-1-payslips",
        "pj-demo-2-identity",
        "pj-demo-2-payslips",
        "pj-demo-2-tax_notice",
    ]


def test_a_claim_left_by_a_killed_process_is_put_back_and_taken(home) -> None:
    conn, drop, staging = home
    (drop / ".en-cours").mkdir()
    put(drop / ".en-cours", "0123456789abcdef~avis imposition.pdf", PDF)
    (staging).mkdir(parents=True, exist_ok=True)
    (staging / "deadbeefdeadbeef.pdf.tmp").write_bytes(PDF[:10])  # a copy cut short
    report = dropfolder.intake(conn, drop, staging)
    assert [t["file"] for t in report.taken] == ["avis imposition.pdf"]
    (local_id,) = conn.execute("SELECT local_id FROM uploads").fetchone()
    assert names(staging) == {f"{local_id}.pdf"}


def test_staging_copies_go_once_attached_or_refused(home) -> None:
    conn, drop, staging = home
    put(drop, "avis imposition.pdf", PDF)
    put(drop, "fiche de paie amina.pdf", PDF + b"2")
    dropfolder.intake(conn, drop, staging)
    ids = [r[0] for r in conn.execute("SELECT local_id FROM uploads ORDER BY filename")]
    with outbox.durable(conn):
        dropfolder.attach_result(conn, ids[0], {"status": "ok"})
        dropfolder.attach_result(
            conn, ids[1], {"status": "rejected", "code": "invalid_file", "message": "Illisible."}
        )
    assert names(staging) == set()
    assert names(drop / "traités") == {"avis imposition.pdf"}
    assert names(drop / "refusés") == {"fiche de paie amina.pdf"}
    assert names(drop / ".en-cours") == set()
    refused = [e for e in dropfolder.log_since(conn) if e["outcome"] == "refused"]
    assert refused[0]["params"]["message"] == "Illisible."


def test_a_full_disk_leaves_no_partial_copy_and_the_file_where_it_was(home, monkeypatch) -> None:
    conn, drop, staging = home
    put(drop, "avis imposition.pdf", PDF)
    real_copy = intake._copy

    def full(src, dest):
        def cut(*a, **k):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", cut)
        try:
            real_copy(src, dest)
        finally:
            monkeypatch.undo()
            monkeypatch.setattr(intake, "_copy", full)

    monkeypatch.setattr(intake, "_copy", full)
    for _ in range(3):
        report = dropfolder.intake(conn, drop, staging)
        assert report.disk_full and report.taken == []
    assert names(drop) == {"avis imposition.pdf"}
    assert names(staging) == set() and names(drop / ".en-cours") == set()
    assert (
        queued_slots(conn) == [] and conn.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0
    )
    monkeypatch.undo()
    assert len(dropfolder.intake(conn, drop, staging).taken) == 1


def test_a_heavy_photo_is_made_lighter_and_the_original_kept(home) -> None:
    conn, drop, staging = home
    original = jpeg((3000, 2250), noise=True)
    assert len(original) > 1_500_000
    put(drop, "CNI Nadia.jpg", original)
    report = dropfolder.intake(conn, drop, staging)
    item = report.taken[0]
    assert item["before"] == len(original) and item["after"] < len(original) // 2
    staged, filename = conn.execute("SELECT staged, filename FROM uploads").fetchone()
    from PIL import Image

    with Image.open(staged) as img:
        assert max(img.size) == 2000
    assert filename == "CNI Nadia.jpg"
    (local_id,) = conn.execute("SELECT local_id FROM uploads").fetchone()
    with outbox.durable(conn):
        dropfolder.attach_result(conn, local_id, {"status": "ok"})
    assert (drop / "traités" / "CNI Nadia.jpg").read_bytes() == original  # never modified


def test_taking_back_a_queued_upload_sends_nothing(home) -> None:
    conn, drop, staging = home
    put(drop, "avis imposition.pdf", PDF)
    dropfolder.intake(conn, drop, staging)
    (local_id,) = conn.execute("SELECT local_id FROM uploads").fetchone()
    assert dropfolder.remove_queued(conn, local_id)
    assert queued_slots(conn) == [] and dropfolder.unfinished(conn) == []
    assert names(staging) == set() and names(drop / "refusés") == {"avis imposition.pdf"}
    # the same file may be dropped again: it was never sent
    os.rename(drop / "refusés" / "avis imposition.pdf", drop / "avis imposition.pdf")
    assert len(dropfolder.intake(conn, drop, staging).taken) == 1


def test_attaching_from_the_app_leaves_the_users_file_untouched(home, tmp_path) -> None:
    conn, _, staging = home
    mine = put(tmp_path, "scan.pdf", PDF)
    before = mine.stat()
    taken = dropfolder.attach_file(conn, staging, mine, "pj-demo-1-payslips")
    assert taken.slot_id == "pj-demo-1-payslips"
    assert mine.read_bytes() == PDF and mine.stat().st_mtime_ns == before.st_mtime_ns
    with pytest.raises(intake.Refused) as refused:
        dropfolder.attach_file(conn, staging, mine, "pj-demo-1-payslips")
    assert refused.value.refusal.reason == "duplicate"


def test_a_piece_removed_by_mistake_can_be_put_back_with_the_same_file(home, tmp_path) -> None:
    from alin_tui.store import actions

    conn, _, staging = home
    slot = "pj-demo-1-payslips"
    mine = put(tmp_path, "bulletins.pdf", PDF)
    dropfolder.attach_file(conn, staging, mine, slot)
    with outbox.durable(conn):  # what a sync brings: attached, and received on the national file
        conn.execute("UPDATE uploads SET state = 'attached'")
        conn.execute(
            "UPDATE records SET value = json_set(value, '$.state', 'received') WHERE id = ?",
            (slot,),
        )
    with pytest.raises(intake.Refused) as refused:
        dropfolder.attach_file(conn, staging, mine, slot)
    assert refused.value.refusal.reason == "duplicate"  # still there: sending it again is waste
    assert actions.remove_document(conn, slot).queued  # taken off by mistake
    assert dropfolder.attach_file(conn, staging, mine, slot).slot_id == slot  # and put back


# --- the watch, by events or by polling --------------------------------------------------------


class _Session:
    def __init__(self, folder: Path, polling: bool) -> None:
        self.drop_folder, self.polling, self.cycles = folder, polling, 0

    def sync(self):
        from alin_tui.sync.engine import SyncReport

        self.cycles += 1
        return SyncReport()

    def next_delay(self) -> float:
        return 60.0


@pytest.mark.parametrize("polling", [False, True])
def test_a_new_file_wakes_the_loop(tmp_path, polling) -> None:
    from alin_tui.sync.loop import SyncLoop

    session = _Session(tmp_path / "dépôt", polling)
    loop = SyncLoop(session, min_delay=0.05)
    loop.start()
    try:
        assert loop.wait_idle(10) and session.cycles == 1
        time.sleep(0.5)  # the watch is set up
        put(session.drop_folder, "impots.pdf", PDF, age=0)
        deadline = time.monotonic() + 8
        while session.cycles < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.cycles >= 2
    finally:
        loop.stop()


@pytest.mark.parametrize("polling", [False, True])
def test_a_name_that_is_not_utf8_does_not_stop_the_watch(tmp_path, polling) -> None:
    """watchfiles cannot name such a file and stops: the loop goes on watching the folder
    itself, and the next file dropped still wakes it within seconds."""
    import os

    from alin_tui.sync.loop import SyncLoop

    session = _Session(tmp_path / "dépôt", polling)
    loop = SyncLoop(session, min_delay=0.05)
    loop.start()
    try:
        assert loop.wait_idle(10)
        time.sleep(0.5)  # the watch is set up
        for name in (b"avis imp\xe9t Nadia \xff.pdf", "fiche de paie Nadia.pdf"):
            seen = session.cycles
            raw = os.path.join(os.fsencode(session.drop_folder), os.fsencode(name))
            with open(raw, "wb") as f:
                f.write(PDF)
            deadline = time.monotonic() + 8
            while session.cycles == seen and time.monotonic() < deadline:
                time.sleep(0.05)
            assert session.cycles > seen, name
            assert loop.wait_idle(10)
    finally:
        loop.stop()


def test_a_couples_one_tax_notice_may_go_to_both(home) -> None:
    """The same bytes already sent for Nadia's tax notice: for Amina's (accepted) the file
    waits to be sorted, it is not refused as a duplicate; for Nadia's it is."""
    conn, drop, staging = home
    put(drop, "avis imposition Nadia.pdf", PDF)
    assert len(dropfolder.intake(conn, drop, staging).taken) == 1
    put(drop, "avis imposition Amina.pdf", PDF)
    report = dropfolder.intake(conn, drop, staging)
    assert report.refused == [] and report.unsorted == ["avis imposition Amina.pdf"]
    assert report.unsorted_why == {"avis imposition Amina.pdf": "replaces"}
    put(drop, "impots Nadia 2.pdf", PDF)  # Nadia's is on its way: it would replace it
    report = dropfolder.intake(conn, drop, staging)
    assert [(r["file"], r["reason"]) for r in report.refused] == [
        ("impots Nadia 2.pdf", "duplicate")
    ]


def test_a_one_shot_intake_reports_each_file_to_sort_once(home) -> None:
    conn, drop, staging = home
    put(drop, "IMG_2041.jpg", jpeg())
    put(drop, "avis imposition Nadia.pdf", PDF, age=0.5)  # fresh: the intake waits for it
    report = dropfolder.intake(conn, drop, staging, wait=10)
    assert report.unsorted == ["IMG_2041.jpg"] and len(report.taken) == 1


def test_an_upload_queued_before_claims_still_moves_into_traites(home) -> None:
    """A store from before the claim folder: the upload's source is the dropped file itself."""
    conn, drop, staging = home
    dropped = put(drop, "pj-demo-1-payslips~octobre.pdf", PDF)
    staging.mkdir(parents=True, exist_ok=True)
    (staging / "0123456789abcdef.pdf").write_bytes(PDF)
    with outbox.durable(conn):
        conn.execute(
            "INSERT INTO uploads (local_id, slot_id, source, staged, filename, sha256, length, "
            "created_at, state) VALUES ('0123456789abcdef', 'pj-demo-1-payslips', ?, ?, "
            "'pj-demo-1-payslips~octobre.pdf', 'x', ?, '2026-11-01T00:00:00Z', 'uploaded')",
            (str(dropped), str(staging / "0123456789abcdef.pdf"), len(PDF)),
        )
    report = dropfolder.intake(conn, drop, staging)  # on its way already: not taken again
    assert (report.taken, report.refused, report.unsorted) == ([], [], [])
    assert dropfolder.unsorted(conn, drop) == []
    assert names(staging) == {"0123456789abcdef.pdf"}
    with outbox.durable(conn):
        dropfolder.attach_result(conn, "0123456789abcdef", {"status": "ok"})
    assert names(drop / "traités") == {"pj-demo-1-payslips~octobre.pdf"}
    assert names(staging) == set()
