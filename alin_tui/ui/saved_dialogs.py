"""The Offres tab's saved searches: a dialog naming the search to save, and the list of saved
searches with how many offers are new to each. Like every dialog here, they return what the user
chose; the Offres pane writes the store."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from alin_tui.store import saved
from alin_tui.ui import views
from alin_tui.ui.dialogs import Dialog
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean


class SaveSearchDialog(Dialog[str | None]):
    """The name to save the current search under (prefilled with its text); says what is saved
    and whether a saved search of that name is replaced. Returns the name, or None."""

    DEFAULT_CSS = """
    SaveSearchDialog #save-search-feedback { height: auto; min-height: 1; }
    SaveSearchDialog #save-search-feedback.-error { color: $error; }
    """

    def __init__(self, t: Translator, name: str, what: str, existing: list[str]) -> None:
        super().__init__(t)
        self.prefill, self.what, self.existing = name, what, set(existing)

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(t("saved.save_title"), classes="title")
            yield Static(Text(t("saved.save_what", what=self.what)))
            yield Label(t("saved.name_label"))
            yield Input(
                self.prefill,
                id="save-search-name",
                max_length=saved.NAME_MAX,
                compact=True,
                select_on_focus=True,  # the text offered is selected: typing a name replaces it
            )
            yield Static(id="save-search-feedback")
            with Horizontal(classes="buttons"):
                yield Button(
                    t("saved.save_button"), id="save-search-save", variant="primary", compact=True
                )
                yield Button(t("dialog.cancel"), id="save-search-cancel", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self._check(self.prefill)

    @on(Input.Changed, "#save-search-name")
    def _typed(self, event: Input.Changed) -> None:
        self._check(event.value)

    def _check(self, typed: str) -> str | None:
        """The name as it will be saved, or None; the feedback line says why not, or that it
        replaces a saved search."""
        feedback = self.query_one("#save-search-feedback", Static)
        save = self.query_one("#save-search-save", Button)
        try:
            name = saved.clean_name(typed)
        except saved.InvalidSearch as exc:
            feedback.update(Text(views.invalid_search_text(self.t, exc)))
            feedback.set_class(True, "-error")
            save.disabled = True
            return None
        replaces = name in self.existing
        if replaces:
            words = self.t("saved.will_replace", name=clean(name))
        elif self.what == self.t("saved.everything"):  # no text, no filter: every new offer
            words = self.t("saved.everything_warning")
        else:
            words = ""
        feedback.update(Text(words))
        feedback.set_class(False, "-error")
        save.disabled = False
        return name

    def _save(self) -> None:
        name = self._check(self.query_one("#save-search-name", Input).value)
        if name is not None:
            self.dismiss(name)

    def on_input_submitted(self) -> None:
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-search-save":
            self._save()
        else:
            self.dismiss(None)


class SavedSearchesDialog(Dialog[tuple[str, str] | None]):
    """The saved searches, each with what it looks for and how many offers are new to it.
    `Entrée` opens the one under the cursor, `Suppr` removes it. Returns ("open", name),
    ("remove", name) or None."""

    DEFAULT_CSS = """
    SavedSearchesDialog OptionList { height: auto; max-height: 14; margin-top: 1; }
    """
    BINDINGS = [Binding("delete", "remove", "saved.key_remove", id="saved-remove")]

    def __init__(self, t: Translator, rows: list[tuple[str, str, int]]) -> None:
        """`rows`: (name, what it looks for, new offers)."""
        super().__init__(t)
        self.rows = rows

    def compose(self) -> ComposeResult:
        t = self.t
        options = []
        for name, what, new in self.rows:
            prompt = Text.assemble(
                (clean(name, limit=60), "bold"),
                "  ",
                (views.new_offers_text(t, new), "bold yellow" if new else "dim"),
                "\n",
                (what, "dim"),
            )
            options.append(Option(prompt, id=name))
        with Vertical(classes="dialog"):
            yield Static(t("saved.list_title"), classes="title")
            yield Static(Text(t("saved.list_help"), style="dim"))
            yield OptionList(*options, id="saved-list")
            with Horizontal(classes="buttons"):
                yield Button(
                    t("saved.open_button"), id="saved-open", variant="primary", compact=True
                )
                yield Button(t("saved.remove_button"), id="saved-remove", compact=True)
                yield Button(t("attention.close"), id="saved-close", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.rows else None
        self.set_focus(options)

    def _current(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(("open", event.option.id))

    def action_remove(self) -> None:
        name = self._current()
        if name is not None:
            self.dismiss(("remove", name))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        name = self._current()
        if event.button.id == "saved-open" and name is not None:
            self.dismiss(("open", name))
        elif event.button.id == "saved-remove":
            self.action_remove()
        elif event.button.id == "saved-close":
            self.dismiss(None)
