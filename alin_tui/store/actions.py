"""What a user can do offline: each action checks the last pulled data with the same rules as the
server, then queues its mutation (and its local change) in one durable transaction.

Shared by the app and the command line, so both refuse alike and queue alike.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from alin_tui.domain import applying, lifecycle
from alin_tui.domain import nur as nur_rules
from alin_tui.store import applicant, outbox, sync_state
from alin_tui.store import offers as offer_store


@dataclass(frozen=True)
class Outcome:
    queued: outbox.Row | None = None
    refusal: applying.Refusal | None = None
    unknown: str | None = None  # the id that does not exist (usage error)
    dropped: bool = False  # a queued, never-sent row was removed instead


def apply(
    conn: sqlite3.Connection,
    offer_id: str,
    *,
    max_applications: int = applying.DEFAULT_MAX_APPLICATIONS,
) -> Outcome:
    """Queue `application.create` unless the server would refuse it (checked in its order)."""
    offer = offer_store.get(conn, offer_id)
    if offer is None:
        return Outcome(unknown=offer_id)
    # Queued applications count too (the overlay): the server will have them.
    pulled, shown = applicant.load_both(conn)
    with outbox.durable(conn):
        refusal = applying.first_refusal(
            offer_id=offer_id,
            offer=offer,
            applications=list(shown.applications.values()),
            demand=pulled.demand_rule(),
            link=pulled.link_rule(),
            slots=pulled.slots(),
            today=sync_state.server_today(conn),
            max_applications=max_applications,
        )
        if refusal is not None:
            return Outcome(refusal=refusal)
        return Outcome(queued=outbox.enqueue(conn, "application.create", {"offer_id": offer_id}))


def application_named(conn: sqlite3.Connection, typed: str) -> str:
    """The application a user names: its id, or its offer's id or reference (« AL69-2611-… »,
    as `status` and the app show it) when exactly one open application is to that offer;
    else `typed` as it is (and `withdraw` says it is unknown)."""
    shown = applicant.load(conn)
    if typed in shown.applications:
        return typed
    offer_id = offer_store.id_of(conn, typed)
    if offer_id is None:
        return typed
    open_ = [
        i
        for i, v in shown.applications.items()
        if v.get("offer_id") == offer_id and v.get("status") in applying.OPEN_STATUSES
    ]
    return open_[0] if len(open_) == 1 else offer_id


def withdraw(conn: sqlite3.Connection, application_id: str) -> Outcome:
    """Queue `application.withdraw`. A creation still queued and never sent is dropped instead;
    one sent whose answer has not come back is withdrawn once it exists (a local reference to
    the application of its offer, resolved when sent)."""
    from alin_tui.protocol import LOCAL_PREFIX  # here: importing the actions needs no pydantic

    shown = applicant.load(conn)
    app = shown.applications.get(application_id)
    if app is None:
        # A creation still queued has no server id yet: it may be named by its offer.
        queued = [
            i
            for i, v in shown.applications.items()
            if i.startswith(LOCAL_PREFIX) and v.get("offer_id") == application_id
        ]
        if not queued:
            return Outcome(unknown=application_id)
        application_id = queued[0]
        app = shown.applications[application_id]
    with outbox.durable(conn):
        if application_id.startswith(LOCAL_PREFIX):
            if outbox.delete_unsent(conn, int(application_id[len(LOCAL_PREFIX) :])):
                return Outcome(dropped=True)
            target = outbox.ref("application_of_offer", str(app.get("offer_id")))
            return Outcome(
                queued=outbox.enqueue(conn, "application.withdraw", {"application_id": target})
            )
        if app.get("status") not in applying.OPEN_STATUSES:
            return Outcome(
                refusal=applying.Refusal(
                    "not_withdrawable", "Cette candidature ne peut plus être retirée."
                )
            )
        return Outcome(
            queued=outbox.enqueue(conn, "application.withdraw", {"application_id": application_id})
        )


def refresh_situation(conn: sqlite3.Connection) -> Outcome:
    pulled = applicant.load(conn, overlay=False)
    link, demand = pulled.link_rule(), pulled.demand_rule()
    if demand is not None and demand.status == "radiated":  # nothing left to copy to AL-in
        return Outcome(refusal=applying.Refusal("demand_inactive", "La demande est radiée."))
    if link is None or link.state != "linked":
        return Outcome(refusal=applying.Refusal("not_linked", "Aucun numéro lié à AL-in."))
    with outbox.durable(conn):
        return Outcome(queued=outbox.enqueue(conn, "situation.refresh", {}))


def link_number(conn: sqlite3.Connection, typed: str) -> Outcome:
    """Queue `link.create`; refused here when the number cannot be one, or when the demand is
    already linked to another number (one demand, one number: another territory needs another
    demand on the national file). The same number again is harmless and goes through."""
    try:
        number = nur_rules.normalize(typed)
    except nur_rules.InvalidNur as exc:
        params = {"reason": exc.code, "words": exc.params}
        return Outcome(refusal=applying.Refusal("invalid_nur", str(exc), params=params))
    pulled = applicant.load(conn, overlay=True)
    link, demand = pulled.link_rule(), pulled.demand_rule()
    if demand is None and link is not None and link.origin == "alin" and link.nur:
        # Situation 2: the number exists, but the national file has no account for it yet.
        message = "Créez d'abord votre compte sur le fichier national avec ce numéro."
        return Outcome(refusal=applying.Refusal("claim_first", message))
    if (
        demand is not None
        and demand.nur
        and number != demand.nur
        and not (link is not None and link.state == "linked")
    ):
        shown = nur_rules.display(demand.nur)
        message = f"Ce n'est pas le numéro de votre demande ({shown})."
        return Outcome(
            refusal=applying.Refusal("not_your_number", message, params={"number": shown})
        )
    if demand is not None and demand.status == "radiated":
        return Outcome(refusal=applying.Refusal("demand_inactive", "La demande est radiée."))
    if link is not None and link.state == "linked" and link.nur and link.nur != number:
        shown = nur_rules.display(link.nur)
        message = f"Votre demande est déjà liée à AL-in avec le numéro {shown}."
        return Outcome(
            refusal=applying.Refusal("already_linked", message, params={"number": shown})
        )
    with outbox.durable(conn):
        return Outcome(queued=outbox.enqueue(conn, "link.create", {"nur": number}))


def renew_refusal(conn: sqlite3.Connection) -> applying.Refusal | None:
    """Why a renewal would be refused now (no demand, radiated, more than 60 days before
    expiry), or None: what the app checks before asking the user to confirm."""
    demand = applicant.load(conn, overlay=False).demand_rule()
    if demand is None:
        return applying.Refusal("no_account", "Aucune demande au fichier national.")
    if demand.status != "active":
        return applying.Refusal("demand_inactive", "La demande est radiée.")
    if demand.expires_on is None or not lifecycle.can_renew(
        demand.expires_on, sync_state.server_today(conn)
    ):
        return applying.Refusal("too_early", "Le renouvellement s'ouvre 60 jours avant l'échéance.")
    return None


def renew(conn: sqlite3.Connection) -> Outcome:
    """Queue `demand.renew`, refused locally as the server would (`renew_refusal`)."""
    refusal = renew_refusal(conn)
    if refusal is not None:
        return Outcome(refusal=refusal)
    with outbox.durable(conn):
        return Outcome(queued=outbox.enqueue(conn, "demand.renew", {}))


def update_demand(conn: sqlite3.Connection, fields: dict, base_version: int) -> Outcome:
    with outbox.durable(conn):
        return Outcome(
            queued=outbox.enqueue(
                conn, "demand.update", {"fields": fields}, base_version=base_version
            )
        )


def acknowledge(conn: sqlite3.Connection, key: int) -> Outcome:
    """The user has read a refusal, or kept the national file's value in a conflict: the row
    goes."""
    with outbox.durable(conn):
        outbox.dismiss(conn, key)
    return Outcome()


def keep_mine(conn: sqlite3.Connection, key: int) -> Outcome:
    """A conflict settled for the user's values: sent again on the version the server now has."""
    row = outbox.get(conn, key)
    if row is None or row.state != "conflict":
        return Outcome(unknown=str(key))
    with outbox.durable(conn):
        outbox.dismiss(conn, key)
        server_version = (row.result or {}).get("server_version")
        return Outcome(queued=outbox.enqueue(conn, row.name, row.args, base_version=server_version))


def remove_document(conn: sqlite3.Connection, slot_id: str) -> Outcome:
    """Queue `document.remove`: the piece goes back to missing on the national file."""
    shown = applicant.load(conn)
    if slot_id not in shown.documents:
        return Outcome(unknown=slot_id)
    if shown.demand_rule() is None:
        return Outcome(
            refusal=applying.Refusal("no_account", "Aucune demande au fichier national.")
        )
    with outbox.durable(conn):
        return Outcome(queued=outbox.enqueue(conn, "document.remove", {"slot_id": slot_id}))


def queued_removals(conn: sqlite3.Connection, slot_id: str) -> list[outbox.Row] | None:
    """The queued removals of a piece, if none of them has been sent yet (they can still be
    called off); None once one has left."""
    rows = [
        r
        for r in outbox.pending(conn, "sne")
        if r.name == "document.remove" and r.args.get("slot_id") == slot_id
    ]
    if not rows or any(r.mutation_id is not None for r in rows):
        return None
    return rows


def cancel_removal(conn: sqlite3.Connection, slot_id: str) -> Outcome:
    """Call off the queued removal of a piece, if it has not been sent (`dropped` says so)."""
    with outbox.durable(conn):
        rows = queued_removals(conn, slot_id) or []
        dropped = any([outbox.delete_unsent(conn, r.key) for r in rows])
    return Outcome(dropped=dropped)
