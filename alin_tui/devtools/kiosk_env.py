"""A kiosk or `alin-tui web` run with a home and a temporary folder of its own, so that what it
writes can be listed (tests, `benchmarks/kiosk.py`); and how Debian's Chromium runs headless here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Headless, as root, on a closed network: no GPU, no background connections (refused here by the
# dozen otherwise), a first run with nothing to set up.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """`ALIN_CHROMIUM`, else Debian's `chromium` (or `chromium-browser`) on the PATH."""
    for candidate in (os.environ.get("ALIN_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def isolated_env(
    root: Path, *, idle: int, admin_keys: str | None = None, lang: str = "fr"
) -> dict[str, str]:
    """The environment of a run whose home (with a config file giving the idle time and the
    operator's keys) and temporary folder are `root/home` and `root/tmp`."""
    home, temp = root / "home", root / "tmp"
    config = home / ".config" / "alin-tui"
    config.mkdir(parents=True, exist_ok=True)
    temp.mkdir(exist_ok=True)
    lines = [f"kiosk_idle_seconds = {idle}", f'lang = "{lang}"']
    if admin_keys:
        lines.append(f'kiosk_admin_keys = "{admin_keys}"')
    (config / "config.toml").write_text("\n".join(lines) + "\n")
    env = {
        **os.environ,
        "HOME": str(home),
        "TMPDIR": str(temp),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "TERM": "xterm-256color",
    }
    for name in (
        "ALIN_DATA_DIR",
        "ALIN_SERVER",
        "ALIN_PROFILE",
        "ALIN_LANG",
        "ALIN_KIOSK_ADMIN_KEYS",
    ):
        env.pop(name, None)
    return env
