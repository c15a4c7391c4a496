"""Modal screens: edit the contact details sent to the national file, and deal with what needs
attention (a refusal to acknowledge, a conflict to settle by choosing between two values)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean

CONTACT_FIELDS = ("email", "phone", "address")


class ContactScreen(ModalScreen[dict[str, str] | None]):
    """Email, phone and address of the demand; returns the changed fields (or None)."""

    DEFAULT_CSS = """
    ContactScreen { align: center middle; }
    ContactScreen > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%; padding: 0 1;
        border: round $primary; background: $surface;
    }
    ContactScreen Input { margin-bottom: 1; }
    ContactScreen Horizontal { height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="contact-cancel")]

    def __init__(self, t: Translator, values: dict[str, Any]) -> None:
        super().__init__()
        self.t = t
        self.values = {k: clean(values.get(k) or "") for k in CONTACT_FIELDS}

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical():
            yield Static(t("contact.title"), classes="title")
            yield Static(t("contact.explain"))
            for key in CONTACT_FIELDS:
                yield Label(t(f"contact.{key}"))
                yield Input(self.values[key], id=f"contact-{key}", max_length=300)
            with Horizontal():
                yield Button(t("contact.save"), id="contact-save", variant="primary")
                yield Button(t("contact.cancel"), id="contact-cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "contact-save":
            changed = {}
            for key in CONTACT_FIELDS:
                value = self.query_one(f"#contact-{key}", Input).value.strip()
                if value != self.values[key]:
                    changed[key] = value
            self.dismiss(changed or None)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AttentionScreen(ModalScreen[tuple[str, Any] | None]):
    """The refusals and conflicts still open. A refusal is acknowledged; a conflict is settled
    by choosing the user's values or the national file's. Returns (action, row) or None."""

    DEFAULT_CSS = """
    AttentionScreen { align: center middle; }
    AttentionScreen > VerticalScroll {
        width: 90; max-width: 100%; height: 80%; padding: 1 2;
        border: round $warning; background: $surface;
    }
    AttentionScreen .item { margin-bottom: 1; }
    AttentionScreen Horizontal { height: auto; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape", "close", "Fermer", id="attention-close")]

    def __init__(self, t: Translator, rows: list[Any]) -> None:
        super().__init__()
        self.t = t
        self.rows = rows

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll():
            yield Static(t("attention.title"), classes="title")
            if not self.rows:
                yield Static(t("attention.none"))
            for index, row in enumerate(self.rows):
                result = row.result or {}
                if row.state == "conflict":
                    mine = row.args.get("fields", {})
                    server = result.get("server_value") or {}
                    lines = [t("attention.conflict", name=t(f"operation.{row.name}"))]
                    for key, value in mine.items():
                        lines.append(
                            t(
                                "attention.both",
                                field=t(f"contact.{key}"),
                                mine=clean(value),
                                theirs=clean(server.get(key)),
                            )
                        )
                    yield Static("\n".join(lines), classes="item")
                    with Horizontal():
                        yield Button(
                            t("attention.keep_mine"), id=f"mine-{index}", variant="primary"
                        )
                        yield Button(t("attention.keep_theirs"), id=f"theirs-{index}")
                else:
                    yield Static(
                        t(
                            "attention.refused",
                            name=t(f"operation.{row.name}"),
                            code=clean(result.get("code")),
                            message=clean(result.get("message")),
                        ),
                        classes="item",
                    )
                    with Horizontal():
                        yield Button(t("attention.ok"), id=f"ok-{index}")
            yield Button(t("attention.close"), id="attention-close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action, _, index = (event.button.id or "").partition("-")
        if action in ("mine", "theirs", "ok"):
            self.dismiss((action, self.rows[int(index)]))
        else:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class LinkScreen(ModalScreen[str | None]):
    """Type the unique number (NUR/NUD) to link the demand on AL-in; checked as typed."""

    DEFAULT_CSS = """
    LinkScreen { align: center middle; }
    LinkScreen > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%; padding: 0 1;
        border: round $primary; background: $surface;
    }
    LinkScreen #link-feedback { height: auto; min-height: 2; }
    LinkScreen #link-feedback.-error { color: $error; }
    LinkScreen Horizontal { height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="link-cancel")]

    def __init__(self, t: Translator, today) -> None:
        super().__init__()
        self.t = t
        self.today = today

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical():
            yield Static(t("link.title"), classes="title")
            yield Static(t("link.explain"))
            yield Input(placeholder="111 1023 517879 GDPUB", id="link-nur", max_length=40)
            yield Static(id="link-feedback")
            with Horizontal():
                yield Button(t("link.save"), id="link-save", variant="primary", disabled=True)
                yield Button(t("contact.cancel"), id="link-cancel")

    def on_input_changed(self, event: Input.Changed) -> None:
        from alin_tui.domain import nur

        feedback = self.query_one("#link-feedback", Static)
        save = self.query_one("#link-save", Button)
        try:
            number = nur.normalize(event.value)
        except nur.InvalidNur as exc:
            feedback.update(str(exc) if event.value.strip() else "")
            feedback.set_class(bool(event.value.strip()), "-error")
            save.disabled = True
            return
        warnings = nur.warnings(number, self.today)
        feedback.update(nur.display(number) + ("\n" + " ".join(warnings) if warnings else ""))
        feedback.set_class(False, "-error")
        save.disabled = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "link-save":
            self.dismiss(self.query_one("#link-nur", Input).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
