"""The status, computed from the store's tables (never from flags kept in memory): where the
applicant stands (`status --json`) and how the sync goes (the app's status line)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alin_tui.domain import seniority
from alin_tui.domain.lifecycle import RENEWAL_WINDOW_DAYS
from alin_tui.domain.stage import compute_stage
from alin_tui.store import applicant, outbox, sync_state
from alin_tui.store.sync_state import server_today
from alin_tui.sync import dropfolder

SERVICES = ("sne", "alin")


@dataclass(frozen=True)
class SyncStatus:
    state: str  # "synced" | "pending" | "offline" | "error"
    pending: int
    last_sync_at: str | None
    errors: list[dict[str, Any]]
    last_error: str | None
    next_try_at: str | None
    upload_done: int  # bytes sent of unfinished uploads
    upload_total: int
    ever_synced: bool
    storage: str | None = None  # the store could not write: disk_full, read_only, locked…

    @property
    def upload_percent(self) -> int | None:
        if not self.upload_total:
            return None
        return int(100 * self.upload_done / self.upload_total)


def read_sync(conn: sqlite3.Connection) -> SyncStatus:
    states = [sync_state.get(conn, s) for s in SERVICES]
    pending_rows = outbox.pending(conn)
    unfinished = dropfolder.unfinished(conn)
    pending = len(pending_rows) + len(unfinished)
    errors = [
        {
            "service": r.service,
            "mutation_id": r.mutation_id,
            "name": r.name,
            "code": (r.result or {}).get("code") or r.state,
            "message": (r.result or {}).get("message") or "",
        }
        for r in outbox.rows(conn, states=("failed", "conflict"))
    ]
    storage = next((s["last_error"] for s in states if s["last_error_kind"] == "storage"), None)
    from alin_tui.store import storage as stores

    storage = storage or stores.failed_mark(conn)
    path = stores.store_file(conn)
    if path is not None and stores.disk_full(path.parent):  # said even when nothing was recorded
        storage = "disk_full"
    pulls = [s["last_pull_at"] for s in states]
    last = min(pulls) if all(pulls) else None
    failure = next((s for s in states if s["last_error"]), None)
    if storage is not None:
        state = "error"
    elif failure is not None:
        state = "offline" if failure["last_error_kind"] == "offline" else "error"
    elif errors:
        state = "error"
    elif pending:
        state = "pending"
    elif last is None:
        state = "offline"
    else:
        state = "synced"
    return SyncStatus(
        state=state,
        pending=pending,
        last_sync_at=last,
        errors=errors,
        last_error=failure["last_error"] if failure else None,
        next_try_at=failure["next_try_at"] if failure else None,
        upload_done=sum(u.offset for u in unfinished),
        upload_total=sum(u.length for u in unfinished),
        ever_synced=any(pulls),
        storage=storage,
    )


def status_json(
    conn: sqlite3.Connection, drop_folder: Path, renewal_window: int = RENEWAL_WINDOW_DAYS
) -> dict[str, Any]:
    """The document `alin-tui status --json` prints (PROTOCOL.md §8, plus the fields added since:
    lifecycle, situation, seniority, radiation)."""
    today = server_today(conn)
    data, shown = applicant.load_both(conn)
    demand, link = data.demand_rule(), data.link_rule()
    standing = compute_stage(demand, link, data.slots(), today, renewal_window)
    nur = demand.nur if demand else (link.nur if link else None)
    sync = read_sync(conn)
    return {
        "stage": standing.stage,
        "next_step": standing.next_step,
        "nur": nur or None,
        "link": {
            "state": link.state if link else "unlinked",
            "situation_fresh": bool(link and link.situation_fresh),
        },
        # A radiated demand has no dossier to be complete (DOMAIN.md: never « complet » beside it).
        "complete": standing.complete and demand is not None and demand.status != "radiated",
        "missing": [
            {
                "person": b.person_id,
                "slot_id": b.slot_id,
                "kind": b.kind,
                "reason": b.reason or b.cause,
            }
            for b in standing.completeness.blockers
        ],
        "renewal_due_on": demand.expires_on.isoformat() if demand and demand.expires_on else None,
        "drop_folder": str(drop_folder),
        "sync": {
            "state": sync.state,
            "pending": sync.pending,
            "last_sync_at": sync.last_sync_at,
            "errors": sync.errors,
        },
        "lifecycle": standing.lifecycle,
        "situation": standing.situation,
        "attestation_on": _iso(demand.attestation_on if demand else None),
        "seniority": _seniority(demand, today),
        "radiation": (
            {"code": demand.radiation_code, "on": _iso(demand.radiated_on)}
            if demand is not None and demand.status == "radiated"
            else None
        ),
        "applications": [
            {
                "id": app_id,
                "offer_id": v.get("offer_id"),
                "status": v.get("status"),
                "rank": v.get("rank"),
                "queued": bool(v.get("_pending")),
            }
            for app_id, v in shown.applications.items()
        ],
    }


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def _seniority(demand: Any, today: Any) -> dict[str, Any] | None:
    """Months since first filing and the department's « délai anormalement long »; null without
    a living demand (a radiated one has lost its seniority)."""
    if demand is None or demand.first_filed_on is None or demand.status == "radiated":
        return None
    department = seniority.department_of_demand(demand.nur, demand.wished_communes)
    found = seniority.seniority(demand.first_filed_on, today, department or "")
    delay = found.delay
    return {
        "since": found.since.isoformat(),
        "months": found.months,
        "department": department,
        "abnormal_delay_months": delay.months if delay else None,
        "abnormal_delay_confirmed": delay.confirmed if delay else None,
        "abnormal_delay_reached_on": _iso(found.passed_on),
        "dalo_possible": found.passed if delay else None,
    }
