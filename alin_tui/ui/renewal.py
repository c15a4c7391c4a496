"""Renewing the demand, step by step (DOMAIN.md: « it is not one key press »).

The applicant checks, one screen each, the household, the income, the contact details and the
identity document on file, then reads what the renewal does (the new expiry, and the days of
validity given up by renewing early) before it is queued. A household or an income that changed
is declared on the national file first: the walkthrough says so and stops, nothing queued. So
does an identity document that is missing, refused or out of date.

`Entrée` takes the highlighted choice, `Échap` goes back a step (and cancels from the first).
The screen returns True only when the user chose to renew on the last step; the caller queues
the renewal (`store/actions.renew`), and the contact details through its own callback, so no
state changes here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from alin_tui.domain import lifecycle
from alin_tui.domain.entities import Person
from alin_tui.ui import views
from alin_tui.ui.dialogs import Dialog
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean

STEPS = ("household", "income", "situation", "identity", "summary")
OK_STATES = ("received", "accepted")


@dataclass(frozen=True)
class Choice:
    """One button of a page: its label, and where it leads (a page, or the end)."""

    label: str
    to: str  # a page name, or one of CLOSE, RENEW, EDIT_CONTACT
    primary: bool = False


CLOSE, RENEW, EDIT_CONTACT = "close", "renew", "edit_contact"


class RenewalWizard(Dialog[bool]):
    """Household, income, contact details, identity document, then what the renewal does."""

    DEFAULT_CSS = """
    RenewalWizard > .dialog { width: 84; }
    RenewalWizard .page { height: auto; }
    RenewalWizard .page > Static { height: auto; margin-top: 1; }
    RenewalWizard .page > .title { margin-top: 0; }
    RenewalWizard .page > .-stop { color: $warning; }
    RenewalWizard .page > .-lost { text-style: bold; color: $warning; }
    RenewalWizard .page > .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter", "choose", "keys.confirm", id="renewal-choose", priority=True),
    ]

    def __init__(
        self,
        t: Translator,
        model: views.ScreenModel,
        conn: sqlite3.Connection,
        *,
        window_days: int,
        edit_contact: Callable[[dict[str, str], int], None],
    ) -> None:
        super().__init__(t)
        self.model, self.conn, self.window_days = model, conn, window_days
        self.edit_contact = edit_contact  # queues `demand.update` for the caller
        self.page = "household"
        self._buttons: dict[str, tuple[str, Choice]] = {}  # button id → (page, choice)
        self._pages: dict[str, list[Choice]] = {}

    # --- content --------------------------------------------------------------------------

    def _title(self, page: str) -> str:
        t = self.t
        if page in STEPS:
            return t(
                "renewal.title",
                step=STEPS.index(page) + 1,
                steps=len(STEPS),
                what=t(f"renewal.step.{page}"),
            )
        return t("renewal.title_stop")

    def _person_line(self, person: Person) -> str:
        t = self.t
        role = t(f"role.{person.role}")
        if role == f"role.{person.role}":
            role = t("role.other")
        age = person.age(self.model.today)
        if age is None:
            words = t("renewal.age_unknown")
        elif age < 1:
            words = t("renewal.age_baby")
        elif age == 1:
            words = t("renewal.age_one")
        else:
            words = t("renewal.age", years=age)
        name = clean(person.first_name, limit=60).strip() or t("renewal.no_name")
        return t("renewal.person", name=name, role=role, age=words)

    def _household(self) -> list[Static]:
        t, demand = self.t, self.model.demand
        out = []
        if demand is not None and demand.expires_on is not None:
            left = lifecycle.days_left(demand.expires_on, self.model.today)
            out.append(
                Static(
                    Text(
                        t(
                            "renewal.intro",
                            window=self.window_days,
                            date=t.date(demand.expires_on),
                            left=t("demande.days_left", days=left)
                            if left > 0
                            else t("renewal.today"),
                        )
                    )
                )
            )
        persons = sorted(
            self.model.persons,
            key=lambda p: ({"applicant": 0, "spouse": 1}.get(p.role, 2), p.id),
        )
        lines = [t("renewal.household_list")]
        lines += [f"  • {self._person_line(p)}" for p in persons] or [t("renewal.no_person")]
        out.append(Static(Text("\n".join(lines))))
        out.append(Static(Text(t("renewal.household_question"))))
        return out

    def _income(self) -> list[Static]:
        t, demand = self.t, self.model.demand
        cents = demand.reference_income_cents if demand is not None else None
        year = self.model.today.year - 2
        line = (
            t("renewal.income_on_file", year=year, amount=t.money_whole(cents))
            if cents is not None
            else t("renewal.income_none", year=year)
        )
        lines = [line]
        dropped = getattr(demand, "income_n1_cents", None)  # declared after a drop of 10 % or more
        if dropped is not None:
            lines.append(t("renewal.income_dropped", year=year + 1, amount=t.money_whole(dropped)))
        return [
            Static(Text("\n".join(lines))),
            Static(Text(t("renewal.income_question"))),
        ]

    def _contact_text(self) -> Text:
        from alin_tui.store import applicant

        t = self.t
        shown = applicant.load(self.conn).demand or {}  # a change still queued shows at once
        lines = [
            t(
                "renewal.contact_line",
                field=t(f"contact.{key}"),
                value=clean(shown.get(key), limit=300),
            )
            if clean(shown.get(key)).strip()
            else t("renewal.contact_missing", field=t(f"contact.{key}"))
            for key in ("address", "phone", "email")
        ]
        return Text("\n".join(lines))

    def _situation(self) -> list[Static]:
        t = self.t
        return [
            Static(self._contact_text(), id="renewal-contact"),
            Static(Text(t("renewal.situation_question"))),
        ]

    def identity(self) -> tuple[bool, str]:
        """Whether the applicant's identity document lets the renewal go, and the sentence."""
        t, model = self.t, self.model
        applicant = next((p for p in model.persons if p.role == "applicant"), None)
        name = (clean(applicant.first_name, limit=60).strip() if applicant else "") or t(
            "role.applicant"
        )
        slot = next(
            (
                s
                for s in model.slots
                if s.kind == "identity" and applicant is not None and s.person_id == applicant.id
            ),
            None,
        )
        if slot is None:
            return False, t("renewal.identity_blocked", name=name, state=t("doc_state.missing"))
        row = next(r for r in views.document_rows(t, model) if r.key == slot.slot_id)
        state = row.state.plain
        if slot.slot_id in model.uploads or model.documents_shown.get(slot.slot_id, {}).get(
            "_local_state"
        ):
            return False, t("renewal.identity_on_its_way", name=name, state=state)
        if row.detail["pulled_state"] not in OK_STATES:
            return False, t("renewal.identity_blocked", name=name, state=state)
        if row.detail["valid_until"]:
            return True, t(
                "renewal.identity_ok", name=name, state=state, date=row.detail["valid_until"]
            )
        return True, t("renewal.identity_ok_undated", name=name, state=state)

    def _summary(self) -> list[Static]:
        t, model = self.t, self.model
        today = model.today
        renewal = lifecycle.renew(today)
        out = [
            Static(Text(t("renewal.summary", date=t.date(renewal.expires_on))), id="renewal-key")
        ]
        expires_on = model.demand.expires_on if model.demand is not None else None
        if expires_on is not None:
            early = lifecycle.days_left(expires_on, today)
            if early > 0:
                key = "renewal.lost_one" if early == 1 else "renewal.lost"
                out.append(
                    Static(
                        Text(t(key, days=early, expiry=t.date(expires_on))),
                        classes="-lost",
                        id="renewal-lost",
                    )
                )
            elif early == 0:
                out.append(Static(Text(t("renewal.last_day")), classes="-lost"))
        out.append(Static(Text(t("renewal.summary_keeps"))))
        return out

    def _stop(self, key: str, **params) -> list[Static]:
        return [Static(Text(self.t(key, **params)), classes="-stop")]

    def _build(self) -> dict[str, tuple[list[Static], list[Choice]]]:
        t = self.t
        year = self.model.today.year
        identity_ok, identity_line = self.identity()
        back = t("renewal.back")
        return {
            "household": (
                self._household(),
                [
                    Choice(t("renewal.household_same"), "income", primary=True),
                    Choice(t("renewal.household_changed"), "household_changed"),
                    Choice(t("dialog.cancel"), CLOSE),
                ],
            ),
            "household_changed": (
                self._stop("renewal.household_explain"),
                [Choice(t("renewal.close"), CLOSE, primary=True), Choice(back, "household")],
            ),
            "income": (
                self._income(),
                [
                    Choice(t("renewal.income_same"), "situation", primary=True),
                    Choice(t("renewal.income_changed"), "income_changed"),
                    Choice(back, "household"),
                ],
            ),
            "income_changed": (
                self._stop("renewal.income_explain", last=year - 1, reference=year - 2),
                [Choice(t("renewal.close"), CLOSE, primary=True), Choice(back, "income")],
            ),
            "situation": (
                self._situation(),
                [
                    Choice(t("renewal.situation_same"), "identity", primary=True),
                    Choice(t("renewal.situation_edit"), EDIT_CONTACT),
                    Choice(back, "income"),
                ],
            ),
            "identity": (
                [Static(Text(identity_line), classes="" if identity_ok else "-stop")]
                + ([Static(Text(t("renewal.identity_question")))] if identity_ok else []),
                [
                    Choice(t("renewal.identity_same"), "summary", primary=True)
                    if identity_ok
                    else Choice(t("renewal.close"), CLOSE, primary=True),
                    Choice(back, "situation"),
                ],
            ),
            "summary": (
                self._summary(),
                [Choice(t("keys.renew"), RENEW, primary=True), Choice(back, "identity")],
            ),
        }

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            for page, (body, choices) in self._build().items():
                self._pages[page] = choices
                with Vertical(id=f"renewal-{page}", classes="page"):
                    yield Static(Text(self._title(page)), classes="title")
                    yield from body
                    yield Static(Text(self.t("renewal.keys")), classes="hint")
                    with Horizontal(classes="buttons"):
                        for index, choice in enumerate(choices):
                            button_id = f"renewal-{page}-{index}"
                            self._buttons[button_id] = (page, choice)
                            yield Button(
                                choice.label,
                                id=button_id,
                                variant="primary" if choice.primary else "default",
                                compact=True,
                            )

    def on_mount(self) -> None:
        self.show_page("household")

    # --- moving between pages -------------------------------------------------------------

    def show_page(self, page: str) -> None:
        """Show one page, the others hidden, the focus on its first choice: the next key
        belongs to it."""
        self.page = page
        for name in self._pages:
            self.query_one(f"#renewal-{name}").display = name == page
        self.query_one(VerticalScroll).scroll_home(animate=False)
        self.set_focus(self.query_one(f"#renewal-{page}-0", Button), scroll_visible=False)

    def go(self, choice: Choice) -> None:
        if choice.to == CLOSE:
            self.dismiss(False)
        elif choice.to == RENEW:
            self.dismiss(True)
        elif choice.to == EDIT_CONTACT:
            self.open_contact()
        else:
            self.show_page(choice.to)

    def action_choose(self) -> None:
        """`Entrée`: the focused choice of the page shown, else its first one."""
        focused = self.focused
        found = self._buttons.get(focused.id or "") if isinstance(focused, Button) else None
        if found is None or found[0] != self.page:
            found = (self.page, self._pages[self.page][0])
        self.go(found[1])

    def action_cancel(self) -> None:
        """`Échap`: one step back; from the first step, cancel (nothing queued)."""
        self.go(self._pages[self.page][-1])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        found = self._buttons.get(event.button.id or "")
        if found is not None and found[0] == self.page:
            self.go(found[1])

    # --- contact details -----------------------------------------------------------------

    def open_contact(self) -> None:
        """The contact dialog over this one; a change is queued by the caller, and this step
        then shows the new values, to confirm."""
        from alin_tui.store import applicant
        from alin_tui.ui.dialogs import ContactDialog

        pulled, shown = applicant.load_both(self.conn)
        if pulled.demand is None:
            self.notify(self.t("contact.no_demand"), severity="warning")
            return
        base_version = int(pulled.demand.get("version") or 0)

        def done(changed: dict[str, str] | None) -> None:
            if changed:
                self.edit_contact(changed, base_version)
            self.query_one("#renewal-contact", Static).update(self._contact_text())
            self.show_page("situation")

        self.app.push_screen(ContactDialog(self.t, shown.demand or {}), done)
