"""What the main screen does with documents: attach a file to a piece (or replace it), take back a
queued one or remove a received one, sort a waiting file of the drop folder, and announce what the
drop folder did. The user's choice is carried as the slot id of the piece they opened.

Hashing, copying and making a photo lighter run in a thread worker on a connection of its own;
the answer comes back to the screen, which says it in words and refreshes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from alin_tui.store import actions
from alin_tui.ui import views
from alin_tui.ui.text import clean


class Documents:
    def __init__(self, screen) -> None:  # the MainScreen (imported by it, not here)
        self.screen = screen
        self.t = screen.t
        self.last_event = self._last_event_id()

    @property
    def app(self):
        return self.screen.app

    # --- reading ------------------------------------------------------------------------------

    def unsorted(self) -> list:
        from alin_tui.sync import dropfolder

        try:
            return dropfolder.unsorted(self.app.conn, self.app.drop_folder)
        except OSError:
            return []

    def _last_event_id(self) -> int:
        try:
            row = self.screen.conn.execute("SELECT max(id) FROM intake_log").fetchone()
        except Exception:  # noqa: BLE001 - an older store: nothing to announce
            return 0
        return int(row[0] or 0)

    def announce(self) -> None:
        """Say what the drop folder did since the last time (arrivals, refusals, files to sort),
        and keep the last of it on the Pièces tab."""
        from alin_tui.sync import dropfolder

        events = dropfolder.log_since(self.screen.conn, self.last_event)
        if not events:
            return
        self.last_event = events[-1]["id"]
        said = []
        for event in events:
            event.update(self._slot_words(event.get("slot_id")))
            line, severity = views.intake_event(self.t, event)
            if event.get("method") not in ("app", "by_hand"):  # those were said when done
                said.append((event["outcome"], line, severity))
            here = event.get("method") in ("app", "by_hand")  # done in the app, not the folder
            self.pane.show_activity(
                self.t(
                    "pieces.activity_here" if here else "pieces.activity",
                    time=self.t.time(event["at"]),
                    line=line,
                )
            )
        if len(said) == 1:
            self.app.notify(said[0][1], severity=said[0][2], timeout=8)
        elif said:  # one toast for a batch of files, not a wall of them at 80×24
            counts = {
                k: sum(1 for o, _, _ in said if o == k) for k in ("taken", "unsorted", "refused")
            }
            refused = counts["refused"]
            line = self.t(
                "pieces.event_batch",
                taken=self.t.count("pieces.batch_taken", counts["taken"]),
                unsorted=self.t.number(counts["unsorted"]),
                refused=self.t.count("pieces.batch_refused", refused),
            )
            self.app.notify(line, severity="warning" if refused else "information", timeout=8)

    def writing(self, names: list[str]) -> None:
        """Files still being written in the drop folder: said on the Pièces tab, taken later."""
        files = ", ".join(self.t("pieces.quoted", file=clean(n, limit=60)) for n in names[:3])
        self.pane.show_activity(self.t("pieces.event_writing", files=files, count=len(names)))

    def _slot_words(self, slot_id: str | None) -> dict[str, Any]:
        from alin_tui.sync import dropfolder

        return dropfolder.slot_words(self.screen.conn, slot_id) if slot_id else {}

    @property
    def pane(self):
        from alin_tui.ui.components.pieces import PiecesPane

        return self.screen.query_one(PiecesPane)

    # --- attach -------------------------------------------------------------------------------

    def open(self, detail: dict[str, str]) -> None:
        from alin_tui.ui.dialogs import SlotDialog

        def chosen(what: str | None) -> None:
            if what == "attach":
                self.attach(detail)
            elif what == "remove":
                self.remove(detail)

        # A kiosk's drop folder is a temporary folder no visitor can reach: no hint about it.
        kiosk = getattr(self.app, "attach_root_label", None) is not None
        self.app.push_screen(
            SlotDialog(self.t, detail, "" if kiosk else str(self.app.drop_folder)), chosen
        )

    def attach(self, detail: dict[str, str]) -> None:
        from alin_tui.ui.attach import AttachDialog

        label = f"{detail['piece']} — {detail['person']}"

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if not self._replaces(detail):
                self._attach_now(detail, path)
                return
            from alin_tui.ui.dialogs import ConfirmDialog

            body = self._replace_body(detail, path.name)
            dialog = ConfirmDialog(
                self.t, self.t("pieces.replace_title"), body, self.t("pieces.replace")
            )
            self.app.push_screen(dialog, lambda ok: self._attach_now(detail, path) if ok else None)

        start = self.app.attach_start or Path.home()
        dialog = AttachDialog(
            self.t,
            label,
            start,
            root=self.app.attach_root,
            root_label=getattr(self.app, "attach_root_label", None),
            placeholder=getattr(self.app, "attach_placeholder", None),
        )
        self.app.push_screen(dialog, chosen)

    def _attach_now(self, detail: dict[str, str], path: Path) -> None:
        self.screen.run_worker(
            lambda: self._attach_work(detail, path), thread=True, group="documents"
        )

    def _attach_work(self, detail: dict[str, str], path: Path) -> None:
        from alin_tui.store.db import connect
        from alin_tui.sync import dropfolder, intake

        t = self.t
        conn = connect(self.app.store_path)
        try:
            if detail.get("upload_local_id") and detail.get("can_take_back"):
                dropfolder.remove_queued(conn, detail["upload_local_id"])
            taken = dropfolder.attach_file(conn, self.app.staging, path, detail["slot_id"])
        except intake.Refused as exc:
            reason = t.refusal(exc.refusal.reason, exc.refusal.params)
            self._said(t("pieces.attach_refused", file=clean(path.name), reason=reason), "warning")
            return
        except intake.DiskFull:
            self._said(t("pieces.disk_full"), "error")
            return
        except OSError as exc:
            self._said(t("actions.failed", error=clean(exc.strerror or str(exc))), "error")
            return
        finally:
            conn.close()
        line = t("pieces.attached", file=clean(path.name), piece=detail["piece"])
        if taken.lightened:
            line += " " + t(
                "intake.lighter", before=t.size(taken.source_length), after=t.size(taken.length)
            )
        self._said(line, "information", sync=True)

    def _said(self, line: str, severity: str, *, sync: bool = False) -> None:
        def show() -> None:
            self.app.notify(line, severity=severity, timeout=8)
            self.screen.refresh_views()
            self.keep_focus()
            if sync:
                self.app.action_sync()

        self.app.call_from_thread(show)

    def keep_focus(self) -> None:
        """After a dialog, the keys go back to the checklist (not to the tab bar, where `a` and
        `x` mean nothing), unless the user is elsewhere on the screen."""
        from textual.widgets import TabbedContent

        focused, pane = self.app.focused, self.pane
        if self.app.screen is not self.screen:
            return
        if self.screen.query_one(TabbedContent).active != "pieces":
            return
        if focused is None or not focused.display or pane not in focused.ancestors_with_self:
            self.screen.set_focus(pane.table)

    # --- remove -------------------------------------------------------------------------------

    def remove(self, detail: dict[str, str]) -> None:
        from alin_tui.sync import dropfolder
        from alin_tui.ui.dialogs import ConfirmDialog

        t = self.t
        label = f"{detail['piece']} — {detail['person']}"
        if detail.get("upload_local_id"):
            if not detail.get("can_take_back"):
                self.app.notify(t("pieces.too_late"), severity="warning", timeout=8)
                return
            body = t("pieces.take_back_body", file=detail["upload"], piece=label)
            local_id = detail["upload_local_id"]

            def take_back() -> actions.Outcome:
                if dropfolder.remove_queued(self.screen.conn, local_id):
                    return actions.Outcome(dropped=True)
                self.app.notify(t("pieces.too_late"), severity="warning", timeout=8)
                return actions.Outcome()

            self.screen._confirm(
                ConfirmDialog(t, t("pieces.take_back_title"), body, t("pieces.remove")),
                take_back,
                t("pieces.taken_back", file=detail["upload"]),
            )
            return
        if detail.get("pulled_state") == "removing":
            self._cancel_removal(detail, label)
            return
        if detail.get("pulled_state") not in ("received", "accepted", "expired"):
            self.app.notify(t("pieces.nothing_to_remove"), severity="information")
            return
        body = t("pieces.remove_body", piece=label)
        self.screen._confirm(
            ConfirmDialog(t, t("pieces.remove_title"), body, t("pieces.remove")),
            lambda: actions.remove_document(self.screen.conn, detail["slot_id"]),
            t("pieces.removed", piece=label),
        )

    def _cancel_removal(self, detail: dict[str, str], label: str) -> None:
        """`x` on a piece whose removal is queued: the removal can still be called off."""
        from alin_tui.ui.dialogs import ConfirmDialog

        t = self.t
        if actions.queued_removals(self.screen.conn, detail["slot_id"]) is None:
            self.app.notify(t("pieces.removal_sent"), severity="warning", timeout=8)
            return

        def call_off() -> actions.Outcome:
            outcome = actions.cancel_removal(self.screen.conn, detail["slot_id"])
            if not outcome.dropped:  # its sending was tried meanwhile
                self.app.notify(t("pieces.removal_sent"), severity="warning", timeout=8)
            return outcome

        self.screen._confirm(
            ConfirmDialog(
                t,
                t("pieces.cancel_removal_title"),
                t("pieces.cancel_removal_body", piece=label),
                t("pieces.cancel_removal"),
            ),
            call_off,
            t("pieces.removal_cancelled", piece=label),
        )

    # --- sort a waiting file --------------------------------------------------------------------

    def sort(self, raw: str, name: str, candidates: tuple[str, ...]) -> None:
        """Which piece is this file? The likeliest first (its name's, then the pieces still
        needed); choosing a piece already received or on its way asks before replacing it."""
        from alin_tui.ui.dialogs import ConfirmDialog, SlotPickerDialog

        t = self.t
        model = self.screen.model
        rows = {r.key: r for r in (views.document_rows(t, model) if model else [])}
        labels = {
            k: f"{r.piece.plain} — {r.person.plain} · {r.state.plain}" for k, r in rows.items()
        }
        order = [c for c in candidates if c in labels] + [k for k in labels if k not in candidates]

        def chosen(slot_id: str | None) -> None:
            if not slot_id:
                return
            detail = rows[slot_id].detail
            if not self._replaces(detail):
                self._assign(raw, name, slot_id)
                return
            body = self._replace_body(detail, name)
            self.app.push_screen(
                ConfirmDialog(t, t("pieces.replace_title"), body, t("pieces.replace")),
                lambda ok: self._assign(raw, name, slot_id) if ok else None,
            )

        options = [(slot_id, labels[slot_id]) for slot_id in order]
        self.app.push_screen(SlotPickerDialog(t, name, options), chosen)

    @staticmethod
    def _replaces(detail: dict[str, str]) -> bool:
        return bool(detail.get("upload")) or detail.get("pulled_state") in ("received", "accepted")

    def _replace_body(self, detail: dict[str, str], new: str) -> str:
        t = self.t
        piece = f"{detail['piece']} — {detail['person']}"
        if detail.get("upload"):
            old = t("pieces.replaces_upload", file=detail["upload"])
        else:
            accepted = detail.get("pulled_state") == "accepted"
            old = t("pieces.replaces_accepted" if accepted else "pieces.replaces_received")
        until = (
            t("pieces.replace_until", date=detail["valid_until"])
            if detail.get("valid_until")
            else ""
        )
        return t("pieces.replace_body", piece=piece, new=clean(new, limit=80), old=old, until=until)

    def _assign(self, raw: str, name: str, slot_id: str) -> None:
        self.screen.run_worker(
            lambda: self._assign_work(raw, name, slot_id), thread=True, group="documents"
        )

    def _assign_work(self, raw: str, name: str, slot_id: str) -> None:
        from alin_tui.store.db import connect
        from alin_tui.sync import dropfolder

        t = self.t
        conn = connect(self.app.store_path)
        try:
            report = dropfolder.assign(conn, self.app.drop_folder, self.app.staging, raw, slot_id)
            words = dropfolder.slot_words(conn, slot_id)
        except OSError as exc:
            self._said(t("actions.failed", error=clean(exc.strerror or str(exc))), "error")
            return
        finally:
            with contextlib.suppress(Exception):
                conn.close()
        if report.taken:
            piece = t.piece(words["kind"], words["person"])
            self._said(t("pieces.sorted", file=clean(name), piece=piece), "information", sync=True)
        elif report.refused:
            r = report.refused[0]
            reason = t.refusal(r["reason"], r["params"])
            self._said(t("pieces.attach_refused", file=clean(name), reason=reason), "warning")
        elif report.disk_full:
            self._said(t("pieces.disk_full"), "error")
        else:
            self._said(t("pieces.gone", file=clean(name)), "warning")
