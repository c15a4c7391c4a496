"""The Offres filters: place, type, maximum rent, minimum surface, closing soon, under the
ceiling only, in the demand's territory only, and the sort. Returns the chosen query with the
two "only" switches (or None when cancelled)."""

from __future__ import annotations

import dataclasses
import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from alin_tui.domain.offer_query import SORTS, OfferQuery
from alin_tui.ui.dialogs import Dialog
from alin_tui.ui.i18n import Translator

TYPOLOGIES = ("studio", "T1", "T2", "T3", "T4", "T5", "T6")
CLOSING = (7, 14, 30)


class FiltersDialog(Dialog[tuple[OfferQuery, bool, bool] | None]):
    DEFAULT_CSS = """
    FiltersDialog Select { margin-bottom: 1; }
    FiltersDialog Horizontal.pair > Label { padding-right: 2; }
    FiltersDialog Horizontal.pair > * { margin-right: 2; }
    FiltersDialog #filters-error { color: $error; height: auto; }
    FiltersDialog Horizontal.pair { height: auto; }
    FiltersDialog Horizontal.pair > * { width: 1fr; }
    """

    def __init__(
        self,
        t: Translator,
        chosen: OfferQuery,
        eligible_only: bool,
        communes: list[str],
        *,
        territory_only: bool = False,
    ) -> None:
        super().__init__(t)
        self.chosen, self.eligible_only, self.communes = chosen, eligible_only, communes
        self.territory_only = territory_only

    def compose(self) -> ComposeResult:
        t, q = self.t, self.chosen
        with VerticalScroll(classes="dialog"):
            yield Static(t("filters.title"), classes="title")
            yield Label(t("filters.place"))
            yield Input(
                q.place or "",
                id="filter-place",
                max_length=80,
                suggester=SuggestFromList(self.communes, case_sensitive=False),
                compact=True,
            )
            with Horizontal(classes="pair"):
                yield Select(
                    [(t("filters.any_type"), "")] + [(x, x) for x in TYPOLOGIES],
                    value=q.typology or "",
                    allow_blank=False,
                    compact=True,
                    id="filter-typology",
                )
                yield Select(
                    [(t("filters.any_closing"), 0)]
                    + [(t("filters.closing_in", days=d), d) for d in CLOSING],
                    value=q.closing_within_days or 0,
                    allow_blank=False,
                    compact=True,
                    id="filter-closing",
                )
            with Horizontal(classes="pair"):
                yield Label(t("filters.max_rent"))
                yield Label(t("filters.min_surface"))
            with Horizontal(classes="pair"):
                yield Input(
                    "" if q.max_rent_cents is None else str(q.max_rent_cents // 100),
                    id="filter-rent",
                    max_length=12,
                    compact=True,
                )
                yield Input(
                    "" if q.min_surface_m2 is None else f"{q.min_surface_m2:.0f}",
                    id="filter-surface",
                    max_length=10,
                    compact=True,
                )
            yield Select(
                [(t("filters.sort", sort=t(f"sort.{s}")), s) for s in SORTS],
                value=q.sort,
                allow_blank=False,
                compact=True,
                id="filter-sort",
            )
            yield Checkbox(t("filters.eligible_only"), self.eligible_only, id="filter-eligible")
            yield Checkbox(t("filters.territory_only"), self.territory_only, id="filter-territory")
            yield Static(id="filters-error")
            with Horizontal(classes="buttons"):
                yield Button(
                    t("filters.apply"), id="filters-apply", variant="primary", compact=True
                )
                yield Button(t("filters.reset"), id="filters-reset", compact=True)
                yield Button(t("dialog.cancel"), id="filters-cancel", compact=True)

    def on_input_submitted(self) -> None:
        self._apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "filters-apply":
            self._apply()
        elif event.button.id == "filters-reset":
            self.dismiss((OfferQuery(), False, False))
        else:
            self.dismiss(None)

    def _apply(self) -> None:
        lang = self.t.lang
        rent = _amount(self.query_one("#filter-rent", Input).value, ("€", "eur", "euros"), lang)
        surface = _amount(self.query_one("#filter-surface", Input).value, ("m²", "m2", "m"), lang)
        wrong = [
            (key, field)
            for key, field, value in (
                ("filters.bad_rent", "#filter-rent", rent),
                ("filters.bad_surface", "#filter-surface", surface),
            )
            if value is False
        ]
        if wrong:  # said, and the field to correct focused: never a silent change of value
            self.query_one("#filters-error", Static).update(
                Text(" ".join(self.t(key) for key, _ in wrong))
            )
            self.query_one(wrong[0][1], Input).focus()
            return
        rent_cents = None if rent is None else round(rent * 100)
        min_surface = surface
        closing = self.query_one("#filter-closing", Select).value
        query = dataclasses.replace(
            self.chosen,
            place=self.query_one("#filter-place", Input).value.strip() or None,
            typology=self.query_one("#filter-typology", Select).value or None,
            max_rent_cents=rent_cents,
            min_surface_m2=min_surface,
            closing_within_days=int(closing) or None,
            sort=self.query_one("#filter-sort", Select).value,
        )
        self.dismiss(
            (
                query,
                self.query_one("#filter-eligible", Checkbox).value,
                self.query_one("#filter-territory", Checkbox).value,
            )
        )


def _amount(text: str, units: tuple[str, ...], lang: str = "fr") -> float | None | bool:
    """A number typed as people write it in their language (« 650 », « 1 200 € »,
    « 45,5 m² »; « €1,200 », « 45.5 » in English); None when empty; False when it is not
    one."""
    value = text.strip().lower().replace("\u00a0", " ").replace("\u202f", " ")
    value = value.removeprefix("€").strip()
    for unit in units:
        value = value.removesuffix(unit).strip()
    value = value.replace(" ", "")
    # The decimal mark: a comma in French; in English a comma groups thousands.
    value = value.replace(",", "") if lang == "en" else value.replace(",", ".")
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,7}(\.[0-9]{1,2})?", value):
        return False
    return float(value)
