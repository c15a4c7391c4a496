"""The sync loop: one object drives a profile's sync for the app and for `alin-tui sync`.

`start` runs cycles in a thread of its own (`run` in the caller's thread); each cycle schedules the
next one (the backoff after a failure, a second while something waits, a minute when idle, the
settling delay when a dropped file is still fresh); `wake` asks for a cycle now (wake-ups that
arrive during a cycle are coalesced into one more); `stop` ends it. The drop folder is watched
here: a new file wakes the loop. Each cycle is reported to `on_event` as typed events.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from alin_tui.sync.dropfolder import SETTLE_SECONDS
from alin_tui.sync.engine import SyncReport


@dataclass(frozen=True)
class CycleStarted:
    pass


@dataclass(frozen=True)
class CycleFinished:
    report: SyncReport | None
    error: str | None  # an unexpected failure, in words (the report holds expected ones)
    next_in: float  # seconds until the next cycle


@dataclass(frozen=True)
class UploadProgress:
    local_id: str
    sent: int  # bytes the server holds
    total: int


Event = CycleStarted | CycleFinished | UploadProgress


class SyncLoop:
    def __init__(
        self,
        session,
        *,
        on_event: Callable[[Event], None] | None = None,
        watch: bool = True,
        min_delay: float = 0.5,
    ) -> None:
        self.session = session
        self.on_event = on_event or (lambda event: None)
        self.watch = watch and session.drop_folder is not None
        self.min_delay = min_delay
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None
        self._watcher: threading.Thread | None = None
        self._delay = 60.0  # until the next cycle, as the last one computed it
        if hasattr(session, "on_progress"):
            session.on_progress = lambda local_id, sent, total: self.on_event(
                UploadProgress(local_id, sent, total)
            )

    # --- control ---------------------------------------------------------------------------

    def start(self, *, first_now: bool = True) -> None:
        """Run the loop in a thread of its own."""
        self._thread = threading.Thread(
            target=self.run, kwargs={"first_now": first_now}, name="sync-loop", daemon=True
        )
        self._thread.start()

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in (self._thread, self._watcher):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no cycle runs and none was asked for (tests, one-shot callers)."""
        return self._idle.wait(timeout)

    # --- running ---------------------------------------------------------------------------

    def cycle(self) -> SyncReport:
        """One cycle now, in the caller's thread, reported like the others. An unexpected
        failure (a store that refuses writes) is reported, then raised to the caller."""
        self.on_event(CycleStarted())
        try:
            report = self.session.sync()
        except Exception as exc:
            error = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            self._delay = self._next_delay(None)
            self.on_event(CycleFinished(None, error, self._delay))
            raise
        self._delay = self._next_delay(report)
        self.on_event(CycleFinished(report, None, self._delay))
        return report

    def run(self, *, first_now: bool = True) -> None:
        """Cycles until `stop`, each scheduling the next; with `first_now` false, the first
        waits for a wake-up or the schedule."""
        if self.watch:
            self._watcher = threading.Thread(target=self._watch, name="drop-folder", daemon=True)
            self._watcher.start()
        if not first_now:
            self._idle.set()
            self._wake.wait(timeout=self._next_delay(None))
        while not self._stop.is_set():
            self._idle.clear()
            self._wake.clear()
            with contextlib.suppress(Exception):  # reported; the loop outlives any one cycle
                self.cycle()
            if self._stop.is_set():
                break
            if not self._wake.is_set():
                self._idle.set()
            self._wake.wait(timeout=self._delay)
        self._idle.set()

    def _next_delay(self, report: SyncReport | None) -> float:
        try:
            delay = self.session.next_delay()
        except Exception:  # noqa: BLE001 - an unreadable store: try again in a while
            delay = 60.0
        if report is not None and report.dropped.waiting:
            delay = min(delay, SETTLE_SECONDS + 0.5)
        return max(self.min_delay, delay)

    def _watch(self) -> None:
        from watchfiles import watch

        folder = self.session.drop_folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            polling = bool(getattr(self.session, "polling", False))
            for _ in watch(
                folder,
                recursive=False,
                stop_event=self._stop,
                force_polling=polling or None,
                poll_delay_ms=1000,
                rust_timeout=1000,  # look at the stop event every second
            ):
                self.wake()
        except OSError:
            return  # no folder to watch: files are still taken in at each cycle
        except Exception:  # noqa: BLE001 - watchfiles cannot name a file (not UTF-8): look
            self._poll(folder)  # at the folder ourselves, names taken as bytes

    def _poll(self, folder) -> None:
        """Look at the drop folder every second and wake the loop when what it holds changes
        (names, sizes, times). Names are read as bytes: any name will do."""
        import os

        def listing() -> list[tuple[bytes, int, int]] | None:
            try:
                with os.scandir(os.fsencode(folder)) as entries:
                    found = []
                    for entry in entries:
                        info = entry.stat(follow_symlinks=False)
                        found.append((entry.name, info.st_size, info.st_mtime_ns))
                    return sorted(found)
            except OSError:
                return None

        last = listing()
        self.wake()  # a cycle after this first look: what came meanwhile is taken in
        while not self._stop.wait(1.0):
            now = listing()
            if now != last:
                self.wake()
            last = now
