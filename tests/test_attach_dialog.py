"""Attaching a file to a document slot: the path typed (with completion) or picked in the tree,
checked before the dialog closes, in the reader's language; and the rules on their own."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from textual import events
from textual.app import App
from textual.widgets import Button, Static

from alin_tui.ui import attach
from alin_tui.ui.attach import (
    ACCEPTED_SUFFIXES,
    AttachDialog,
    AttachTree,
    PathInput,
    check_file,
    clean_path,
    complete,
    size_text,
)
from alin_tui.ui.i18n import Translator
from tests.conftest import screen_text

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MIB = 1024 * 1024


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A real folder of papers, good and bad, with a secret next to it (outside)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bulletin-octobre.pdf").write_bytes(PDF)
    (docs / "Photo.JPG").write_bytes(_image("JPEG"))
    (docs / "scan.png").write_bytes(_image("PNG"))
    (docs / "faux.pdf").write_text("ceci n'est pas un PDF\n")
    (docs / "vide.pdf").write_bytes(b"")
    with open(docs / "gros.pdf", "wb") as f:  # 11 MiB, sparse
        f.write(PDF)
        f.truncate(11 * MIB)
    (docs / "notes.txt").write_text("notes")
    (docs / ".cache.pdf").write_bytes(PDF)
    (docs / ".cachés").mkdir()
    (docs / "sous-dossier").mkdir()
    (docs / "sous-dossier" / "avis.pdf").write_bytes(PDF)
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(PDF)
    (docs / "lien-dehors.pdf").symlink_to(outside / "secret.pdf")
    (docs / "dossier-dehors").symlink_to(outside)
    (docs / "lien-dedans.pdf").symlink_to(docs / "bulletin-octobre.pdf")
    os.mkfifo(docs / "tube.pdf")
    return docs


class Host(App[None]):
    """A bare app that opens the dialog at once and keeps what it returns."""

    def __init__(self, dialog: AttachDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Path | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


def _dialog(folder: Path, lang: str = "fr", root: Path | None = None) -> AttachDialog:
    return AttachDialog(Translator(lang), "Bulletins de salaire — Nadia", folder, root=root)


async def _until(pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("condition never met")


def _tree_loaded(app: Host) -> bool:
    tree = app.dialog.query_one(AttachTree)
    return bool(tree.root.children)


def _error(app: Host) -> str:
    return str(app.dialog.query_one("#attach-error", Static).render()).replace("\xa0", " ")


def _field(app: Host) -> PathInput:
    return app.dialog.query_one(PathInput)


async def _type(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.pause()


async def test_a_path_typed_fast_then_enter_returns_the_resolved_path(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _field(app).has_focus  # typing goes to the path at once
        assert "Joindre : Bulletins de salaire — Nadia" in screen_text(app)
        await _type(pilot, str(folder / "sous-dossier" / ".." / "bulletin-octobre.pdf"))
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(folder / "bulletin-octobre.pdf").resolve()]


async def test_the_dialog_fits_80x24_with_input_tree_error_line_and_buttons(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        await pilot.pause()
        screen = app.dialog
        tree = screen.query_one(AttachTree)
        assert tree.region.height >= 8
        for widget in (_field(app), tree, screen.query_one("#attach-error"), *screen.query(Button)):
            region = widget.region
            assert region.height >= 1 and region.bottom <= 24 and region.right <= 80, widget
        text = screen_text(app)
        assert "Joindre" in text and "Annuler" in text
        assert "10 Mo au plus" in text  # the rule is said before it is broken
        assert "bulletin-octobre.pdf" in text


async def test_tab_completes_the_last_segment_case_insensitively(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, "BUL")
        await pilot.press("tab")
        await pilot.pause()
        assert _field(app).value == "bulletin-octobre.pdf"
        assert _field(app).has_focus
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(folder / "bulletin-octobre.pdf").resolve()]


async def test_a_second_tab_on_several_files_names_them_and_keeps_the_typing(
    folder: Path,
) -> None:
    """`av` Tab gives « avis_202 »; a second Tab, as in a shell, names the files it could be
    and leaves the focus in the field, so that the rest of the name typed lands there."""
    from tests.conftest import screen_text

    (folder / "avis_2024.pdf").write_bytes(PDF)
    (folder / "avis_2025.pdf").write_bytes(PDF)
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, "av")
        await pilot.press("tab")
        await pilot.pause()
        assert _field(app).value == "avis_202"
        await pilot.press("tab")
        await pilot.pause()
        assert "avis_2024.pdf, avis_2025.pdf" in " ".join(screen_text(app).split())
        await pilot.press("5", ".", "p", "d", "f")
        await pilot.pause()
        assert _field(app).value == "avis_2025.pdf" and _field(app).has_focus
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(folder / "avis_2025.pdf").resolve()]


async def test_a_folder_completes_with_a_slash_and_end_accepts_too(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _field(app).value = str(folder)
        await _type(pilot, "/sous")
        await pilot.press("end")
        await pilot.pause()
        assert _field(app).value == str(folder / "sous-dossier") + "/"
        await _type(pilot, "av")
        await pilot.press("right")
        await pilot.pause()
        assert _field(app).value == str(folder / "sous-dossier" / "avis.pdf")


async def test_a_relative_name_completes_from_the_folder_shown(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, "pho")
        await pilot.press("tab")
        await pilot.pause()
        assert _field(app).value == "Photo.JPG"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(folder / "Photo.JPG").resolve()]


async def test_tab_without_a_suggestion_moves_the_focus_to_the_tree(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, "zzz")
        await pilot.press("tab")
        await pilot.pause()
        assert app.dialog.query_one(AttachTree).has_focus
        assert _field(app).value == "zzz"


async def test_the_tree_lists_only_folders_and_pdf_jpeg_png(folder: Path) -> None:
    app = Host(_dialog(folder, root=folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        tree = app.dialog.query_one(AttachTree)
        names = [node.label.plain for node in tree.root.children]
        # Folders first; no hidden entry, no text file, no pipe, no link leading out of the root.
        assert names == [
            "sous-dossier",
            "bulletin-octobre.pdf",
            "faux.pdf",  # a PDF by its name: refused on attach, by its content
            "gros.pdf",
            "lien-dedans.pdf",
            "Photo.JPG",
            "scan.png",
            "vide.pdf",
        ]
        sub = next(n for n in tree.root.children if n.label.plain == "sous-dossier")
        sub.expand()
        await _until(pilot, lambda: bool(sub.children))
        assert [n.label.plain for n in sub.children] == ["avis.pdf"]


async def test_without_root_links_elsewhere_are_listed(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        names = {n.label.plain for n in app.dialog.query_one(AttachTree).root.children}
        assert {"lien-dehors.pdf", "dossier-dehors"} <= names
        assert not names & {".cache.pdf", ".cachés", "notes.txt", "tube.pdf"}


async def test_picking_in_the_tree_fills_the_path_and_a_second_enter_attaches(
    folder: Path,
) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        tree = app.dialog.query_one(AttachTree)
        tree.focus()
        scan = next(n for n in tree.root.children if n.label.plain == "scan.png")
        tree.move_cursor(scan)
        await pilot.pause()
        await pilot.press("enter")
        await _until(pilot, lambda: _field(app).value != "")
        assert Path(_field(app).value) == (folder / "scan.png").resolve()
        assert tree.has_focus  # still browsing: arrows move in the list, nothing attached
        assert app.results == []
        await pilot.press("up", "enter")  # another file: chosen, not attached
        await pilot.pause()
        assert app.results == [] and Path(_field(app).value) != (folder / "scan.png").resolve()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.results == []
        await pilot.press("enter")  # the same file again: attached
        await pilot.pause()
    assert app.results == [(folder / "scan.png").resolve()]


async def test_a_click_on_a_file_in_the_tree_fills_the_path(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        tree = app.dialog.query_one(AttachTree)
        scan = next(n for n in tree.root.children if n.label.plain == "scan.png")
        await pilot.click(AttachTree, offset=(8, scan.line - tree.scroll_offset.y))
        await _until(pilot, lambda: _field(app).value != "")
        assert Path(_field(app).value) == (folder / "scan.png").resolve()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Indiquez le fichier"),
        ("   ", "Indiquez le fichier"),
        ("absent.pdf", "Fichier introuvable"),
        ("notes.txt", "seuls les PDF, JPEG et PNG sont acceptés"),
        ("faux.pdf", "n'est pas un vrai PDF"),
        ("vide.pdf", "Ce fichier est vide"),
        ("gros.pdf", "Fichier trop lourd (11 Mo) : 10 Mo au plus"),
        ("tube.pdf", "pas un fichier ordinaire"),
    ],
)
async def test_each_problem_is_said_and_the_dialog_stays_open(
    folder: Path, typed: str, message: str
) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, typed)
        await pilot.press("enter")
        await pilot.pause()
        assert message in _error(app)
        assert message in screen_text(app)
        assert app.screen is app.dialog and app.results == []
        await _type(pilot, "x")  # the message goes once the path changes
        assert _error(app) == ""


async def test_the_attach_button_checks_too(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, "notes.txt")
        await pilot.click("#attach-ok")
        await pilot.pause()
        assert "seuls les PDF, JPEG et PNG" in _error(app)
        _field(app).value = "scan.png"
        await pilot.pause(0.3)  # a button ignores a click while it still shows the last one
        await pilot.click("#attach-ok")
        await pilot.pause()
    assert app.results == [(folder / "scan.png").resolve()]


async def test_an_unreadable_file_is_said_without_a_traceback(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(attach, "_head", denied)  # tests may run as root, where chmod does not bite
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, "scan.png")
        await pilot.press("enter")
        await pilot.pause()
        assert "ne peut pas être lu" in _error(app)
        assert app.results == []


async def test_a_folder_typed_opens_in_the_tree_instead_of_an_error(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        await _type(pilot, "sous-dossier")
        await pilot.press("enter")
        await pilot.pause()
        tree = app.dialog.query_one(AttachTree)
        await _until(pilot, lambda: tree.folder == (folder / "sous-dossier").resolve())
        await _until(pilot, lambda: [n.label.plain for n in tree.root.children] == ["avis.pdf"])
        # Written whole: a relative path would now start from the folder just opened.
        assert _field(app).value == str((folder / "sous-dossier").resolve()) + "/"
        assert "Dossier ouvert" in _error(app)
        assert app.results == []
        await _type(pilot, "av")
        await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(folder / "sous-dossier" / "avis.pdf").resolve()]


async def test_escape_cancels_from_the_input_and_from_the_tree(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, "scan")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]

    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.dialog.query_one(AttachTree).focus()
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_the_cancel_button_returns_none(folder: Path) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#attach-cancel")
        await pilot.pause()
    assert app.results == [None]


async def test_a_root_refuses_what_lies_outside_it(folder: Path) -> None:
    app = Host(_dialog(folder, root=folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for typed in ("/etc/passwd", "lien-dehors.pdf", "../ailleurs/secret.pdf", "/etc"):
            _field(app).value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert f"Seuls les fichiers du dossier {folder.resolve()}" in _error(app), typed
        assert app.results == []
        # A link that stays inside is followed.
        _field(app).value = "lien-dedans.pdf"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(folder / "bulletin-octobre.pdf").resolve()]


async def test_the_tree_does_not_go_above_the_root_nor_completes_outside(folder: Path) -> None:
    app = Host(_dialog(folder / "sous-dossier", root=folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        tree = app.dialog.query_one(AttachTree)
        assert tree.folder == (folder / "sous-dossier").resolve()
        tree.focus()
        await pilot.press("backspace")
        await _until(pilot, lambda: tree.folder == folder.resolve())
        await pilot.press("backspace")
        await pilot.pause()
        assert tree.folder == folder.resolve()  # the root is as far up as it goes
        _field(app).focus()
        await _type(pilot, "/et")
        assert not _field(app).suggestion_shown


async def test_a_start_outside_the_root_opens_the_root(folder: Path, tmp_path: Path) -> None:
    app = Host(_dialog(tmp_path / "ailleurs", root=folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        assert app.dialog.query_one(AttachTree).folder == folder.resolve()


@pytest.mark.parametrize(
    "pasted",
    [
        "'{path}'\n",
        '"{path}"',
        "file://{path}\n",
        "  file://localhost{path}  ",
    ],
)
async def test_a_pasted_path_is_cleaned(folder: Path, pasted: str) -> None:
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = _field(app)
        field.post_message(events.Paste(pasted.format(path=folder / "scan.png")))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(folder / "scan.png").resolve()]


async def test_in_english_every_word_is_english(folder: Path) -> None:
    app = Host(_dialog(folder, lang="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        text = screen_text(app)
        assert "Attach: Bulletins de salaire — Nadia" in text
        assert "Cancel" in text and "up to 10 MB" in text
        assert "Joindre" not in text and "Annuler" not in text
        await _type(pilot, "gros.pdf")
        await pilot.press("enter")
        await pilot.pause()
        assert "File too large (11 MB): 10 MB at most." in _error(app)
        _field(app).value = "nothing.pdf"
        await pilot.press("enter")
        await pilot.pause()
        assert "File not found" in _error(app)
        assert app.results == []


# --- The rules on their own -----------------------------------------------------------------


def test_accepted_suffixes() -> None:
    assert {".pdf", ".jpg", ".jpeg", ".png"} == ACCEPTED_SUFFIXES


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("bulletin-octobre.pdf", None),
        ("Photo.JPG", None),
        ("scan.png", None),
        ("lien-dedans.pdf", None),
        ("lien-dehors.pdf", None),  # no root: a link is followed
        ("absent.pdf", "attach.not_found"),
        ("sous-dossier", "attach.is_dir"),
        ("tube.pdf", "attach.not_regular"),
        ("notes.txt", "attach.bad_type"),
        ("faux.pdf", "attach.bad_content"),
        ("vide.pdf", "attach.empty_file"),
        ("gros.pdf", "attach.too_big"),
    ],
)
def test_check_file_without_root(folder: Path, name: str, key: str | None) -> None:
    assert check_file(folder / name, None) == key


def test_check_file_with_a_root(folder: Path, tmp_path: Path) -> None:
    assert check_file(folder / "scan.png", folder) is None
    assert check_file(folder / "lien-dedans.pdf", folder) is None
    assert check_file(folder / "lien-dehors.pdf", folder) == "attach.outside"
    assert check_file(folder / "dossier-dehors" / "secret.pdf", folder) == "attach.outside"
    assert check_file(tmp_path / "ailleurs" / "secret.pdf", folder) == "attach.outside"
    assert check_file(folder / ".." / "ailleurs" / "secret.pdf", folder) == "attach.outside"
    assert check_file(Path("/etc/passwd"), folder) == "attach.outside"
    assert check_file(folder / "absent.pdf", folder) == "attach.not_found"


def test_check_file_edges(folder: Path, tmp_path: Path) -> None:
    exact = tmp_path / "exact.pdf"  # exactly 10 MiB is allowed, one byte more is not
    with open(exact, "wb") as f:
        f.write(PDF)
        f.truncate(10 * MIB)
    assert check_file(exact, None) is None
    with open(exact, "ab") as f:
        f.write(b"\0")
    assert check_file(exact, None) == "attach.too_big"
    png_named_pdf = tmp_path / "image.pdf"
    png_named_pdf.write_bytes(_image("PNG"))
    assert check_file(png_named_pdf, None) == "attach.bad_content"
    dangling = tmp_path / "perdu.pdf"
    dangling.symlink_to(tmp_path / "nulle-part.pdf")
    assert check_file(dangling, None) == "attach.not_found"
    assert check_file(Path("nul\0.pdf"), None) == "attach.not_found"
    assert check_file(folder / "lien-dedans.pdf", None, allow_symlink=False) == "attach.symlink"
    assert check_file(folder / "scan.png", None, allow_symlink=False) is None


def test_check_file_unreadable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(attach, "_head", denied)
    assert check_file(folder / "scan.png", None) == "attach.unreadable"


def test_sizes_in_words() -> None:
    fr, en = Translator("fr"), Translator("en")
    assert size_text(fr, 13_002_342) == "12,4\u00a0Mo"
    assert size_text(en, 13_002_342) == "12.4 MB"
    assert size_text(fr, 10 * MIB) == "10\u00a0Mo"
    assert size_text(fr, 10 * MIB + 1) == "10,1\u00a0Mo"  # just over never reads as the limit
    assert size_text(en, 11 * MIB) == "11 MB"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("/a/b.pdf", "/a/b.pdf"),
        ("  '/a/b c.pdf'\n", "/a/b c.pdf"),
        ('"/a/b.pdf"', "/a/b.pdf"),
        ("file:///a/b%20c.pdf", "/a/b c.pdf"),
        ("FILE://localhost/a/b.pdf\r\n", "/a/b.pdf"),
        ("\n\n/a/b.pdf\n", "/a/b.pdf"),
        ("''", ""),
        ("", ""),
    ],
)
def test_clean_path(raw: str, clean: str) -> None:
    assert clean_path(raw) == clean


def test_a_shell_escaped_name_is_found(folder: Path) -> None:
    (folder / "mon bulletin.pdf").write_bytes(PDF)
    path = attach.to_path(str(folder / "mon\\ bulletin.pdf"), folder)
    assert path == folder / "mon bulletin.pdf"


def test_completion(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = str(folder)
    assert complete(base + "/bul", folder) == base + "/bulletin-octobre.pdf"
    assert complete(base + "/PHO", folder) == base + "/Photo.JPG"
    assert complete(base + "/sous", folder) == base + "/sous-dossier/"
    assert complete(base + "/not", folder) is None  # a text file is not offered
    assert complete(base + "/.ca", folder) is None  # nor a hidden one
    assert complete(base + "/tub", folder) is None  # nor a pipe
    assert complete(base + "/", folder) is None  # nothing typed of the name yet
    assert complete("sc", folder) == "scan.png"  # relative to the folder shown
    assert complete(base + "/absent/x", folder) is None
    assert complete("/dev/null/x", folder) is None
    assert complete(base + "/lien-deh", folder) == base + "/lien-dehors.pdf"
    assert complete(base + "/lien-deh", folder, root=folder) is None
    assert complete("/et", folder, root=folder) is None
    monkeypatch.setenv("HOME", str(folder))
    assert complete("~/sc", tmp_path) == "~/scan.png"  # what was typed is kept, `~` included
    (folder / "avis_2024.pdf").write_bytes(PDF)
    (folder / "avis_2025.pdf").write_bytes(PDF)
    # two fit: as far as they agree, never last year's notice picked for the user
    assert complete(base + "/av", folder) == base + "/avis_202"
    assert complete(base + "/avis_202", folder) is None  # nothing more they agree on
    assert complete(base + "/avis_2025", folder) == base + "/avis_2025.pdf"


def test_completion_survives_an_unreadable_folder(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(attach.os, "scandir", denied)
    assert complete(str(folder) + "/bul", folder) is None


async def test_tab_on_a_folder_path_browses_it_in_the_list(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "autres papiers"
    other.mkdir()
    (other / "avis.pdf").write_bytes(PDF)
    app = Host(_dialog(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: _tree_loaded(app))
        await _type(pilot, str(other) + "/")
        await pilot.press("tab")
        tree = app.dialog.query_one(AttachTree)
        await _until(pilot, lambda: tree.folder == other.resolve() and bool(tree.root.children))
        assert tree.has_focus
        assert [n.label.plain for n in tree.root.children] == ["avis.pdf"]
