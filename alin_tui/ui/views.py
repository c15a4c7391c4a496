"""Read models for the screens: what each tab shows, computed from the local store and the rules.

Pure functions of a connection and a translator; the widgets only lay the result out. Every
server value goes through `clean` and into plain `Text` (never markup). Rows carry their key
(slot id, application id, offer id) so that a refresh updates them in place.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table
from rich.text import Text

from alin_tui.domain import applying, eligibility, lifecycle, seniority, territory
from alin_tui.domain import nur as nur_rules
from alin_tui.domain.documents import KINDS, effective_state
from alin_tui.domain.entities import Person
from alin_tui.domain.stage import Standing, compute_stage, lifecycle_state
from alin_tui.store import applicant
from alin_tui.store import offers as offer_store
from alin_tui.store import saved as saved_searches
from alin_tui.store.sync_state import server_today
from alin_tui.sync.status import read_sync
from alin_tui.ui.i18n import Translator
from alin_tui.ui.text import clean

FINANCINGS = ("PLAI", "PLUS", "PLS")
ZONES = ("paris", "idf", "other")


@dataclass(frozen=True)
class ScreenModel:
    """Everything the screens need, read once per refresh: the stage from the pulled data, the
    lists with the optimistic rows of queued changes (a queued change shows at once)."""

    today: dt.date
    demand: Any
    link: Any
    slots: list
    persons: list[Person]
    applications: list[dict[str, Any]]  # shown values; queued ones carry `_pending`
    documents_shown: dict[str, dict[str, Any]]
    standing: Standing
    category: int
    offers_of_applications: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    uploads: dict[str, UploadView] = field(default_factory=dict)  # by slot: the one on its way
    renewal_window: int = lifecycle.RENEWAL_WINDOW_DAYS  # the user's setting


@dataclass(frozen=True)
class UploadView:
    """A document on its way to the national file: queued, being sent, or sent and waiting for
    its attachment to be answered."""

    local_id: str
    slot_id: str
    name: str
    sent: int
    total: int
    state: str  # queued, uploading, uploaded
    rate: float | None
    can_take_back: bool  # its attachment has not left: taking it back sends nothing


def live_uploads(conn: sqlite3.Connection) -> dict[str, UploadView]:
    """The latest upload on its way for each slot."""
    from alin_tui.store import outbox

    sent_refs = {
        local_id
        for row in outbox.pending(conn, "sne")
        if row.mutation_id is not None
        for _, kind, local_id in outbox.refs(row.args)
        if kind == "upload"
    }
    found: dict[str, UploadView] = {}
    for local_id, slot_id, name, offset, length, state, rate in conn.execute(
        "SELECT local_id, slot_id, coalesce(shown_name, filename), offset, length, state, rate "
        "FROM uploads WHERE state IN ('queued', 'uploading', 'uploaded') ORDER BY created_at"
    ):
        found[slot_id] = UploadView(
            local_id,
            slot_id,
            clean(name, limit=120),
            int(offset or 0),
            int(length or 0),
            state,
            rate,
            local_id not in sent_refs,
        )
    return found


def read_screen_model(
    conn: sqlite3.Connection, renewal_window: int = lifecycle.RENEWAL_WINDOW_DAYS
) -> ScreenModel:
    today = server_today(conn)
    pulled, shown = applicant.load_both(conn)
    demand, link, slots = pulled.demand_rule(), pulled.link_rule(), pulled.slots()
    persons = pulled.person_rules()
    apps = [{"id": aid, **v} for aid, v in shown.applications.items()]
    apps.sort(key=lambda a: (str(a.get("created_at") or "~"), a["id"]), reverse=True)
    category = eligibility.household_category(persons, today) if persons else 1
    offers = {
        a["offer_id"]: offer_store.get(conn, a["offer_id"]) for a in apps if a.get("offer_id")
    }
    return ScreenModel(
        today,
        demand,
        link,
        slots,
        persons,
        apps,
        shown.documents,
        compute_stage(demand, link, slots, today, renewal_window),
        category,
        offers,
        live_uploads(conn),
        renewal_window,
    )


# --- Ma demande ----------------------------------------------------------------------------


def applicant_name(t: Translator, model: ScreenModel) -> str:
    person = next((p for p in model.persons if p.role == "applicant"), None)
    if person is None:  # no household on the national file: say what there is instead
        if model.standing.lifecycle in ("draft", "number_without_account"):
            return t(f"stage.{model.standing.stage}")
        return t("app.no_applicant")
    return clean(f"{person.first_name} {person.last_name}").strip()


def grid(rows: list[tuple[str, Text]], label_width: int = 28) -> Table:
    """Label and value, two columns; long values wrap at word boundaries."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, max_width=label_width)
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(label, value)
    return table


class _Rows(list):
    def add_row(self, label: str, value: Text) -> None:
        self.append((label, value))


def overview(t: Translator, model: ScreenModel) -> list[tuple[str, Text]]:
    """The Ma demande summary: stage, next step, number, link, renewal, dossier."""
    today, demand, link, standing = model.today, model.demand, model.link, model.standing
    grid = _Rows()
    grid.add_row(t("demande.stage"), Text(t(f"stage.{standing.stage}"), style="bold"))
    grid.add_row(t("demande.next_step"), Text(t(f"next_step.{standing.next_step}")))
    if demand is not None and demand.status == "radiated":
        return radiated_overview(t, model, grid)
    due = (
        demand is not None
        and demand.expires_on is not None
        and lifecycle.renewal_level(demand.expires_on, today, model.renewal_window)
        != lifecycle.RenewalLevel.NONE
    )
    if due:  # the risk of losing the number comes first, where a small screen shows it
        _renewal_rows(t, grid, demand.expires_on, today, model.renewal_window)
    if standing.situation is not None:
        grid.add_row(t("situation.label"), Text(t(f"situation.{standing.situation}")))
    elif demand is not None:  # on the national file, not (yet) imported into AL-in
        grid.add_row(t("situation.label"), Text(t("situation.unlinked")))
    number = demand.nur if demand else (link.nur if link else None)
    try:
        shown = nur_rules.display(number) if number else t("demande.no_nur")
    except nur_rules.InvalidNur:
        shown = clean(number)
    grid.add_row(t("demande.nur"), Text(shown))
    grid.add_row(t("demande.status"), Text(t(f"lifecycle.{standing.lifecycle}")))
    if demand is not None:
        radiated = demand.status == "radiated"
        if demand.first_filed_on is not None:
            grid.add_row(t("demande.first_filed"), seniority_text(t, model))
            delay = delay_text(t, model)
            if delay is not None:
                grid.add_row(t("seniority.label"), delay)
            elif demand.status != "radiated":  # said, not silently left out
                grid.add_row(t("seniority.label"), Text(t("seniority.unknown"), style="dim"))
        if demand.attestation_on is not None:
            grid.add_row(t("demande_extra.attestation"), Text(t.date(demand.attestation_on)))
        elif demand.first_filed_on is not None and not radiated:
            due = lifecycle.attestation_due_by(demand.first_filed_on)
            grid.add_row(
                t("demande_extra.attestation"),
                Text(t("demande_extra.attestation_due", date=t.date(due))),
            )
        if demand.expires_on is not None and not radiated and not due:
            grid.add_row(
                t("demande.expires"),
                _countdown(t, demand.expires_on, today, model.renewal_window),
            )
    if demand is not None and demand.couple_status in _COUPLE_WORDS:
        grid.add_row(t("couple.label"), Text(t(_COUPLE_WORDS[demand.couple_status])))
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
            t("demande.complete") if not blockers else t.count("demande.incomplete", len(blockers))
        )
        grid.add_row(
            t("demande.dossier"), Text(dossier_text, style="green" if not blockers else "yellow")
        )
    open_apps = [a for a in model.applications if a.get("status") in applying.OPEN_STATUSES]
    grid.add_row(t("tabs.candidatures"), Text(t("demande.applications", count=len(open_apps))))
    return list(grid)


RADIATION_CODES = ("RADATT", "RADABA", "RADCON", "RADIRR", "RADREN")


def seniority_of(model: ScreenModel) -> seniority.Seniority | None:
    demand = model.demand
    if demand is None or demand.first_filed_on is None or demand.status == "radiated":
        return None
    department = seniority.department_of_demand(demand.nur, demand.wished_communes)
    return seniority.seniority(demand.first_filed_on, model.today, department or "")


def seniority_text(t: Translator, model: ScreenModel) -> Text:
    """« 15 juin 2026 (depuis 5 mois) »: the date seniority counts from, and in months."""
    demand = model.demand
    assert demand is not None and demand.first_filed_on is not None
    months = seniority.months_since(demand.first_filed_on, model.today)
    key = "seniority.since" if months >= 1 else "seniority.since_new"
    return Text(t(key, date=t.date(demand.first_filed_on), months=months))


def delay_text(t: Translator, model: ScreenModel) -> Text | None:
    """The department's « délai anormalement long », and past it the DALO appeal (None where the
    department's delay is not shipped)."""
    standing = seniority_of(model)
    if standing is None or standing.delay is None or standing.passed_on is None:
        return None
    place = territory.department(standing.delay.departement)
    where = t.place_in(place) if place is not None else ""
    key = "seniority.passed" if standing.passed else "seniority.delay"
    text = Text(
        t(key, months=standing.delay.months, place=where, date=t.date(standing.passed_on)),
        style="bold" if standing.passed else "",
    )
    if standing.delay.typology is not None:
        text.append(" " + t("seniority.per_size"))
    if not standing.delay.confirmed:
        text.append(" " + t("seniority.unconfirmed"), style="dim")
    return text


def radiated_overview(t: Translator, model: ScreenModel, grid: _Rows) -> list[tuple[str, Text]]:
    """A radiated demand as what it is (DOMAIN.md): the reason in words, the date, the seniority
    lost, the number that will not come back; never « dossier complet » or « situation à jour »
    beside it (nothing else of the old demand counts any more)."""
    demand = model.demand
    code = demand.radiation_code if demand.radiation_code in RADIATION_CODES else "other"
    reason = t(f"radiation.{code}")
    when = (
        t("radiation.on", date=t.date(demand.radiated_on), reason=reason)
        if demand.radiated_on
        else reason
    )
    grid.add_row(t("demande.status"), Text(t("radiation.status", what=when), style="bold red"))
    try:
        number = nur_rules.display(demand.nur)
    except nur_rules.InvalidNur:
        number = clean(demand.nur)
    grid.add_row(t("demande.nur"), Text(t("radiation.old_number", number=number)))
    if demand.first_filed_on is not None:
        key = "radiation.seniority_kept" if code == "RADATT" else "radiation.seniority_lost"
        grid.add_row(
            t("demande.first_filed"), Text(t(key, date=t.date(demand.first_filed_on)), style="bold")
        )
    return list(grid)


def _renewal_rows(
    t: Translator, grid: _Rows, expires_on: dt.date, today: dt.date, window: int
) -> None:
    grid.add_row(t("demande.expires"), _countdown(t, expires_on, today, window))
    grid.add_row("", Text(t("demande.renewal_risk", date=t.date(expires_on)), style="bold red"))


def _countdown(t: Translator, expires_on: dt.date, today: dt.date, window: int) -> Text:
    left = lifecycle.days_left(expires_on, today)
    level = lifecycle.renewal_level(expires_on, today, window)
    when = (
        t("demande.days_left", days=left) if left >= 0 else t("demande.expired_since", days=-left)
    )
    style = {
        lifecycle.RenewalLevel.WARNING: "bold red",
        lifecycle.RenewalLevel.OVERDUE: "bold red",
        lifecycle.RenewalLevel.DUE: "bold yellow",
    }.get(level, "")
    return Text(f"{t.date(expires_on)} ({when})", style=style)


# --- Pièces ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotRow:
    """One line of the checklist, every cell as text; the table picks its columns by width."""

    key: str
    person: Text
    piece: Text
    state: Text
    reason: Text
    valid_until: Text
    reason_or_validity: Text
    slot_id: Text
    detail: dict[str, str]


def document_rows(t: Translator, model: ScreenModel) -> list[SlotRow]:
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
        local = model.documents_shown.get(slot.slot_id, {})
        queued = local.get("_local_state")
        upload = model.uploads.get(slot.slot_id)
        ok = state in ("received", "accepted") or not slot.required
        style = "green" if ok else "bold red" if state in ("rejected", "expired") else "bold yellow"
        name, what = piece_words(t, slot, person, people, model.today)
        label = name + ("" if slot.required else f" ({t('pieces.optional')})")
        if upload is not None:
            state_text = Text(upload_state(t, upload), style="italic")
        elif queued:
            state_text = Text(t("doc_state.queued"), style="italic")
        elif local.get("_pending"):
            state_text = Text(t("doc_state.removing"), style="italic")
        else:
            state_text = Text(t(f"doc_state.{state}"), style=style)
        reason = clean(slot.reason or "")
        until = t("pieces.until", date=t.date_short(slot.valid_until)) if slot.valid_until else ""
        rows.append(
            SlotRow(
                key=slot.slot_id,
                person=Text(who),
                piece=Text(label),
                state=state_text,
                reason=Text(reason),
                valid_until=Text(t.date(slot.valid_until) if slot.valid_until else ""),
                reason_or_validity=Text(reason or until, style="bold red" if reason else ""),
                slot_id=Text(clean(slot.slot_id), style="dim"),
                detail={
                    "slot_id": clean(slot.slot_id),
                    "person": who,
                    "piece": label,
                    "state": state_text.plain,
                    "reason": reason,
                    "valid_until": t.date(slot.valid_until) if slot.valid_until else "",
                    "kind": slot.kind,
                    "variant": piece_variant(slot, person, model.today),
                    "what": what,
                    "blocking": t("pieces.blocking_yes" if slot.required else "pieces.blocking_no"),
                    "source": t(f"piece_source.{piece_variant(slot, person, model.today)}"),
                    "pay_period": _month(t, slot.pay_period),
                    "first_name": clean(person.first_name) if person else "",
                    "pulled_state": "removing" if local.get("_pending") else state,
                    "upload": upload.name if upload else "",
                    "upload_local_id": upload.local_id if upload else "",
                    "can_take_back": "1" if upload and upload.can_take_back else "",
                },
            )
        )
    return rows


def _minor(person: Person | None, today: dt.date) -> bool:
    return person is not None and not person.is_adult(today)


def _month(t: Translator, period: str | None) -> str:
    """« octobre 2026 » for a pay period `2026-10` (empty when absent or unreadable)."""
    from alin_tui.domain.documents import parse_pay_period

    day = parse_pay_period(period)
    return t.month(day) if day is not None else ""


def piece_variant(slot: Any, person: Person | None, today: dt.date) -> str:
    """The catalogue's name for this piece as asked of this person: `identity_minor` (a
    family book or birth certificate), `tax_notice_joint` (a married couple's one notice), or
    the kind itself."""
    if slot.kind == "identity" and _minor(person, today):
        return "identity_minor"
    if slot.kind == "tax_notice" and slot.covers:
        return "tax_notice_joint"
    return slot.kind


def piece_words(
    t: Translator,
    slot: Any,
    person: Person | None,
    people: dict[str, Person],
    today: dt.date,
) -> tuple[str, str]:
    """The name of a piece and what it must be, as the arrêté asks it of this person: a minor's
    identity is the family book or a birth certificate; a married couple's notice is one, joint."""
    if slot.kind == "identity" and _minor(person, today):
        return t("kind.identity_minor"), t("kind_help.identity_minor")
    if slot.kind == "tax_notice" and slot.covers:
        names = [p.first_name for pid in (slot.person_id, *slot.covers) if (p := people.get(pid))]
        joined = clean(t("pieces.and").join(names)) if names else ""
        return t("kind.tax_notice_joint", names=joined), t("kind_help.tax_notice_joint")
    return t(f"kind.{slot.kind}"), t(f"kind_help.{slot.kind}")


def upload_state(t: Translator, upload: UploadView) -> str:
    """« en file », « envoi 45 % », « envoyé » for a document on its way."""
    if upload.state == "uploading" and upload.total:
        return t("doc_state.uploading", percent=int(100 * upload.sent / upload.total))
    return t(_UPLOAD_STATES.get(upload.state, "doc_state.upload_queued"))


_UPLOAD_STATES = {
    "queued": "doc_state.upload_queued",
    "uploading": "doc_state.upload_uploading",
    "uploaded": "doc_state.upload_uploaded",
}


def upload_detail(t: Translator, sent: int, total: int, rate: float | None) -> str:
    """« 1,2 Mo sur 2,6 Mo · 120 ko/s · encore 12 s »."""
    parts = [t("pieces.sent_of", sent=t.size(sent), total=t.size(total))]
    if rate and rate > 0 and sent < total:
        parts.append(t("pieces.rate", rate=t.size(int(rate))))
        left = (total - sent) / rate
        parts.append(t("pieces.left", left=t.duration(left)))
    return " · ".join(parts)


def intake_event(t: Translator, event: dict[str, Any]) -> tuple[str, str]:
    """An entry of the drop folder's log in words, and its severity."""
    file = clean(event["file"], limit=80)
    if event["outcome"] == "taken":
        piece = t.piece(event.get("kind"), event.get("person"))
        key = "pieces.event_attached" if event.get("method") == "app" else "pieces.event_taken"
        return t(key, file=file, piece=piece), "information"
    if event["outcome"] == "unsorted":
        key = {
            "replaces": "pieces.event_unsorted_replaces",
            "ambiguous": "pieces.event_unsorted_ambiguous",
        }.get(str(event.get("method")), "pieces.event_unsorted")
        return t(key, file=file), "warning"
    if event["outcome"] == "removed":
        return t("pieces.event_removed", file=file), "information"
    reason = t.refusal(event.get("reason") or "other", event.get("params") or {})
    return t("pieces.event_refused", file=file, reason=reason), "warning"


# --- Offres ----------------------------------------------------------------------------------


def offer_eligibility(model: ScreenModel, offer: dict[str, Any]) -> eligibility.Eligibility:
    income = eligibility.counted_income(model.demand, model.today)
    return eligibility.assess_offer(
        financing=offer["financing"],
        zone=offer.get("zone"),
        commune=offer.get("commune"),
        household_category_=model.category,
        income_cents=income.cents,
        today=model.today,
        income_year=income.year,
    )


def eligible_pairs(model: ScreenModel) -> frozenset[tuple[str, str]]:
    """The (financing, zone) pairs whose ceiling the household's income is under: the "eligible
    only" filter as a set the store can match in SQL."""
    return frozenset(
        (f, z)
        for f in FINANCINGS
        for z in ZONES
        if offer_eligibility(model, {"financing": f, "zone": z}).eligible
    )


def demand_territory(model: ScreenModel) -> territory.Territory | None:
    """What the demand's number covers (None without a number, or one that cannot be read)."""
    number = (model.demand.nur if model.demand else None) or (
        model.link.nur if model.link else None
    )
    return territory.territory_of_number(number)


def offer_in_territory(model: ScreenModel, offer: dict[str, Any]) -> bool | None:
    """Whether the offer lies in the demand's territory; None when either is unknown."""
    covered = demand_territory(model)
    return None if covered is None else covered.covers(offer.get("department"))


def territory_departments(model: ScreenModel) -> frozenset[str] | None:
    """The departments the demand covers: the "my territory only" filter as a set the store can
    match in SQL (None: unknown, no filter)."""
    covered = demand_territory(model)
    return None if covered is None else covered.departments


def territory_text(t: Translator, model: ScreenModel, o: dict[str, Any]) -> Text:
    """« Seine-Saint-Denis (93) · hors du territoire de votre demande (le Rhône) »."""
    place = territory.department(o.get("department"))
    text = Text(clean(f"{place.name} ({place.code})" if place else o.get("department") or "—"))
    covered = demand_territory(model)
    inside = offer_in_territory(model, o)
    if covered is not None and inside is False:
        outside = t("territory.outside", demand_area=t.place_the(covered.place))
        text.append(" · " + outside, style="bold red")
    elif inside:
        text.append(" · " + t("territory.inside"), style="green")
    return text


def ceiling_mark(t: Translator, e: eligibility.Eligibility) -> Text:
    if e.eligible is None:
        return Text(t("eligibility.unknown"), style="dim")
    if e.eligible:
        return Text(t("eligibility.under", financing=e.financing), style="green")
    return Text(t("eligibility.over", financing=e.financing), style="bold red")


def days_left_text(t: Translator, closes_on: Any, today: dt.date) -> Text:
    try:
        day = dt.date.fromisoformat(str(closes_on)[:10])
    except ValueError:
        return Text("—")
    left = (day - today).days
    if left <= 0:
        return Text(t("offres.today"), style="bold red")
    return Text(t("offres.days", days=left), style="bold yellow" if left <= 7 else "")


def closing_cell(t: Translator, o: dict[str, Any], today: dt.date) -> Text:
    """The days left, with « ! » when the offer closes within 7 days (the mark stays where
    colours do not: NO_COLOR, a monochrome terminal)."""
    left = days_left_text(t, o.get("closes_on"), today)
    if not saved_searches.closing_soon(o.get("closes_on"), today, o.get("status")):
        return left
    return Text(t("saved.soon_mark", left=left.plain), style=left.style or "bold yellow")


def offer_cells(
    t: Translator, model: ScreenModel, o: dict[str, Any], *, fresh: bool = False
) -> dict[str, Text]:
    """Every column the Offres list may show, for one offer. `fresh`: new to the saved search
    just opened (marked « ✦ »); « ⊘ »: outside the demand's territory; « ✓ »: applied to."""
    e = offer_eligibility(model, o)
    floor = o.get("floor")
    commune = Text(clean(f"{o['commune']} ({o['postal_code']})"))
    applied = any(
        a.get("offer_id") == o["id"] and a.get("status") != "withdrawn" for a in model.applications
    )
    if not applied and offer_in_territory(model, o) is False:
        commune = Text.assemble(("⊘ ", "bold red"), commune)  # outside the demand's territory
    if fresh:
        commune = Text.assemble(("✦ ", "cyan"), commune)
    if applied:
        commune = Text.assemble(("✓ ", "bold green"), commune)  # already applied to
    return {
        "commune": commune,
        "typology": Text(clean(o["typology"])),
        "surface": Text(f"{o['surface_m2']:.0f} m²", justify="right"),
        "rent": Text(t.money(o["rent_cents"] + o["charges_cents"]), justify="right"),
        "ceiling": ceiling_mark(t, e),
        "left": closing_cell(t, o, model.today),
        "reference": Text(clean(o["reference"])),
        "residence": Text(clean(o["residence_title"])),
        "closes": Text(t.date_short(o.get("closes_on"))),
        "financing": Text(clean(o["financing"])),
        "floor": Text(
            "" if floor is None else t("offres.ground_floor_short") if floor == 0 else str(floor),
            justify="right",
        ),
        "address": Text(clean(o.get("address"))),
    }


def offer_detail(t: Translator, model: ScreenModel, o: dict[str, Any]) -> list[tuple[str, Text]]:
    """Every field of an offer, in words."""
    e = offer_eligibility(model, o)
    grid = _Rows()
    floor = o.get("floor")
    lift = t("offres.lift") if o.get("lift") else t("offres.no_lift")
    rows = [
        ("offres.commune", clean(f"{o['commune']} ({o['postal_code']})")),
        ("offres.address", clean(o.get("address"))),
        ("offres.residence", clean(o["residence_title"])),
        ("offres.reference", clean(o["reference"])),
        ("offres.typology", clean(o["typology"])),
        ("offres.surface", f"{o['surface_m2']:.0f} m²"),
        (
            "offres.floor",
            (
                f"{t('offres.ground_floor') if floor == 0 else t('offres.floor_short', floor=floor)}"
                f" · {lift}"
            )
            if floor is not None
            else lift,
        ),
        ("offres.rent_only", t.money(o["rent_cents"])),
        ("offres.charges", t.money(o["charges_cents"])),
        ("offres.rent", t.money(o["rent_cents"] + o["charges_cents"])),
        ("offres.financing_long", clean(o["financing"])),
        ("offres.available", t.date(o.get("available_on"))),
    ]
    for key, value in rows:
        grid.add_row(t(key), Text(value))
    left = days_left_text(t, o.get("closes_on"), model.today)
    closes = Text(f"{t.date(o.get('closes_on'))} ({left.plain})")
    if saved_searches.closing_soon(o.get("closes_on"), model.today, o.get("status")):
        closes.append(" · " + t("saved.closing_soon"), style="bold yellow")
    grid.add_row(t("offres.closes"), closes)
    words = eligibility_text(t, e)
    if any(p.disability for p in model.persons) and e.ceiling_euros is not None:
        words += " " + t("eligibility.disability_up")  # why the category is one above the count
    grid.add_row(t("eligibility.column"), Text(words))
    grid.add_row(t("territory.department"), territory_text(t, model, o))
    return list(grid)


def apply_state(
    conn: sqlite3.Connection,
    t: Translator,
    model: ScreenModel,
    offer_id: str | None,
    max_applications: int,
) -> tuple[bool, str]:
    """Whether applying is possible and the sentence that says so: every reason, or the
    eligibility figures of the offer when it may go. Without an offer, the dossier-wide reasons."""
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
        found = [r for r in found if r.code not in ("offer_unknown", "offer_closed")]
    if found:
        reasons = t("refusal.separator").join(refusal_text(t, r, model) for r in found)
        return False, t("offres.apply_blocked", reason=reasons)
    e = offer_eligibility(model, offer) if offer else None
    detail = eligibility_text(t, e) if e else ""
    return True, (t("offres.apply_ready") + (" " + detail if detail else ""))


def refusal_text(t: Translator, refusal: applying.Refusal, model: ScreenModel) -> str:
    if refusal.code == "demand_inactive" and model.demand is None:
        # No demand seen on the national file: not a radiation. A number from AL-in needs its
        # account first; a draft or nothing at all needs a demand to be created.
        state = lifecycle_state(None, model.link, model.today)
        return t(_NO_DEMAND_REFUSAL.get(state, "refusal.demand_missing"))
    if refusal.code == "dossier_incomplete":
        return t.count("refusal.dossier_incomplete", len(refusal.missing))
    if refusal.code == "application_limit":
        count = sum(1 for a in model.applications if a.get("status") in applying.OPEN_STATUSES)
        return t("refusal.application_limit", count=count)
    if refusal.code == "out_of_territory":
        return out_of_territory_text(t, refusal)
    if refusal.code == "too_early" and model.demand is not None and model.demand.expires_on:
        window = lifecycle.RENEWAL_WINDOW_DAYS  # the server's rule, whatever the screen shows
        opens = model.demand.expires_on - dt.timedelta(days=window)
        return t(
            "refusal.too_early_on",
            date=t.date(opens),
            days=window,
            expiry=t.date(model.demand.expires_on),
        )
    if refusal.code == "invalid_nur" and refusal.params.get("reason"):
        return t(f"nur_words.{refusal.params['reason']}", **refusal.params.get("words", {}))
    if refusal.code in ("already_linked", "not_your_number"):
        return t(f"refusal.{refusal.code}", number=refusal.params.get("number", ""))
    return t(f"refusal.{refusal.code}")


_NO_DEMAND_REFUSAL = {"number_without_account": "refusal.demand_without_account"}


def out_of_territory_text(t: Translator, refusal: applying.Refusal) -> str:
    """« offre dans la Seine-Saint-Denis, hors du territoire de votre demande (le Rhône) : il
    faudrait une demande en Île-de-France »."""
    place = territory.department(refusal.params.get("offer_department"))
    covered = territory.territory_of_code(refusal.params.get("territory"))
    needed = territory.territory_for_department(refusal.params.get("offer_department"))
    if place is None or covered is None or needed is None:
        return t("refusal.out_of_territory_unnamed")
    return t(
        "refusal.out_of_territory",
        offer_in=t.place_in(place),
        demand_area=t.place_the(covered.place),
        needed_in=t.place_in(needed.place),
    )


def eligibility_text(t: Translator, e: eligibility.Eligibility) -> str:
    if e.income_euros is None:
        return t("eligibility.no_income")
    if e.eligible is None or e.ceiling_euros is None:
        return t("eligibility.detail_unknown", financing=e.financing)
    key = "eligibility.detail_under" if e.eligible else "eligibility.detail_over"
    text = t(
        key,
        income=t.money_whole(e.income_euros * 100),
        financing=e.financing,
        year=e.year,
        ceiling=t.money_whole(e.ceiling_euros * 100),
        category=e.category,
    )
    if (
        e.income_year is not None
        and e.wanted_year is not None
        and e.income_year == e.wanted_year - 1
    ):
        text += " " + t("eligibility.income_year", year=e.income_year)
    if e.older_ceilings:  # never silently: this year's ceilings are not shipped
        text += " " + t("eligibility.older_ceilings", wanted=e.wanted_year, year=e.year)
    return text


def operation_words(t: Translator, conn: sqlite3.Connection, name: str, args: dict) -> str:
    """A queued change named for people: « Candidater (T3 à Villeurbanne, … (réf. …)) » when it
    is about an offer, else the operation alone."""
    words = t(f"operation.{name}")
    offer_id = args.get("offer_id") if isinstance(args, dict) else None
    offer = offer_store.get(conn, offer_id) if isinstance(offer_id, str) else None
    if offer is None:
        return words
    return t("attention.operation_on", operation=words, what=offer_title(t, offer))


def conflict_lines(t: Translator, row: Any) -> list[str]:
    """A conflict's fields, each with the user's value and the national file's."""
    theirs = (row.result or {}).get("server_value") or {}
    return [
        t(
            "attention.both",
            field=t(f"contact.{key}"),
            mine=clean(value),
            theirs=clean(theirs.get(key)),
        )
        for key, value in row.args.get("fields", {}).items()
    ]


def announced_text(t: Translator, announced: list[tuple[str, int]]) -> str:
    """Saved searches with new offers, as announced after a sync: « lyon (2), t3 paris (1) »."""
    return t("saved.notify_separator").join(
        t("saved.notify_one", name=clean(name), count=t.number(count)) for name, count in announced
    )


def offer_title(t: Translator, o: dict[str, Any] | None) -> str:
    """An offer named as people name it: commune, type, rent with charges, reference."""
    if o is None:
        return t("candidatures.offer_gone")
    return t(
        "offres.title",
        commune=clean(o["commune"]),
        typology=clean(o["typology"]),
        rent=t.money(o["rent_cents"] + o["charges_cents"]),
        reference=clean(o["reference"]),
    )


# --- saved searches (the Offres tab and `alin-tui offers save|new|saved`) -------------------


def saved_search_text(t: Translator, search: Any) -> str:
    """« « saint-denis » · T3 · 700 € au plus »: the text and filters of a saved search."""
    parts = [t("saved.text", text=clean(search.text))] if search.text else []
    if search.commune:
        parts.append(clean(search.commune))
    if search.typology:
        parts.append(clean(search.typology))
    if search.max_rent_cents is not None:
        parts.append(t("saved.at_most", rent=t.money_whole(search.max_rent_cents)))
    return " · ".join(parts) if parts else t("saved.everything")


def new_offers_text(t: Translator, count: int) -> str:
    """« aucune nouvelle offre », « 1 nouvelle offre », « 3 nouvelles offres »."""
    if count == 0:
        return t("saved.new_none")
    return t("saved.new_one") if count == 1 else t("saved.new_many", count=t.number(count))


def invalid_search_text(t: Translator, exc: saved_searches.InvalidSearch) -> str:
    """Why a search cannot be saved, and what to give instead."""
    value = clean(str(exc.value if exc.value is not None else ""), limit=80)
    key = _INVALID_SEARCH.get(exc.code, "saved.invalid_name_empty")
    return t(key, value=value, max=saved_searches.NAME_MAX)


_INVALID_SEARCH = {
    "name_empty": "saved.invalid_name_empty",
    "name_long": "saved.invalid_name_long",
    "name_unprintable": "saved.invalid_name_unprintable",
    "typology": "saved.invalid_typology",
    "rent": "saved.invalid_rent",
}


# --- Mes candidatures ---------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRow:
    key: str
    offer_id: str
    offer: Text
    reference: Text
    status: Text
    rank: Text
    created: Text
    title: str
    open: bool
    explain: str = ""  # the status in a sentence: what it means and what comes next


def application_sentence(t: Translator, value: dict[str, Any], complete: bool = False) -> str:
    """What an application's status means, in a sentence (the rank only from the commission);
    a filed one says what it waits for, which depends on whether the dossier is `complete`."""
    status = str(value.get("status"))
    if status == "submitted" and complete and not value.get("_pending"):
        return t("app_explain.submitted_complete")
    if value.get("_pending"):
        return t("app_explain.withdraw_queued" if status == "withdrawn" else "app_explain.queued")
    if status == "examined" and value.get("rank"):
        rank = int(value["rank"])
        return t(
            "app_explain.examined_rank_2" if rank == 2 else "app_explain.examined_rank", rank=rank
        )
    if status not in applying.STATUSES:
        return ""
    return t(f"app_explain.{status}")


def application_status(t: Translator, value: dict[str, Any]) -> str:
    status = str(value.get("status"))
    if value.get("_pending"):
        return t("app_status.withdraw_queued" if status == "withdrawn" else "app_status.queued")
    return t(f"app_status.{status}")


def application_rows(t: Translator, model: ScreenModel) -> list[ApplicationRow]:
    rows = []
    for value in model.applications:
        offer = model.offers_of_applications.get(value.get("offer_id", ""))
        rank = value.get("rank")
        pending = bool(value.get("_pending"))
        status = str(value.get("status"))
        style = "italic" if pending else {"accepted": "green", "refused": "red"}.get(status, "")
        description = (
            t(
                "candidatures.describe",
                commune=clean(offer["commune"]),
                typology=clean(offer["typology"]),
                rent=t.money(offer["rent_cents"] + offer["charges_cents"]),
            )
            if offer
            else t("candidatures.offer_gone")
        )
        rows.append(
            ApplicationRow(
                key=value["id"],
                offer_id=str(value.get("offer_id") or ""),
                offer=Text(description),
                reference=Text(clean(offer["reference"]) if offer else "—"),
                status=Text(application_status(t, value), style=style),
                rank=Text(str(rank) if rank else "—", justify="right"),
                created=Text(t.date_short(value.get("created_at")) if not pending else "—"),
                title=offer_title(t, offer),
                open=status in applying.OPEN_STATUSES,
                explain=application_sentence(
                    t, value, complete=not model.standing.completeness.blockers
                ),
            )
        )
    return rows


# --- status line ---------------------------------------------------------------------------


_COUPLE_WORDS = {
    "married": "couple.married",
    "pacs": "couple.pacs",
    "cohabiting": "couple.cohabiting",
}

_STORAGE_WORDS = {
    "disk_full": "sync.storage_disk_full",
    "read_only": "sync.storage_read_only",
    "locked": "sync.storage_locked",
    "damaged": "sync.storage_damaged",
}


def sync_line(conn: sqlite3.Connection, t: Translator, *, syncing: bool = False) -> tuple[str, str]:
    """The status line and its kind (ok, busy, warn, error), read from the tables."""
    from alin_tui.sync.dropfolder import unseen_refusals

    status = read_sync(conn)
    if status.storage is not None:  # the store itself could not write: said before anything
        key = _STORAGE_WORDS.get(status.storage, "sync.storage_other")
        return t(key), "error"
    to_see = len(status.errors) + len(unseen_refusals(conn))
    if to_see:
        return t.count("sync.attention", to_see), "error"
    if status.state == "offline" and status.ever_synced:
        return t(
            "sync.offline",
            error=clean(status.last_error or "").rstrip(". "),
            pending=status.pending,
            next=t.time(status.next_try_at),
        ), "warn"
    if status.state == "error":
        return t(
            "sync.stalled",
            error=clean(status.last_error or "").rstrip(". "),
            next=t.time(status.next_try_at),
        ), "error"
    if syncing or status.pending:
        line = t.count("sync.syncing", status.pending) if status.pending else t("sync.running")
        if status.upload_percent is not None:
            line += " " + t(
                "sync.upload_bytes",
                percent=status.upload_percent,
                sent=t.size(status.upload_done),
                total=t.size(status.upload_total),
            )
        return line, "busy"
    if not status.ever_synced:
        return t("sync.never"), "warn"
    return t("sync.synced", time=t.time(status.last_sync_at)), "ok"
