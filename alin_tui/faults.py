"""Crash tests: `ALIN_CLIENT_FAULT=<point>` kills this process right at a named point."""

from __future__ import annotations

import os
import signal


def fault(point: str) -> None:
    if os.environ.get("ALIN_CLIENT_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
