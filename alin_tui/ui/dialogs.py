"""Dialogs: one base class (a modal that `Esc` cancels, laid out the same way), and the dialogs
built on it: confirm an action, edit the contact details, link the number, deal with what needs
attention, a document slot's detail.

A dialog returns what the user chose; the caller turns it into a store action (`store/actions.py`),
so no state changes here.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from alin_tui.ui.bindings import localize
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean, held_quotes, server_words

R = TypeVar("R")


class Dialog(ModalScreen[R], Generic[R]):
    """A framed modal: a title, a body, a row of buttons; `Esc` cancels (returns None)."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog {
        width: 76; max-width: 100%; height: auto; max-height: 100%; padding: 0 1;
        border: round $primary; background: $surface;
    }
    Dialog .title { text-style: bold; }
    Dialog .buttons { height: auto; margin-top: 1; }
    Dialog .buttons Button { margin-right: 2; }
    Dialog Input { margin-bottom: 1; }
    Dialog Input.-textual-compact { margin-bottom: 0; background: $boost; }
    Dialog .error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "keys.cancel", id="dialog-cancel")]

    def __init__(self, t: Translator) -> None:
        super().__init__()
        self.t = t
        localize(self, t)

    def on_mount(self) -> None:
        for field in self.query(Input):  # no blinking cursor: a repaint twice a second over SSH
            field.cursor_blink = False
        # Typing goes to the first field at once (not to the frame around it).
        first = next(iter(self.query(Input)), None)
        if first is not None:
            self.set_focus(first)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Dialog[bool]):
    """Says what will happen; `Entrée` confirms, `Esc` cancels. Nothing is done here."""

    BINDINGS = [Binding("enter", "confirm", "keys.confirm", id="dialog-confirm", priority=True)]

    def __init__(self, t: Translator, title: str, body: str, confirm: str) -> None:
        super().__init__(t)
        self.title_text, self.body, self.confirm = title, body, confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            yield Static(Text(held_quotes(self.body)))
            note = Static(id="typed-ahead", classes="error")
            note.display = False
            yield note
            with Horizontal(classes="buttons"):
                yield Button(self.confirm, id="confirm", variant="primary", compact=True)
                yield Button(self.t("dialog.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def on_key(self, event: events.Key) -> None:
        """Letters typed while this opened were meant for a field, not as an answer: Cancel
        takes the focus, so that an `Entrée` typed on after them does nothing."""
        if not (event.is_printable and event.character and not event.character.isspace()):
            return
        event.stop()
        cancel = self.query_one("#cancel", Button)
        if self.focused is not cancel:
            cancel.focus()
            note = self.query_one("#typed-ahead", Static)
            note.update(Text(held_quotes(self.t("dialog.typed_ahead", confirm=self.confirm))))
            note.display = True

    def action_confirm(self) -> None:
        focused = self.focused
        self.dismiss(not (isinstance(focused, Button) and focused.id == "cancel"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")


CONTACT_FIELDS = ("email", "phone", "address")


class ContactDialog(Dialog[dict[str, str] | None]):
    """Email, phone and address of the demand; returns the changed fields (or None)."""

    def __init__(self, t: Translator, values: dict[str, Any]) -> None:
        super().__init__(t)
        self.values = {k: clean(values.get(k) or "") for k in CONTACT_FIELDS}

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="dialog"):
            yield Static(t("contact.title"), classes="title")
            yield Static(t("contact.explain"))
            for key in CONTACT_FIELDS:
                yield Label(t(f"contact.{key}"))
                yield Input(self.values[key], id=f"contact-{key}", max_length=300, compact=True)
                error = Static(id=f"contact-{key}-error", classes="error")
                error.display = False
                yield error
            with Horizontal(classes="buttons"):
                yield Button(t("contact.save"), id="contact-save", variant="primary", compact=True)
                yield Button(t("dialog.cancel"), id="contact-cancel", compact=True)

    def on_input_submitted(self) -> None:
        self._save()

    def on_input_changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("contact-")
        if key in CONTACT_FIELDS:
            self._check(key)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "contact-save":
            self._save()
        else:
            self.dismiss(None)

    def _check(self, key: str) -> bool:
        """Show what is wrong with one field under it; True when it is acceptable."""
        from alin_tui.domain.contact import problem

        value = self.query_one(f"#contact-{key}", Input).value
        found = problem(key, value) if value.strip() != self.values[key] else None
        error = self.query_one(f"#contact-{key}-error", Static)
        error.update(self.t(f"contact.{found}") if found else "")
        error.display = found is not None
        return found is None

    def _save(self) -> None:
        checks = [self._check(key) for key in CONTACT_FIELDS]
        if not all(checks):
            return  # each wrong field says why; nothing is sent
        changed = {}
        for key in CONTACT_FIELDS:
            value = self.query_one(f"#contact-{key}", Input).value.strip()
            if value != self.values[key]:
                changed[key] = value
        self.dismiss(changed or None)


class LinkDialog(Dialog[str | None]):
    """Type the unique number (NUR/NUD) to link the demand on AL-in; checked as typed."""

    DEFAULT_CSS = """
    LinkDialog #link-feedback { height: auto; min-height: 2; }
    LinkDialog #link-feedback.-error { color: $error; }
    """

    def __init__(
        self,
        t: Translator,
        today,
        linked: str | None = None,
        own: str | None = None,
        claim_first: bool = False,
    ) -> None:
        super().__init__(t)
        self.today = today
        self.linked = linked  # the number the demand is already linked with, if any
        self.own = own  # the demand's own number on the national file, if known
        self.claim_first = claim_first  # situation 2: the national-file account comes first

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(t("link.title"), classes="title")
            yield Static(t("link.explain"))
            yield Input(placeholder="111 1023 517879 GDPUB", id="link-nur", max_length=40)
            yield Static(id="link-feedback")
            with Horizontal(classes="buttons"):
                yield Button(
                    t("link.save"), id="link-save", variant="primary", disabled=True, compact=True
                )
                yield Button(t("dialog.cancel"), id="link-cancel", compact=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        from alin_tui.domain import nur

        feedback = self.query_one("#link-feedback", Static)
        save = self.query_one("#link-save", Button)
        t = self.t
        try:
            number = nur.normalize(event.value)
        except nur.InvalidNur as exc:
            words = t(f"nur_words.{exc.code}", **exc.params)
            feedback.update(Text(words) if event.value.strip() else "")
            feedback.set_class(bool(event.value.strip()), "-error")
            save.disabled = True
            return
        if self.claim_first:
            feedback.update(Text(t("refusal.claim_first")))
            feedback.set_class(True, "-error")
            save.disabled = True
            return
        if self.own and not self.linked and number != self.own:
            feedback.update(Text(t("refusal.not_your_number", number=nur.display(self.own))))
            feedback.set_class(True, "-error")
            save.disabled = True
            return
        if self.linked:  # one demand, one number: nothing to link again, nor another number
            key = "nur_words.same_number" if number == self.linked else "nur_words.other_number"
            feedback.update(Text(t(key, number=nur.display(self.linked))))
            feedback.set_class(number != self.linked, "-error")
            save.disabled = True
            return
        warnings = [
            t(f"nur_words.{code}", **words) for code, words in nur.warning_codes(number, self.today)
        ]
        feedback.update(Text(nur.display(number) + ("\n" + " ".join(warnings) if warnings else "")))
        feedback.set_class(False, "-error")
        save.disabled = False

    def on_input_submitted(self) -> None:
        if not self.query_one("#link-save", Button).disabled:
            self.dismiss(self.query_one("#link-nur", Input).value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "link-save":
            self.dismiss(self.query_one("#link-nur", Input).value)
        else:
            self.dismiss(None)


class AttentionDialog(Dialog[tuple[str, Any] | None]):
    """The refusals and conflicts still open. A refusal is acknowledged; a conflict is settled
    by choosing the user's values or the national file's. Returns (choice, row) or None."""

    DEFAULT_CSS = """
    AttentionDialog > .dialog { border: round $warning; width: 90; max-height: 90%; }
    AttentionDialog .item { margin-bottom: 1; }
    AttentionDialog .buttons { margin-top: 0; margin-bottom: 1; }
    """

    def __init__(
        self,
        t: Translator,
        rows: list[Any],
        files: list[dict] | None = None,
        names: dict[int, str] | None = None,
    ) -> None:
        super().__init__(t)
        self.rows = rows
        self.names = names or {}  # each row's operation in words, naming its offer
        self.files = files or []  # documents the drop folder refused, not yet read about

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="dialog"):
            yield Static(t("attention.title"), classes="title")
            if not self.rows and not self.files:
                yield Static(t("attention.none"))
            for index, event in enumerate(self.files):
                reason = t.refusal(event.get("reason") or "other", event.get("params") or {})
                line = t(
                    "attention.file_refused", file=clean(event["file"], limit=80), reason=reason
                )
                yield Static(Text(line), classes="item")
                with Horizontal(classes="buttons"):
                    yield Button(t("attention.ok"), id=f"seen-{index}", compact=True)
            for index, row in enumerate(self.rows):
                result = row.result or {}
                if row.state == "conflict":
                    from alin_tui.ui.views import conflict_lines

                    name = self.names.get(row.key) or t(f"operation.{row.name}")
                    lines = [t("attention.conflict", name=name), *conflict_lines(t, row)]
                    yield Static(Text("\n".join(lines)), classes="item")
                    with Horizontal(classes="buttons"):
                        yield Button(
                            t("attention.keep_mine"),
                            id=f"mine-{index}",
                            variant="primary",
                            compact=True,
                        )
                        yield Button(t("attention.keep_theirs"), id=f"theirs-{index}", compact=True)
                else:
                    yield Static(
                        Text(
                            t(
                                "attention.refused",
                                name=self.names.get(row.key) or t(f"operation.{row.name}"),
                                message=server_words(t, result),
                            )
                        ),
                        classes="item",
                    )
                    with Horizontal(classes="buttons"):
                        yield Button(t("attention.ok"), id=f"ok-{index}", compact=True)
            yield Button(t("attention.close"), id="attention-close", compact=True)

    def on_mount(self) -> None:
        # `Entrée` answers the first item at once (the other dialogs confirm with it too).
        first = next(iter(self.query(Button)), None)
        if first is not None:
            self.set_focus(first)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action, _, index = (event.button.id or "").partition("-")
        if action in ("mine", "theirs", "ok"):
            self.dismiss((action, self.rows[int(index)]))
        elif action == "seen":
            self.dismiss((action, self.files[int(index)]))
        else:
            self.dismiss(None)


class SlotDialog(Dialog[str | None]):
    """One piece of the checklist: what it must be, its state, why it was refused, until when
    it is valid, its id for the drop folder; `a` attaches a file to it, `x` takes back or
    removes it. Returns "attach", "remove" or None; the caller acts on this slot."""

    BINDINGS = [
        Binding("a", "choose('attach')", "keys.attach", id="slot-attach"),
        Binding("x,delete", "choose('remove')", "keys.remove_piece", id="slot-remove"),
    ]

    def __init__(self, t: Translator, detail: dict[str, str], drop_folder: str) -> None:
        super().__init__(t)
        self.detail, self.drop_folder = detail, drop_folder

    def compose(self) -> ComposeResult:
        from rich.table import Table

        t, d = self.t, self.detail
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row(t("pieces.kind"), Text(d["piece"]))
        grid.add_row(t("pieces.person"), Text(d["person"]))
        grid.add_row(t("pieces.state"), Text(d["state"]))
        if d.get("upload"):
            grid.add_row(t("pieces.file"), Text(d["upload"]))
        if d["reason"]:
            grid.add_row(t("pieces.reason"), Text(d["reason"]))
        if d.get("pay_period"):
            grid.add_row(t("pieces.pay_period"), Text(d["pay_period"]))
        if d["valid_until"]:
            grid.add_row(t("pieces.valid_until"), Text(d["valid_until"]))
        if d.get("blocking"):
            grid.add_row(t("pieces.blocking"), Text(d["blocking"]))
        if d.get("source"):
            grid.add_row(t("pieces.source"), Text(d["source"]))
        grid.add_row(t("pieces.slot_id"), Text(d["slot_id"]))
        with VerticalScroll(classes="dialog"):
            yield Static(Text(d["piece"]), classes="title")
            if d.get("what"):
                yield Static(Text(d["what"]), classes="hint")
            yield Static(grid)
            if self.drop_folder:  # none on a kiosk: visitors cannot reach its folder
                yield Static(
                    Text(
                        held_quotes(
                            t(
                                "pieces.how_to_drop",
                                file=d["slot_id"] + ".pdf",
                                folder=self.drop_folder,
                                example=f"{t('kind_example.' + d.get('variant', d['kind']))} "
                                f"{d.get('first_name', '')}".strip()
                                + ".pdf",
                            )
                        )
                    ),
                    classes="hint",
                )
            with Horizontal(classes="buttons"):
                yield Button(t("pieces.attach"), id="attach", variant="primary", compact=True)
                if self._removable():
                    yield Button(t("pieces.remove"), id="remove", compact=True)
                yield Button(t("attention.close"), id="close", compact=True)

    def _removable(self) -> bool:
        d = self.detail
        return bool(d.get("can_take_back")) or (
            not d.get("upload") and d.get("pulled_state") in ("received", "accepted", "expired")
        )

    def on_mount(self) -> None:
        self.query_one("#attach", Button).focus()

    def action_choose(self, what: str) -> None:
        if what == "remove" and not self._removable():
            return
        self.dismiss(what)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in ("attach", "remove") else None)


class SlotPickerDialog(Dialog[str | None]):
    """Which piece is this file? The likely pieces first; `Entrée` chooses. Returns the slot id."""

    DEFAULT_CSS = """
    SlotPickerDialog OptionList { height: auto; max-height: 14; margin-top: 1; }
    """

    def __init__(self, t: Translator, name: str, options: list[tuple[str, str]]) -> None:
        super().__init__(t)
        self.file_name, self.options = name, options

    def compose(self) -> ComposeResult:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        with Vertical(classes="dialog"):
            yield Static(
                Text(self.t("pieces.sort_title", file=clean(self.file_name, limit=60))),
                classes="title",
            )
            yield Static(Text(self.t("pieces.sort_hint")), classes="hint")
            yield OptionList(*(Option(Text(label), id=slot_id) for slot_id, label in self.options))

    def on_mount(self) -> None:
        from textual.widgets import OptionList

        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        self.dismiss(event.option.id)
