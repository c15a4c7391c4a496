"""Read models for the screens: what each tab shows, computed from the local store and the rules.

Pure functions of a connection and a translator; the widgets only lay the result out.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from alin_tui.domain import nur as nur_rules
from alin_tui.domain.documents import KINDS
from alin_tui.domain.stage import RENEWAL_WARNING_DAYS, RENEWAL_WINDOW_DAYS, compute_stage
from alin_tui.store import offers as offer_store
from alin_tui.store import records, sync_state
from alin_tui.sync.status import read_status
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean, date_fr, euros


def store_today(conn: sqlite3.Connection) -> dt.date:
    """The day the rules run on: the server's day as last pulled (the sandbox can move its clock)."""
    for service in ("sne", "alin"):
        today = sync_state.get(conn, service)["server_today"]
        if today:
            return dt.date.fromisoformat(today)
    return dt.date.today()


@dataclass(frozen=True)
class Overview:
    applicant: str
    summary: Table
    stage: str
    can_apply: bool
    apply_reason: str


def overview(conn: sqlite3.Connection, t: Translator) -> Overview:
    today = store_today(conn)
    demand = records.demand(conn)
    link = records.link(conn)
    standing = compute_stage(demand, link, records.slots(conn), today)
    people = dict(records.values(conn, "person"))
    applicant = next((p for p in people.values() if p.get("role") == "applicant"), None)
    name = (
        clean(f"{applicant.get('first_name', '')} {applicant.get('last_name', '')}").strip()
        if applicant
        else t("app.no_applicant")
    )

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(t("demande.stage"), Text(t(f"stage.{standing.stage}"), style="bold"))
    grid.add_row(t("demande.next_step"), Text(t(f"next_step.{standing.next_step}")))
    number = demand.nur if demand else (link.nur if link else None)
    try:
        shown = nur_rules.display(number) if number else t("demande.no_nur")
    except nur_rules.InvalidNur:
        shown = clean(number)
    grid.add_row(t("demande.nur"), Text(shown))
    if demand is not None:
        status = (
            t("demande.radiated", code=clean(demand.radiation_code or "?"))
            if demand.status == "radiated"
            else t("demande.active")
        )
        grid.add_row(t("demande.status"), Text(status))
        grid.add_row(t("demande.first_filed"), Text(date_fr(demand.first_filed_on)))
        if demand.expires_on is not None and demand.status != "radiated":
            days = (demand.expires_on - today).days
            when = (
                t("demande.days_left", days=days)
                if days >= 0
                else t("demande.expired_since", days=-days)
            )
            style = (
                "bold red"
                if days <= RENEWAL_WARNING_DAYS
                else "bold yellow"
                if days <= RENEWAL_WINDOW_DAYS
                else ""
            )
            grid.add_row(
                t("demande.expires"), Text(f"{date_fr(demand.expires_on)} ({when})", style=style)
            )
            if days <= RENEWAL_WINDOW_DAYS:
                grid.add_row(
                    "",
                    Text(t("demande.renewal_risk", date=date_fr(demand.expires_on)), style=style),
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
        dossier = (
            t("demande.complete")
            if standing.complete
            else t("demande.incomplete", count=len(standing.blocking))
        )
        grid.add_row(
            t("demande.dossier"), Text(dossier, style="green" if standing.complete else "yellow")
        )
    can_apply = standing.stage == "ready"
    reason = (
        t("offres.apply_ready")
        if can_apply
        else t("offres.apply_blocked", reason=t(f"stage.{standing.stage}").lower())
    )
    return Overview(name, grid, standing.stage, can_apply, reason)


def documents(conn: sqlite3.Connection, t: Translator) -> list[tuple[Text, ...]]:
    today = store_today(conn)
    people = dict(records.values(conn, "person"))
    order = {pid: i for i, pid in enumerate(people)}
    rows = []
    kind_order = {k: i for i, k in enumerate(KINDS)}
    for slot in sorted(
        records.slots(conn),
        key=lambda s: (order.get(s.person_id, 99), kind_order.get(s.kind, 99), s.slot_id),
    ):
        person = people.get(slot.person_id, {})
        who = clean(f"{person.get('first_name', '?')} ({t('role.' + str(person.get('role')))})")
        blocking = slot.blocking(today)
        state = t(f"doc_state.{slot.state}")
        style = (
            "green"
            if not blocking
            else "red"
            if slot.state in ("rejected", "expired")
            else "yellow"
        )
        rows.append(
            (
                Text(who),
                Text(t(f"kind.{slot.kind}")),
                Text(state, style=style),
                Text(clean(slot.reason or "")),
                Text(date_fr(slot.valid_until) if slot.valid_until else ""),
            )
        )
    return rows


def offer_rows(
    conn: sqlite3.Connection, query: str, limit: int = 200
) -> tuple[list[tuple[str, tuple[Text, ...]]], int]:
    total = offer_store.count(conn, query=query)
    rows = []
    for o in offer_store.page(conn, query=query, limit=limit):
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
                    Text(clean(o["financing"])),
                    Text(date_fr(o["closes_on"])),
                ),
            )
        )
    return rows, total


def application_rows(conn: sqlite3.Connection, t: Translator) -> list[tuple[Text, ...]]:
    rows = []
    for _id, value in records.values(conn, "application"):
        rank = value.get("rank")
        rows.append(
            (
                Text(clean(value.get("offer_id"))),
                Text(t(f"app_status.{value.get('status')}")),
                Text(str(rank) if rank else "—", justify="right"),
                Text(date_fr(value.get("created_at"))),
            )
        )
    return rows


def sync_line(conn: sqlite3.Connection, t: Translator, *, syncing: bool = False) -> str:
    status = read_status(conn)
    if syncing:
        return t("sync.syncing")
    if status.state == "never":
        return t("sync.never")
    if status.state in ("offline", "error"):
        return t(f"sync.{status.state}", error=clean(status.error))
    moment = dt.datetime.fromisoformat(str(status.last_sync_at).replace("Z", "+00:00"))
    return t("sync.synced", time=moment.astimezone().strftime("%H:%M"))
