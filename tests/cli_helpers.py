"""Running the real `alin-tui` command in a subprocess against a profile directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


class Cli:
    def __init__(self, data_dir: Path, server: str | None, profile: str = "default") -> None:
        self.data_dir = data_dir
        self.server = server
        self.profile = profile

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALIN_")}
        env.update(ALIN_DATA_DIR=str(self.data_dir), ALIN_PROFILE=self.profile)
        if self.server:
            env["ALIN_SERVER"] = self.server
        env.update(extra)
        return env

    def run(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "alin_tui", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(**env),
            timeout=120,
        )

    def login(self, user: str) -> subprocess.CompletedProcess:
        return self.run("login", "--username", user, "--password-stdin", stdin=user + "\n")

    def status(self) -> dict:
        r = self.run("status", "--json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    @property
    def drop(self) -> Path:
        return Path(self.status()["drop_folder"])
