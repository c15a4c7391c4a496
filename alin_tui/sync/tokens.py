"""The stored login token of a profile (a JSON file, mode 0600)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path


def write_token(path: Path, *, server: str, username: str, token: str, expires_at: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(
            {"server": server, "username": username, "token": token, "expires_at": expires_at}, f
        )
    os.replace(tmp, path)


def read_token(path: Path, server: str) -> str | None:
    """The token for `server` if stored and not expired, else None."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("server") != server.rstrip("/"):
        return None
    try:
        expires = dt.datetime.fromisoformat(str(data.get("expires_at")).replace("Z", "+00:00"))
    except ValueError:
        return None
    if expires <= dt.datetime.now(dt.UTC):
        return None
    token = data.get("token")
    return token if isinstance(token, str) and token else None


def stored_username(path: Path) -> str | None:
    """The account a profile last logged in with (whatever the server), or None."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    user = data.get("username") if isinstance(data, dict) else None
    return user if isinstance(user, str) and user else None


def stored_server(path: Path) -> str | None:
    """The server a profile is logged in to ("embedded" for the built-in sandbox), or None."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    server = data.get("server") if isinstance(data, dict) else None
    return server.rstrip("/") if isinstance(server, str) and server else None
