"""`alin-tui status` for people: the dossier in words, in the chosen language, with the very words
of the app's Ma demande tab (`ui/views.overview`), the missing pieces per person with the reason,
the applications and the sync state. No code, no ISO date: `status --json` is for scripts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator


def _pairs(rows: list[tuple[str, str]], indent: str = "") -> Iterator[str]:
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        if label:
            yield f"{indent}{label.ljust(width)}  {value}"
        else:
            yield f"{indent}{' ' * width}  {value}"


def status_lines(conn: sqlite3.Connection, settings, t) -> Iterator[str]:
    from alin_tui.store import outbox
    from alin_tui.sync import dropfolder
    from alin_tui.sync.status import read_sync
    from alin_tui.ui.text import clean, server_words
    from alin_tui.ui.views import (
        applicant_name,
        application_rows,
        document_rows,
        operation_words,
        overview,
        read_screen_model,
        sync_line,
    )

    model = read_screen_model(conn, settings.renewal_window_days)
    sync = read_sync(conn)
    if any(p.role == "applicant" for p in model.persons):
        yield t("status_text.title", name=applicant_name(t, model), profile=settings.profile)
    else:  # no household known yet (a draft, a number without an account)
        yield t("status_text.title_unnamed", profile=settings.profile)
    if not sync.ever_synced:
        yield t("demande.empty")
    rows = []
    for label, value in overview(t, model):
        if label == t("demande.next_step"):  # the words of the printed summary: no app keys
            step = model.standing.next_step
            rows.append((label, t(f"export.next_step.{step}")))
            rows.append((t("export.where"), t(f"export.site.{model.standing.site}")))
        else:
            rows.append((label, value.plain))
    yield from _pairs(rows, "  ")

    blockers = model.standing.completeness.blockers
    if model.demand is not None and blockers:
        yield ""
        yield t("status_text.missing", count=len(blockers))
        slots = {row.key: row for row in document_rows(t, model)}
        people = {p.id: p for p in model.persons}
        for b in blockers:
            row = slots.get(b.slot_id or "")
            person = people.get(b.person_id)
            who = (
                clean(f"{person.first_name} ({t('role.' + person.role)})")
                if person
                else clean(b.person_id)
            )
            cause = t(f"status_text.cause_{b.cause}")
            reason = clean(b.reason or "")
            piece = row.piece.plain if row is not None else t(f"kind.{b.kind}")
            line = t("status_text.piece", person=who, piece=piece, cause=cause)
            if reason:
                line += " " + t("status_text.because", reason=reason)
            if row is not None and row.valid_until.plain and b.cause == "expired":
                line += " " + t("status_text.valid_until", date=row.valid_until.plain)
            yield "  - " + line

    apps = application_rows(t, model)
    yield ""
    if not apps:
        yield t("status_text.no_application")
    else:
        yield t("status_text.applications", count=len(apps))
        for app in apps:
            offer = app.offer.plain
            if app.reference.plain not in ("", "—"):  # the reference to give `withdraw`
                offer += t("candidatures.reference_after", reference=app.reference.plain)
            line = t("status_text.application", offer=offer, status=app.status.plain)
            rank = app.rank.plain.strip()
            if rank and rank != "—":
                line += " " + t("status_text.rank", rank=rank)
            yield "  - " + line
            if app.explain:
                yield "    " + app.explain

    yield ""
    text, kind = sync_line(conn, t)
    refused = outbox.rows(conn, states=("failed", "conflict"))
    to_see = len(refused) + len(dropfolder.unseen_refusals(conn))
    if to_see and sync.storage is None:  # the app says Ctrl+A; a command names a command
        text = t.count("status_text.attention", to_see)
    if kind == "ok" and sync.last_sync_at:
        text = t(
            "status_text.synced_at", date=t.date(sync.last_sync_at), time=t.time(sync.last_sync_at)
        )
    elif sync.last_sync_at:
        text += " " + t(
            "status_text.last_sync", date=t.date(sync.last_sync_at), time=t.time(sync.last_sync_at)
        )
    yield t("status_text.sync", line=text)
    for row in refused:  # each refusal in words: the operation and why
        operation = operation_words(t, conn, row.name, row.args)
        yield "  - " + t(
            "status_text.refused", operation=operation, reason=server_words(t, row.result or {})
        )
    waiting = dropfolder.unsorted(conn, settings.drop_folder)
    yield t("status_text.drop_folder", folder=settings.drop_folder)
    if waiting:
        yield t("intake.cli_status_unsorted", count=len(waiting), folder=settings.drop_folder)
        for item in waiting:
            yield f"  {item.name}"
