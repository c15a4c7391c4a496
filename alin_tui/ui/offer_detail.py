"""An offer in full: every field, the rent with charges, the ceiling figures, the days left, and
« Candidater » with its reasons. The screen is bound to the offer it was opened on: whatever a
sync changes behind it, `a` applies to this offer and no other."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from alin_tui.ui import views
from alin_tui.ui.dialogs import Dialog
from alin_tui.ui.i18n import Translator


class OfferScreen(Dialog[tuple[str, str] | None]):
    """Returns ("apply", offer_id), ("withdraw", application_id) or None."""

    DEFAULT_CSS = """
    OfferScreen > .dialog { width: 100; height: auto; max-height: 100%; }
    OfferScreen #offer-apply-state { margin-top: 1; height: auto; }
    OfferScreen #offer-apply-state.-blocked { color: $warning; }
    """
    BINDINGS = [
        Binding("a", "apply", "keys.apply", id="offer-apply"),
        Binding("ctrl+w", "withdraw", "keys.withdraw", id="offer-withdraw"),
    ]

    def __init__(
        self,
        t: Translator,
        offer: dict[str, Any],
        model: views.ScreenModel,
        can_apply: tuple[bool, str],
    ) -> None:
        super().__init__(t)
        self.offer_id: str = offer["id"]  # fixed at opening: what the actions apply to
        self.offer, self.model, self.can_apply = offer, model, can_apply
        self.application = next(
            (
                a
                for a in model.applications
                if a.get("offer_id") == self.offer_id and a.get("status") != "withdrawn"
            ),
            None,
        )

    def compose(self) -> ComposeResult:
        t = self.t
        enabled, sentence = self.can_apply
        with VerticalScroll(classes="dialog"):
            yield Static(Text(views.offer_title(t, self.offer)), classes="title")
            yield Static(views.grid(views.offer_detail(t, self.model, self.offer), 24))
            if self.application is not None:
                status = views.application_status(t, self.application)
                rank = self.application.get("rank")
                line = t("offres.applied", status=status)
                if rank:
                    line += " " + t("offres.applied_rank", rank=rank)
                yield Static(Text(line, style="bold"), id="offer-application")
            else:
                state = Static(Text(sentence), id="offer-apply-state")
                state.set_class(not enabled, "-blocked")
                yield state
            with Horizontal(classes="buttons"):
                if self.application is not None and self.application.get("status") in (
                    "submitted",
                    "transmitted",
                    "examined",
                ):
                    yield Button(
                        t("keys.withdraw"), id="offer-withdraw", variant="warning", compact=True
                    )
                elif self.application is None:
                    yield Button(
                        t("offres.apply"),
                        id="offer-apply",
                        variant="primary",
                        disabled=not enabled,
                        compact=True,
                    )
                yield Button(t("attention.close"), id="offer-close", compact=True)

    def on_mount(self) -> None:
        for button in self.query(Button):
            if not button.disabled:
                # The offer is read from its title down: focusing the button at the bottom must
                # not scroll the title out of a small screen.
                button.focus(scroll_visible=False)
                break

    def action_apply(self) -> None:
        button = self.query("#offer-apply")
        if button and not button.first().disabled:
            self.dismiss(("apply", self.offer_id))
        elif self.application is None:
            self.notify(self.can_apply[1], severity="warning")

    def action_withdraw(self) -> None:
        if self.query("#offer-withdraw") and self.application is not None:
            self.dismiss(("withdraw", self.application["id"]))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "offer-apply":
            self.action_apply()
        elif event.button.id == "offer-withdraw":
            self.action_withdraw()
        else:
            self.dismiss(None)
