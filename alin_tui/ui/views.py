"""Read models for the screens: what each tab shows, computed from the local store and the rules.

Pure functions of a connection and a translator; the widgets only lay the result out. Every
server value goes through `clean` and into plain `Text` (never markup).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from alin_tui.domain import applying, eligibility, lifecycle
from alin_tui.domain import nur as nur_rules
from alin_tui.domain.documents import KINDS, effective_state
from alin_tui.domain.entities import Person
from alin_tui.domain.stage import Standing, compute_stage
from alin_tui.store import applicant
from alin_tui.store import offers as offer_store
from alin_tui.store.sync_state import server_today
from alin_tui.sync.status import read_sync
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean, date_fr, euros


@dataclass(frozen=True)
class ScreenModel:
    """Everything the screens need, read once per refresh: the stage from the pulled data, the
    lists with the pending overlay (a queued change shows at once)."""

    today: dt.date
    demand: Any
    link: Any
    slots: list
    persons: list[Person]
    applications: list[dict[str, Any]]  # with the overlay: queued ones are `_pending`
    documents_shown: dict[str, dict[str, Any]]
    standing: Standing
    category: int


def read_screen_model(conn: sqlite3.Connection) -> ScreenModel:
    today = server_today(conn)
    pulled, shown = applicant.load_both(conn)
    demand, link, slots = pulled.demand_rule(), pulled.link_rule(), pulled.slots()
    persons = pulled.person_rules()
    apps = [{"id": aid, **v} for aid, v in shown.applications.items()]
    category = eligibility.household_category(persons, today) if persons else 1
    return ScreenModel(
        today,
        demand,
        link,
        slots,
        persons,
        apps,
        shown.documents,
        compute_stage(demand, link, slots, today),
        category,
    )


def overview(t: Translator, model: ScreenModel) -> tuple[str, Table]:
    """The applicant's name (for the header) and the Ma demande summary."""
    today, demand, link, standing = model.today, model.demand, model.link, model.standing
    applicant = next((p for p in model.persons if p.role == "applicant"), None)
    name = (
        clean(f"{applicant.first_name} {applicant.last_name}").strip()
        if applicant
        else t("app.no_applicant")
    )

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(t("demande.stage"), Text(t(f"stage.{standing.stage}"), style="bold"))
    grid.add_row(t("demande.next_step"), Text(t(f"next_step.{standing.next_step}")))
    if standing.situation is not None:
        grid.add_row(t("situation.label"), Text(t(f"situation.{standing.situation}")))
    number = demand.nur if demand else (link.nur if link else None)
    try:
        shown = nur_rules.display(number) if number else t("demande.no_nur")
    except nur_rules.InvalidNur:
        shown = clean(number)
    grid.add_row(t("demande.nur"), Text(shown))
    if demand is not None:
        radiated = demand.status == "radiated"
        status = (
            t("demande.radiated", code=clean(demand.radiation_code or "?"))
            if radiated
            else t("demande.active")
        )
        grid.add_row(t("demande.status"), Text(status, style="bold red" if radiated else ""))
        grid.add_row(t("demande.first_filed"), Text(date_fr(demand.first_filed_on)))
        if demand.attestation_on is not None:
            grid.add_row(t("demande_extra.attestation"), Text(date_fr(demand.attestation_on)))
        elif demand.first_filed_on is not None and not radiated:
            due = lifecycle.attestation_due_by(demand.first_filed_on)
            grid.add_row(
                t("demande_extra.attestation"),
                Text(t("demande_extra.attestation_due", date=date_fr(due))),
            )
        if demand.expires_on is not None and not radiated:
            grid.add_row(t("demande.expires"), _countdown(t, demand.expires_on, today))
            if lifecycle.renewal_level(demand.expires_on, today) != lifecycle.RenewalLevel.NONE:
                grid.add_row(
                    "",
                    Text(
                        t("demande.renewal_risk", date=date_fr(demand.expires_on)), style="bold red"
                    ),
                )
    if link is not None:
        state = t("demande.linked") if link.state == "linked" else t("demande.unlinked")
        if link.state == "linked":
            state += " · " + (
                t("demande.situation_fresh")
                if link.situation_fresh
                else t("demande.situation_stale")
            )
        grid.add_row(t("demande.link"), Text(state))
    if demand is not None:
        blockers = standing.completeness.blockers
        dossier_text = (
            t("demande.complete") if not blockers else t("demande.incomplete", count=len(blockers))
        )
        grid.add_row(
            t("demande.dossier"), Text(dossier_text, style="green" if not blockers else "yellow")
        )
    return name, grid


def _countdown(t: Translator, expires_on: dt.date, today: dt.date) -> Text:
    left = lifecycle.days_left(expires_on, today)
    level = lifecycle.renewal_level(expires_on, today)
    when = (
        t("demande.days_left", days=left) if left >= 0 else t("demande.expired_since", days=-left)
    )
    style = {
        lifecycle.RenewalLevel.WARNING: "bold red",
        lifecycle.RenewalLevel.OVERDUE: "bold red",
        lifecycle.RenewalLevel.DUE: "bold yellow",
    }.get(level, "")
    return Text(f"{date_fr(expires_on)} ({when})", style=style)


def documents(t: Translator, model: ScreenModel) -> list[tuple[Text, ...]]:
    """The checklist per person, in catalogue order, with effective states and reasons."""
    order = {p.id: i for i, p in enumerate(model.persons)}
    people = {p.id: p for p in model.persons}
    kind_order = {k: i for i, k in enumerate(KINDS)}
    rows = []
    for slot in sorted(
        model.slots,
        key=lambda s: (order.get(s.person_id, 99), kind_order.get(s.kind, 99), s.slot_id),
    ):
        person = people.get(slot.person_id)
        who = (
            clean(f"{person.first_name} ({t('role.' + person.role)})")
            if person
            else clean(slot.person_id)
        )
        state = effective_state(slot.state, slot.valid_until, model.today)
        queued = model.documents_shown.get(slot.slot_id, {}).get("_local_state")
        ok = state in ("received", "accepted") or not slot.required
        style = "green" if ok else "red" if state in ("rejected", "expired") else "yellow"
        label = t(f"kind.{slot.kind}") + ("" if slot.required else f" ({t('pieces.optional')})")
        rows.append(
            (
                Text(who),
                Text(label),
                Text(t("doc_state.queued"), style="italic")
                if queued
                else Text(t(f"doc_state.{state}"), style=style),
                Text(clean(slot.reason or "")),
                Text(date_fr(slot.valid_until) if slot.valid_until else ""),
            )
        )
    return rows


def offer_eligibility(model: ScreenModel, offer: dict[str, Any]) -> eligibility.Eligibility:
    income = model.demand.reference_income_cents if model.demand else None
    return eligibility.assess_offer(
        financing=offer["financing"],
        zone=offer.get("zone"),
        commune=offer.get("commune"),
        household_category_=model.category,
        income_cents=income,
        today=model.today,
    )


def offer_rows(
    conn: sqlite3.Connection, t: Translator, model: ScreenModel, query: str, limit: int = 200
) -> tuple[list[tuple[str, tuple[Text, ...]]], int]:
    total = offer_store.count(conn, query=query)
    rows = []
    for o in offer_store.page(conn, query=query, limit=limit):
        e = offer_eligibility(model, o)
        if e.eligible is None:
            mark = Text(t("eligibility.unknown"), style="dim")
        elif e.eligible:
            mark = Text(t("eligibility.under", financing=e.financing), style="green")
        else:
            mark = Text(t("eligibility.over", financing=e.financing), style="red")
        rows.append(
            (
                o["id"],
                (
                    Text(clean(o["reference"])),
                    Text(clean(f"{o['commune']} ({o['postal_code']})")),
                    Text(clean(o["residence_title"])),
                    Text(clean(o["typology"])),
                    Text(f"{o['surface_m2']:.0f} m²", justify="right"),
                    Text(euros(o["rent_cents"] + o["charges_cents"]), justify="right"),
                    mark,
                    Text(date_fr(o["closes_on"])),
                ),
            )
        )
    return rows, total


def apply_state(
    conn: sqlite3.Connection,
    t: Translator,
    model: ScreenModel,
    offer_id: str | None,
    max_applications: int,
) -> tuple[bool, str]:
    """Whether the apply button is enabled and the sentence under it: every reason, or the
    eligibility figures of the selected offer when it may go."""
    offer = offer_store.get(conn, offer_id) if offer_id else None
    found = applying.refusals(
        offer_id=offer_id or "",
        offer=offer,
        applications=model.applications,
        demand=model.demand,
        link=model.link,
        slots=model.slots,
        today=model.today,
        max_applications=max_applications,
    )
    if offer_id is None:
        found = [r for r in found if r.code != "offer_unknown"]
    if found:
        reasons = "; ".join(_refusal_text(t, r, model) for r in found)
        return False, t("offres.apply_blocked", reason=reasons)
    e = offer_eligibility(model, offer) if offer else None
    detail = _eligibility_text(t, e) if e else ""
    return True, (t("offres.apply_ready") + (" " + detail if detail else ""))


def _refusal_text(t: Translator, refusal: applying.Refusal, model: ScreenModel) -> str:
    if refusal.code == "dossier_incomplete":
        return t("refusal.dossier_incomplete", count=len(refusal.missing))
    if refusal.code == "application_limit":
        count = sum(1 for a in model.applications if a.get("status") in applying.OPEN_STATUSES)
        return t("refusal.application_limit", count=count)
    return t(f"refusal.{refusal.code}")


def _eligibility_text(t: Translator, e: eligibility.Eligibility) -> str:
    if e.income_euros is None:
        return t("eligibility.no_income")
    if e.eligible is None or e.ceiling_euros is None:
        return t("eligibility.detail_unknown", financing=e.financing)
    key = "eligibility.detail_under" if e.eligible else "eligibility.detail_over"
    return t(
        key,
        income=euros(e.income_euros * 100).replace(",00", ""),
        financing=e.financing,
        year=e.year,
        ceiling=euros(e.ceiling_euros * 100).replace(",00", ""),
        category=e.category,
    )


def application_rows(t: Translator, model: ScreenModel) -> list[tuple[str, tuple[Text, ...]]]:
    rows = []
    for value in model.applications:
        rank = value.get("rank")
        status = t(f"app_status.{value.get('status')}")
        if value.get("_pending"):
            status += f" ({t('sync.queued')})"
        rows.append(
            (
                value["id"],
                (
                    Text(clean(value.get("offer_id"))),
                    Text(status, style="italic" if value.get("_pending") else ""),
                    Text(str(rank) if rank else "—", justify="right"),
                    Text(date_fr(value.get("created_at"))),
                ),
            )
        )
    return rows


def sync_line(conn: sqlite3.Connection, t: Translator, *, syncing: bool = False) -> tuple[str, str]:
    """The status line and its kind (ok, busy, warn, error), read from the tables."""
    status = read_sync(conn)
    if status.errors:
        return t("sync.attention", count=len(status.errors)), "error"
    if status.state == "offline" and status.ever_synced:
        return t(
            "sync.offline",
            error=clean(status.last_error or "").rstrip(". "),
            pending=status.pending,
            next=_hhmm(status.next_try_at),
        ), "warn"
    if status.state == "error":
        return t(
            "sync.stalled",
            error=clean(status.last_error or "").rstrip(". "),
            next=_hhmm(status.next_try_at),
        ), "error"
    if syncing or status.pending:
        line = t("sync.syncing", pending=status.pending)
        if status.upload_percent is not None:
            line += " " + t("sync.upload", percent=status.upload_percent)
        return line, "busy"
    if not status.ever_synced:
        return t("sync.never"), "warn"
    return t("sync.synced", time=_hhmm(status.last_sync_at)), "ok"


def _hhmm(stamp: str | None) -> str:
    if not stamp:
        return "—"
    moment = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%H:%M")
