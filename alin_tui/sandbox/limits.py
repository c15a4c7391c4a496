"""Attempts that guess (a password, another applicant's number) slowed down: past a number of
failures in a window, the caller waits (429 `rate_limited` with `Retry-After`). Only failures
count, so a user who logs in or links the right number is never held back."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque


class Limiter:
    def __init__(self, failures: int, window: float, clock=time.monotonic) -> None:
        self.failures, self.window, self.clock = failures, window, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        seen = self._seen[key]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def failed(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._trim(key, now).append(now)

    def wait(self, key: str) -> int | None:
        """Seconds to wait before trying again, or None when the caller may go on."""
        with self._lock:
            now = self.clock()
            seen = self._trim(key, now)
            if len(seen) < self.failures:
                return None
            return max(1, math.ceil(seen[0] + self.window - now))

    def forget(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


def login_failures() -> Limiter:
    """Ten wrong passwords a minute per account."""
    return Limiter(10, 60.0)


def unknown_numbers() -> Limiter:
    """Ten unknown numbers tried in ten minutes per user."""
    return Limiter(10, 600.0)
