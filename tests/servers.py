"""`alin-tui serve` in its own process on a free loopback port, as users and outside tests run it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(
    db: Path, port: int, *args: str, fault: str | None = None, stdout=subprocess.DEVNULL
) -> subprocess.Popen:
    """Start the server and wait for /health; `fault` sets ALIN_SANDBOX_FAULT."""
    env = {k: v for k, v in os.environ.items() if k != "ALIN_SANDBOX_FAULT"}
    env["ALIN_DATA_DIR"] = str(db.parent / "data")
    if fault:
        env["ALIN_SANDBOX_FAULT"] = fault
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "alin_tui",
            "serve",
            "--port",
            str(port),
            "--db",
            str(db),
            "--today",
            "2026-11-27",
            *args,
        ],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health")
            return proc
        except httpx.TransportError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read()) from None
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("the server did not start")
