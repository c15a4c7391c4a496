"""Attach a file to one document slot: type its path (with completion) or pick it in a tree.

`AttachDialog` returns the resolved path of a file that passed `check_file`, or None. The same
rules (`check_file`, `ACCEPTED_SUFFIXES`, `MAX_SIZE`) are there for any other way in: a file is a
PDF, JPEG or PNG by its name *and* its first bytes, not empty, at most 10 MiB, readable, and with a
`root` (a kiosk), inside that folder once every link is followed.

Nothing is copied or queued here: the caller turns the path into an action.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widgets import Button, DirectoryTree, Input, Static

from alin_tui.sync.intake import MAGIC, MAX_SIZE
from alin_tui.ui.bindings import localize
from alin_tui.ui.dialogs import Dialog
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean

# The same limit and signatures as the intake that takes the file in (`sync/intake.py`).
_KIND_OF_SUFFIX = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}
_MAGIC = {
    suffix: next(magic for magic, kind in MAGIC.items() if kind == wanted)
    for suffix, wanted in _KIND_OF_SUFFIX.items()
}
ACCEPTED_SUFFIXES = frozenset(_MAGIC)
_KIND = {".pdf": "PDF", ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}

# The problems `check_file` reports: catalog keys, put into words by `problem_text`.
EMPTY_INPUT = "attach.empty_input"
NOT_FOUND = "attach.not_found"
IS_DIR = "attach.is_dir"
NOT_REGULAR = "attach.not_regular"
SYMLINK = "attach.symlink"
BAD_TYPE = "attach.bad_type"
BAD_CONTENT = "attach.bad_content"
EMPTY_FILE = "attach.empty_file"
TOO_BIG = "attach.too_big"
UNREADABLE = "attach.unreadable"
OUTSIDE = "attach.outside"


# --- The rules ------------------------------------------------------------------------------


def _inside(path: Path, root: Path) -> bool:
    """Whether `path`, every link followed, is `root` or below it."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def _head(path: Path) -> bytes:
    """The first bytes of a file (what tells a PDF, JPEG or PNG apart)."""
    with open(path, "rb") as f:
        return f.read(8)


def check_file(path: Path, root: Path | None = None, *, allow_symlink: bool = True) -> str | None:
    """The catalog key of what makes `path` unfit to attach, or None when it can be attached.

    Links are followed (the file they lead to is checked) unless `allow_symlink` is False; with a
    `root`, the file must lie inside it once links are followed. Never raises on a bad path.
    """
    try:
        if root is not None and not _inside(path, root):
            return OUTSIDE
        if not allow_symlink and path.is_symlink():
            return SYMLINK
        info = path.stat()
    except PermissionError:
        return UNREADABLE
    except (OSError, ValueError):  # missing, a dangling or looping link, a NUL in the name…
        return NOT_FOUND
    if stat.S_ISDIR(info.st_mode):
        return IS_DIR
    if not stat.S_ISREG(info.st_mode):
        return NOT_REGULAR  # a pipe, a device, a socket: never opened (a pipe would block)
    suffix = path.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        return BAD_TYPE
    if info.st_size == 0:
        return EMPTY_FILE
    if info.st_size > MAX_SIZE and suffix == ".pdf":
        return TOO_BIG  # a photo over the limit is made lighter first (`sync/photos.py`)
    try:
        head = _head(path)
    except OSError:  # permission denied, or gone meanwhile
        return UNREADABLE
    if not head.startswith(_MAGIC[suffix]):
        return BAD_CONTENT
    return None


def size_text(t: Translator, size: int) -> str:
    """« 12,4 Mo » / "12.4 MB", as the rest of the app writes sizes; a file just over the limit
    never reads as the limit itself (« 10,1 Mo », not « 10 Mo »)."""
    shown = t.size(size)
    if size > MAX_SIZE and shown == t.size(MAX_SIZE):
        shown = t.size(MAX_SIZE + MAX_SIZE // 100)
    return shown


def problem_text(
    t: Translator,
    key: str,
    path: Path | None = None,
    root: Path | None = None,
    root_label: str | None = None,
) -> str:
    """The sentence for a key of `check_file`, with the size, the limit, the type or the root."""
    size = ""
    if key == TOO_BIG and path is not None:
        try:
            size = size_text(t, path.stat().st_size)
        except OSError:
            size = ""
    kind = _KIND.get(path.suffix.lower(), "") if path is not None else ""
    if key == OUTSIDE and root_label:  # a folder named in words (a kiosk's), not a path
        return t("attach.outside_named", where=root_label)
    return t(
        key,
        size=size,
        limit=size_text(t, MAX_SIZE),
        kind=kind,
        root=str(root) if root is not None else "",
    )


# --- Paths as typed or pasted ---------------------------------------------------------------

_QUOTES = ("''", '""')


def clean_path(text: str) -> str:
    """What a user typed or pasted, as a path: the first line, without surrounding blanks or
    quotes, a `file://` address turned into its path."""
    lines = [line for line in text.splitlines() if line.strip()]
    text = lines[0].strip() if lines else ""
    while len(text) >= 2 and text[0] + text[-1] in _QUOTES:
        text = text[1:-1].strip()
    if text[:7].lower() == "file://":
        text = unquote(text[7:])
        if text.lower().startswith("localhost/"):
            text = text[9:]
    return text


def to_path(text: str, base: Path) -> Path:
    """A cleaned text as a path: `~` expanded, a relative path taken from `base`. A name written
    with shell escapes (`Mon\\ fichier.pdf`, as a terminal pastes a dropped file) is unescaped
    when only the unescaped name exists."""
    path = base / os.path.expanduser(text)
    if "\\" in text and os.sep == "/":
        unescaped = base / os.path.expanduser(re.sub(r"\\(.)", r"\1", text))
        try:
            if not path.exists() and unescaped.exists():
                return unescaped
        except (OSError, ValueError):
            pass
    return path


def _listable(entry: os.DirEntry[str] | Path, root: Path | None) -> bool | None:
    """True for a folder, False for an acceptable file, None for what is not shown (hidden,
    another type, a link leading out of `root`, unreadable)."""
    try:
        if entry.name.startswith("."):
            return None
        if root is not None and entry.is_symlink() and not _inside(Path(entry), root):
            return None
        if entry.is_dir():
            return True
        if entry.is_file() and os.path.splitext(entry.name)[1].lower() in ACCEPTED_SUFFIXES:
            return False
    except (OSError, ValueError):
        return None
    return None


def _fitting(value: str, base: Path, root: Path | None) -> tuple[str, str, list[tuple[str, bool]]]:
    """The folder part typed, the last segment, and the entries (name, is a folder) it fits:
    folders and PDF/JPEG/PNG files only, no hidden entry, nothing outside `root`."""
    folder_text, slash, segment = value.rpartition("/")
    if not segment:
        return "", "", []
    folder_text += slash
    try:
        folder = base / os.path.expanduser(folder_text) if folder_text else base
        if root is not None and not _inside(folder, root):
            return folder_text, segment, []
        with os.scandir(folder) as entries:
            names = sorted(entries, key=lambda e: (e.name.casefold(), e.name))
    except (OSError, ValueError, RuntimeError):
        return folder_text, segment, []
    wanted = segment.casefold()
    return (
        folder_text,
        segment,
        [
            (entry.name, kind)
            for entry in names
            if entry.name.casefold().startswith(wanted)
            and (kind := _listable(entry, root)) is not None
        ],
    )


def matches(value: str, base: Path, root: Path | None = None) -> list[str]:
    """The names the last segment of `value` fits (a folder ends with `/`). Never raises."""
    return [name + ("/" if kind else "") for name, kind in _fitting(value, base, root)[2]]


def complete(value: str, base: Path, root: Path | None = None) -> str | None:
    """`value` with its last segment completed from the entries of its folder (case-insensitive,
    a folder ends with `/`), or None (see `_fitting`). Several entries fit: as far as they
    agree, as a shell does (« avis_202 » for avis_2024.pdf and avis_2025.pdf), never one of
    them picked. Never raises."""
    folder_text, segment, found = _fitting(value, base, root)
    if not found:
        return None
    if len(found) == 1:
        name, kind = found[0]
        return folder_text + name + ("/" if kind else "")
    first = found[0][0]
    agreed = len(os.path.commonprefix([name.casefold() for name, _ in found]))
    return folder_text + first[:agreed] if agreed > len(segment) else None


class PathSuggester(Suggester):
    """Completes the last segment of a path from the folder's entries (see `complete`)."""

    def __init__(self, base: Callable[[], Path], root: Path | None = None) -> None:
        # Case-sensitive for Textual: otherwise the value would come casefolded, folder included,
        # and `/home/Nadia/bu` could not be read. The matching itself ignores case.
        super().__init__(use_cache=False, case_sensitive=True)
        self.base, self.root = base, root

    async def get_suggestion(self, value: str) -> str | None:
        try:
            return complete(value, self.base(), self.root)
        except Exception:  # a suggestion is a convenience: never an error on screen
            return None


# --- Widgets --------------------------------------------------------------------------------


class PathInput(Input):
    """An Input where `→`, `End` and `Tab` accept the completion shown (`Tab` moves the focus as
    usual when there is none)."""

    BINDINGS = [Binding("tab", "accept_suggestion", show=False)]

    @property
    def suggestion_shown(self) -> bool:
        return len(self._suggestion) > len(self.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept_suggestion":
            # False: the key goes on to the screen's focus_next (the tree).
            return self.suggestion_shown or self._folder() is not None or len(self._fits()) > 1
        return super().check_action(action, parameters)

    def _fits(self) -> list[str]:
        """The names the last segment typed so far fits."""
        dialog = self.screen
        if not isinstance(dialog, AttachDialog) or not clean_path(self.value):
            return []
        return matches(clean_path(self.value), dialog._base(), dialog.root)

    def _folder(self) -> Path | None:
        """The folder the field names, when it names one the dialog can show."""
        dialog = self.screen
        if not isinstance(dialog, AttachDialog) or not clean_path(self.value):
            return None
        path = to_path(clean_path(self.value), dialog._base())
        try:
            return path if path.is_dir() and check_file(path, dialog.root) == IS_DIR else None
        except OSError:
            return None

    def action_accept_suggestion(self) -> None:
        if self.suggestion_shown:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
            return
        folder, dialog = self._folder(), self.screen
        fits = self._fits() if folder is None else []
        if len(fits) > 1 and isinstance(dialog, AttachDialog):
            # A second `Tab`, as in a shell: the names it could be, and the typing stays here.
            shown = ", ".join(fits[:6]) + (" …" if len(fits) > 6 else "")
            dialog._say(dialog.t("attach.several", names=shown), info=True)
            return
        if folder is not None and isinstance(dialog, AttachDialog):
            # `Tab` on a folder with nothing more to complete: browse it in the list.
            tree = dialog.query_one(AttachTree)
            if tree.open_folder(folder):
                tree.focus()

    def action_end(self, select: bool = False) -> None:
        if not select and self.suggestion_shown:
            self.action_accept_suggestion()
        else:
            super().action_end(select)


class AttachTree(DirectoryTree):
    """Folders and PDF/JPEG/PNG files only, no hidden entry, no link leading out of `limit`;
    `Retour arrière` opens the parent folder, never above `limit`."""

    BINDINGS = [Binding("backspace", "up", "attach.up")]

    def __init__(self, path: Path, limit: Path | None, t: Translator, **kwargs) -> None:
        self.limit = limit
        super().__init__(path, **kwargs)
        localize(self, t)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if _listable(p, self.limit) is not None]

    @property
    def folder(self) -> Path:
        return Path(self.path)

    def open_folder(self, folder: Path) -> bool:
        """Show `folder` as the tree's root, if browsing may go there."""
        if self.limit is not None and not _inside(folder, self.limit):
            return False
        self.path = folder.resolve()
        return True

    def action_up(self) -> None:
        here = self.folder.resolve()
        if here.parent == here or (self.limit is not None and here == self.limit.resolve()):
            self.app.bell()
            return
        self.open_folder(here.parent)


class AttachDialog(Dialog[Path | None]):
    """« Joindre : <pièce> »: a path (with completion), a tree to pick from, what is wrong."""

    DEFAULT_CSS = """
    AttachDialog .explain { color: $text-muted; }
    AttachDialog #attach-tree {
        height: 12; max-height: 50vh; margin: 1 0 0 0; padding: 0; background: $surface;
    }
    AttachDialog #attach-error { min-height: 1; }
    AttachDialog #attach-error.-info { color: $text-muted; }
    """

    def __init__(
        self,
        t: Translator,
        piece: str,
        start: Path,
        root: Path | None = None,
        *,
        root_label: str | None = None,
        placeholder: str | None = None,
    ) -> None:
        super().__init__(t)
        self.piece = piece
        self.root_label = root_label  # how `root` is named to people (a kiosk hides its path)
        self.placeholder = placeholder
        self._said_for = ""
        self.root = root.expanduser().resolve() if root is not None else None
        self.first_folder = self._first_folder(start)

    def _first_folder(self, start: Path) -> Path:
        """`start` when it is a folder the dialog may show, else `root`, else the home folder."""
        for candidate in (start.expanduser(), self.root, Path.home(), Path("/")):
            if candidate is None:
                continue
            try:
                if candidate.is_dir() and (self.root is None or _inside(candidate, self.root)):
                    return candidate.resolve()
            except OSError:
                continue
        return Path("/")

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Text(t("attach.title", piece=clean(self.piece))), classes="title")
            yield Static(Text(t("attach.explain", limit=size_text(t, MAX_SIZE))), classes="explain")
            yield PathInput(
                placeholder=self.placeholder or t("attach.placeholder"),
                id="attach-path",
                suggester=PathSuggester(self._base, self.root),
                select_on_focus=False,
                max_length=4096,
                compact=True,
            )
            yield AttachTree(self.first_folder, self.root, t, id="attach-tree")
            yield Static(id="attach-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("attach.attach"), id="attach-ok", variant="primary", compact=True)
                yield Button(t("dialog.cancel"), id="attach-cancel", compact=True)

    def _base(self) -> Path:
        """Where a relative path starts: the folder shown in the tree."""
        try:
            return self.query_one(AttachTree).folder
        except Exception:
            return self.first_folder

    def _say(self, text: str = "", *, info: bool = False) -> None:
        """One line under the tree: what is wrong (or, `info`, what was done), until the next
        change of the path."""
        line = self.query_one("#attach-error", Static)
        line.update(Text(text))
        line.set_class(info, "-info")
        self._said_for = self.query_one(PathInput).value

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "attach-path" and event.value != self._said_for:
            self._say()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.attach()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "attach-ok":
            self.attach()
        else:
            self.dismiss(None)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        """`Entrée` on a file writes its path above and stays in the list (arrows keep
        browsing); `Entrée` again on the same file attaches it."""
        event.stop()
        field = self.query_one(PathInput)
        if clean_path(field.value) == str(event.path):
            self.attach()
            return
        field.value = str(event.path)
        field.cursor_position = len(field.value)
        self._say(self.t("attach.chosen", file=clean(event.path.name, limit=60)), info=True)

    def attach(self) -> None:
        """Check what the Input holds; dismiss with the file, or say what is wrong."""
        field = self.query_one(PathInput)
        text = clean_path(field.value)
        if not text:
            self._say(self.t(EMPTY_INPUT))
            return
        path = to_path(text, self._base())
        problem = check_file(path, self.root)
        if problem == IS_DIR and self.query_one(AttachTree).open_folder(path):
            # A relative path would now start from the folder just opened: write it whole.
            shown = text if text.startswith(("/", "~")) else str(path.resolve())
            field.value = shown if shown.endswith("/") else shown + "/"
            field.cursor_position = len(field.value)
            self._say(self.t("attach.opened"), info=True)
            return
        if problem is not None:
            self._say(problem_text(self.t, problem, path, self.root, self.root_label))
            return
        self.dismiss(path.resolve())
