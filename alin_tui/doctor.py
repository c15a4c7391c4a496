"""`alin-tui doctor [--fix] [--json]`: what is wrong with this installation and this profile, and
the fix for each finding, so that a field advisor can sort out a kiosk or a laptop without us.

Six checks, in this order: the configuration in effect and where each value comes from; the
privacy of the data folder, the token and the store (`--fix` makes them private); the store's
integrity and schema, read through a read-only connection so that a damaged store is never
written, migrated or replaced; the server's reachability and the clock difference with it; the
changes waiting in the outbox; the terminal. Exit 0 when healthy, 1 when something needs the user.

Every sentence comes from the catalogs (`ui/locales/*/doctor.toml`). `--json` prints the `Report`
model below, a stable document. Importing this module stays light: pydantic, sqlite3, rich and
httpx are imported inside the checks that need them.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import shlex
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alin_tui.exits import EXIT_OK, EXIT_USAGE

CHECKS = ("config", "permissions", "store", "server", "outbox", "terminal")
SOURCES = ("command_line", "environment", "config_file", "system_language", "default", "profile")
FIELDS = (
    "server",
    "data_dir",
    "profile",
    "lang",
    "username",
    "low_bandwidth",
    "theme",
    "mouse",
    "keymap",
    "max_applications",
    "renewal_window_days",
    "tls_verify",
    "http_timeout",
    "drop_folder_polling",
)
CLI_OPTIONS = ("server", "data_dir", "profile", "lang", "theme", "low_bandwidth", "mouse")
SERVER_TIMEOUT = 3  # seconds: doctor must answer fast even when the server is gone
SKEW_LIMIT = 120  # seconds of clock difference before tokens and dates go wrong
BUSY_TIMEOUT = 3  # seconds to wait for a store another alin-tui is writing
MIN_WIDTH, MIN_HEIGHT = 80, 24
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


@dataclass(frozen=True)
class Check:
    id: str
    ok: bool
    summary: str
    fix: str | None = None
    skipped: bool = False  # not run (nothing to look at): shown with a dash, never a tick


@dataclass(frozen=True)
class Entry:
    """One setting in effect; `var` names the variable it came from, for the text output."""

    name: str
    value: Any
    source: str
    var: str | None = None


# --- the --json document -------------------------------------------------------------------


@functools.cache
def _models() -> dict[str, Any]:
    from pydantic import BaseModel, ConfigDict, JsonValue

    class CheckResult(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: Literal[CHECKS]  # type: ignore[valid-type]
        ok: bool
        summary: str
        fix: str | None

    class ConfigEntry(BaseModel):
        model_config = ConfigDict(extra="forbid")
        name: Literal[FIELDS]  # type: ignore[valid-type]
        value: JsonValue
        source: Literal[SOURCES]  # type: ignore[valid-type]

    class Report(BaseModel):
        """`alin-tui doctor --json`."""

        model_config = ConfigDict(extra="forbid")
        healthy: bool
        checks: list[CheckResult]
        config: list[ConfigEntry]

    return {"CheckResult": CheckResult, "ConfigEntry": ConfigEntry, "Report": Report}


def __getattr__(name: str) -> Any:
    """`Report`, `CheckResult`, `ConfigEntry`: built on first use, so importing stays light."""
    if name in ("Report", "CheckResult", "ConfigEntry"):
        return _models()[name]
    raise AttributeError(name)


# --- the command ---------------------------------------------------------------------------


def run(args: argparse.Namespace, t) -> int:
    settings, entries, config = _configuration(args, t)
    permissions = _check_permissions(settings, bool(getattr(args, "fix", False)), t)
    store, conn, store_state = _check_store(settings, t)
    if store_state == "damaged" and getattr(args, "fix", False):
        store = _set_aside(settings, t)
        _, conn, store_state = _check_store(settings, t)  # the fresh store and what it queues
    try:
        outbox = _check_outbox(conn, store_state, t)
    finally:
        if conn is not None:
            conn.close()
    settings, entries, server = _bound_server(settings, entries, t)
    server = server or _check_server(settings, t)
    checks = [config, permissions, store, server, outbox, _check_terminal(t)]
    healthy = all(c.ok for c in checks)
    if getattr(args, "json", False):
        _print_json(healthy, checks, entries)
    else:
        _print_text(settings.profile, healthy, checks, entries, t)
    return EXIT_OK if healthy else EXIT_USAGE


def _print_json(healthy: bool, checks: list[Check], entries: list[Entry]) -> None:
    report = _models()["Report"](
        healthy=healthy,
        checks=[{"id": c.id, "ok": c.ok, "summary": c.summary, "fix": c.fix} for c in checks],
        config=[{"name": e.name, "value": e.value, "source": e.source} for e in entries],
    )
    print(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))


def _print_text(profile: str, healthy: bool, checks: list[Check], entries, t) -> None:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "✓→×–".encode(encoding)
        good = "✓"
    except (UnicodeEncodeError, LookupError):
        good = "+"
    lines = [t("doctor.heading", profile=_clean(profile))]
    for check in checks:
        params = {
            "mark": "–" if check.skipped else good if check.ok else "!",
            "title": t(f"doctor.title.{check.id}"),
            "summary": check.summary,
        }
        if check.fix:
            lines.append(t("doctor.line_fix", fix=check.fix, **params))
        else:
            lines.append(t("doctor.line", **params))
        if check.id == "config":
            lines += [
                t(
                    "doctor.config_entry",
                    name=e.name,
                    value=_shown(e.value, t),
                    source=_source_words(e, t),
                )
                for e in entries
            ]
    failing = sum(not c.ok for c in checks)
    lines.append(t("doctor.healthy") if healthy else t.count("doctor.unhealthy", failing))
    text = "\n".join(lines)
    print(text.encode(encoding, "replace").decode(encoding))


def _clean(value: object, limit: int = 200) -> str:
    from alin_tui.ui.text import clean

    return clean(value, limit=limit)


def _shown(value: Any, t) -> str:
    if value is None or value == {} or value == "":
        return t("doctor.value.none")
    if isinstance(value, bool):
        return t("doctor.value.yes") if value else t("doctor.value.no")
    return _clean(_raw_text(value))


def _raw_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else str(value)


def _bound_server(settings, entries: list[Entry], t):
    """A profile stays on the server it logged in to (`profiles.bind_server`): with no server
    configured that one is checked, named as the profile's; another one configured is a finding,
    since `sync` refuses it."""
    import dataclasses

    from alin_tui.sync.tokens import stored_server

    recorded = stored_server(settings.token_path)
    if recorded is None or recorded == settings.server_key:
        return settings, entries, None
    if settings.server is None and recorded != "embedded":
        entries = [
            dataclasses.replace(e, value=recorded, source="profile") if e.name == "server" else e
            for e in entries
        ]
        return settings.model_copy(update={"server": recorded}), entries, None
    from alin_tui.profiles import bound_to

    bound = bound_to(t, recorded)
    given = settings.server or t("profiles.embedded")
    return (
        settings,
        entries,
        Check(
            "server",
            False,
            t("doctor.server.other", bound=bound, given=given),
            t(
                "doctor.server.other_fix",
                profile=_clean(settings.profile),
                command=settings.command_line("default"),
            ),
        ),
    )


def _source_words(entry: Entry, t) -> str:
    if entry.var:
        return t(f"doctor.source.{entry.source}", var=entry.var)
    return t(f"doctor.source.{entry.source}")


def _join(parts: list[str], t) -> str:
    return t("doctor.separator").join(parts)


# --- 1. configuration ----------------------------------------------------------------------


def _configuration(args: argparse.Namespace, t):
    """The settings in effect (refused values replaced by their defaults, so that the other
    checks can still run), each value's source, and the check's verdict."""
    import tomllib

    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from alin_tui.config import Settings, default_config_file

    overrides = {k: getattr(args, k) for k in CLI_OPTIONS if getattr(args, k, None) is not None}
    environ = dict(os.environ)
    path = default_config_file()
    shown_path = _clean(path)
    problems: list[tuple[str, str]] = []  # (summary, fix)
    file_values: dict[str, Any] = {}
    file_state = "file_absent"
    try:
        with open(path, "rb") as f:
            file_values = tomllib.load(f)
        file_state = "file_read"
    except FileNotFoundError:
        pass
    except UnicodeDecodeError:  # not text: read as a malformed file
        problems.append(
            (t("doctor.config.malformed", path=shown_path), t("doctor.config.malformed_fix"))
        )
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        if where:
            line, column = where.groups()
            problems.append(
                (
                    t("doctor.config.unreadable", path=shown_path, line=line, column=column),
                    t("doctor.config.unreadable_fix", line=line),
                )
            )
        else:  # "at end of document"
            problems.append(
                (
                    t("doctor.config.malformed", path=shown_path),
                    t("doctor.config.malformed_fix"),
                )
            )
    except OSError:
        problems.append(
            (
                t("doctor.config.unopenable", path=shown_path),
                t("doctor.config.unopenable_fix"),
            )
        )
    for key in file_values:
        if key not in FIELDS:
            problems.append(
                (
                    t("doctor.config.unknown_key", entry=_clean(key, 40)),
                    t("doctor.config.unknown_key_fix", known=", ".join(FIELDS)),
                )
            )

    # A refused value is taken out of every source (its default then applies), so that the
    # other checks still run on what is left; dictionaries are merged across sources, so putting
    # a default in front would not hide a bad [keymap].
    refused: dict[str, tuple[Any, str]] = {}  # field → (raw value, catalog key of what to give)
    hidden: set[str] = set()  # ALIN_* variables of refused fields
    settings = None
    for _ in range(len(FIELDS) + 1):
        found: dict[str, tuple[Any, str]] = {}
        try:
            with _hiding(hidden):
                settings = _reading(
                    Settings, {k: v for k, v in file_values.items() if k not in refused}
                )(**{k: v for k, v in overrides.items() if k not in refused})
            break
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else ""
                if name in FIELDS:
                    found.setdefault(name, (error.get("input"), name))
        except SettingsError as exc:  # a complex ALIN_* variable (ALIN_KEYMAP) that is not JSON
            match = re.search(r'field "(\w+)"', str(exc))
            name = match.group(1) if match and match.group(1) in FIELDS else "keymap"
            raw = next((v for k, v in environ.items() if k.upper() == f"ALIN_{name.upper()}"), "")
            found[name] = (raw, f"{name}_env")
        new = {k: v for k, v in found.items() if k not in refused}
        if not new:
            break
        for name, found_value in new.items():
            refused[name] = found_value
            hidden.update(k for k in environ if k.upper() == f"ALIN_{name.upper()}")
    if settings is None:  # cannot happen with today's fields: then every default
        with _hiding({k for k in environ if k.upper().startswith("ALIN_")}):
            settings = _reading(Settings, {})(data_dir=_default("data_dir"))

    entries = []
    for name in FIELDS:
        source, var = _source(name, overrides, file_values, environ)
        value = refused[name][0] if name in refused else getattr(settings, name)
        entries.append(Entry(name, _jsonable(value), source, var))
    by_name = {e.name: e for e in entries}
    for name, (raw, expected) in refused.items():
        where = _source_words(by_name[name], t)
        problems.append(
            (
                t(
                    "doctor.config.invalid",
                    name=name,
                    value=_clean(_raw_text(raw), 40),
                    source=where,
                ),
                t(
                    "doctor.config.invalid_fix",
                    name=name,
                    expected=t(f"doctor.expect.{expected}"),
                    source=where,
                ),
            )
        )
    if not problems:
        check = Check(
            "config",
            True,
            t("doctor.config.ok", path=shown_path, state=t(f"doctor.config.{file_state}")),
        )
    else:
        summaries = [s for s, _ in problems]
        if refused:
            summaries.append(t("doctor.config.fallback", names=", ".join(refused)))
        check = Check("config", False, _join(summaries, t), _join([f for _, f in problems], t))
    return settings, entries, check


def _default(name: str) -> Any:
    from alin_tui.config import Settings

    return Settings.model_fields[name].get_default(call_default_factory=True)


@contextlib.contextmanager
def _hiding(variables: set[str]) -> Iterator[None]:
    """Environment variables set aside while the settings are read (restored after)."""
    saved = {k: os.environ.pop(k) for k in variables if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _reading(settings_cls, file_values: dict[str, Any]):
    """The settings read from the command line, the environment, then `file_values` (the
    configuration file as doctor read it, minus what it refused) instead of the file itself."""
    from pydantic_settings import InitSettingsSource

    class Reading(settings_cls):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls,
            init_settings,
            env_settings,
            dotenv_settings,
            file_secret_settings,
        ):
            return (
                init_settings,
                env_settings,
                InitSettingsSource(settings_cls, init_kwargs=dict(file_values)),
            )

    return Reading


def _source(name: str, overrides, file_values, environ) -> tuple[str, str | None]:
    """Where a setting comes from, highest priority first (as `Settings` reads them)."""
    if name in overrides:
        return "command_line", None
    var = f"ALIN_{name.upper()}"
    for key in environ:
        if key.upper() == var:
            return "environment", key
    if name in file_values:
        return "config_file", None
    if name == "lang":
        from alin_tui.lang import LOCALE_VARS, system_lang

        if system_lang(environ):
            first = next(v for v in LOCALE_VARS if environ.get(v, "").strip())
            return "system_language", first
    return "default", None


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


# --- 2. permissions ------------------------------------------------------------------------


def _check_permissions(settings, fix: bool, t) -> Check:
    data = Path(settings.data_dir)
    if os.name != "posix":
        return Check("permissions", True, t("doctor.permissions.unchecked"))
    if not data.exists():
        return Check("permissions", True, t("doctor.permissions.no_data", path=_clean(data)))
    if not data.is_dir():
        return Check(
            "permissions",
            False,
            t("doctor.permissions.not_dir", path=_clean(data)),
            t("doctor.permissions.not_dir_fix"),
        )
    store = settings.store_path
    targets = [
        (data, PRIVATE_DIR),
        (settings.profile_dir, PRIVATE_DIR),
        (settings.token_path, PRIVATE_FILE),
        (store, PRIVATE_FILE),
        (store.with_name(store.name + "-wal"), PRIVATE_FILE),
        (store.with_name(store.name + "-shm"), PRIVATE_FILE),
    ]
    open_: list[tuple[Path, int, int]] = []
    for path, wanted in targets:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            open_.append((path, mode, wanted))
    if not open_:
        return Check("permissions", True, t("doctor.permissions.ok", path=_clean(data)))

    def item(path: Path, mode: int) -> str:
        name = path if path == data else path.relative_to(data)
        return f"{_clean(name)} ({mode:04o})"

    if not fix:
        commands = "; ".join(f"chmod {wanted:o} {shlex.quote(str(p))}" for p, _, wanted in open_)
        return Check(
            "permissions",
            False,
            t("doctor.permissions.open", items=", ".join(item(p, m) for p, m, _ in open_)),
            t("doctor.permissions.open_fix", commands=_clean(commands, 2000)),
        )
    fixed, failed = [], []
    for path, mode, wanted in open_:
        try:
            os.chmod(path, wanted)
            fixed.append(f"{item(path, mode)} → {wanted:04o}")
        except OSError:
            failed.append(item(path, mode))
    summaries = []
    if fixed:
        summaries.append(t("doctor.permissions.fixed", items=", ".join(fixed)))
    if failed:
        summaries.append(t("doctor.permissions.not_changed", items=", ".join(failed)))
        return Check(
            "permissions", False, _join(summaries, t), t("doctor.permissions.not_changed_fix")
        )
    return Check("permissions", True, _join(summaries, t))


# --- 3. store ------------------------------------------------------------------------------


def _check_store(settings, t):
    """The verdict, a read-only connection when the outbox can be read, and the store's state:
    "absent", "current", "behind" or "unusable"."""
    import sqlite3
    import urllib.parse

    from alin_tui.sqlite.migrate import MigrationError, current_version, discover
    from alin_tui.store.db import client_migrations_dir

    path = Path(settings.store_path)
    shown = _clean(path)
    if not os.path.lexists(path):
        return Check("store", True, t("doctor.store.absent")), None, "absent"
    if not path.is_file():
        return (
            Check(
                "store",
                False,
                t("doctor.store.not_file", path=shown),
                t("doctor.store.set_aside_fix"),
            ),
            None,
            "unusable",
        )
    try:
        shipped = discover(client_migrations_dir())
    except MigrationError:
        return (
            Check(
                "store", False, t("doctor.store.no_migrations"), t("doctor.store.no_migrations_fix")
            ),
            None,
            "unusable",
        )
    latest = shipped[-1].version if shipped else 0

    def unusable(summary: str, fix: str):
        if conn is not None:
            conn.close()
        return Check("store", False, summary, fix), None, "unusable"

    conn = None
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
        version = current_version(conn)
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return unusable(t("doctor.store.busy"), t("doctor.store.busy_fix"))
        return unusable(t("doctor.store.unreadable", path=shown), t("doctor.store.unreadable_fix"))
    except sqlite3.DatabaseError:
        check, _, _ = unusable(
            t("doctor.store.not_db", path=shown), t("doctor.store.set_aside_fix")
        )
        return check, None, "damaged"
    if problems != ["ok"]:
        check, _, _ = unusable(
            t.count("doctor.store.damaged", len(problems), path=shown),
            t("doctor.store.set_aside_fix"),
        )
        return check, None, "damaged"
    if version > latest:
        return unusable(
            t("doctor.store.ahead", version=version, latest=latest), t("doctor.store.ahead_fix")
        )
    if version < latest:
        conn.close()
        return (
            Check("store", True, t("doctor.store.behind", version=version, latest=latest)),
            None,
            "behind",
        )
    return (
        Check("store", True, t("doctor.store.ok", version=version, latest=latest)),
        conn,
        "current",
    )


def _set_aside(settings, t) -> Check:
    """`--fix` on a damaged store: its queued changes saved out first, then set aside."""
    from alin_tui.salvage import set_aside

    done = set_aside(Path(settings.store_path))
    summary = t(
        "doctor.store.set_aside_done",
        folder=_clean(done.folder),
        requeued=done.requeued,
        unanswered=done.unanswered,
    )
    if done.unreadable:  # set aside, but what was queued in it could not be read back: say so
        return Check("store", False, summary, t("doctor.store.queue_unreadable"))
    return Check("store", True, summary)


# --- 4. server -----------------------------------------------------------------------------


def _check_server(settings, t) -> Check:
    if not settings.server:
        return Check("server", True, t("doctor.server.sandbox"))
    import email.utils
    import time

    import httpx
    from pydantic import ValidationError

    from alin_tui import protocol

    url = settings.server.rstrip("/")
    shown = _clean(url)
    unreachable_fix = t("doctor.server.unreachable_fix")
    try:
        before = time.time()
        response = httpx.get(
            url + "/health",
            timeout=SERVER_TIMEOUT,
            headers={"Accept": "application/json", "User-Agent": "alin-tui"},
        )
        after = time.time()
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        return Check(
            "server", False, t("doctor.server.bad_url", url=shown), t("doctor.server.bad_url_fix")
        )
    except httpx.TimeoutException:
        reason = t("doctor.server.timeout", seconds=SERVER_TIMEOUT)
        return Check(
            "server",
            False,
            t("doctor.server.unreachable", url=shown, reason=reason),
            unreachable_fix,
        )
    except (httpx.HTTPError, OSError, ValueError):
        reason = t("doctor.server.refused")
        return Check(
            "server",
            False,
            t("doctor.server.unreachable", url=shown, reason=reason),
            unreachable_fix,
        )
    not_service = Check(
        "server",
        False,
        t("doctor.server.not_service", url=shown, status=response.status_code),
        t("doctor.server.not_service_fix"),
    )
    if response.status_code != 200:
        return not_service
    try:
        protocol.Health.model_validate_json(response.content)
    except ValidationError:
        return not_service
    try:
        # The real clock (tokens use it), not `server_time`: the sandbox's clock can be moved on
        # by whole days. The header has whole seconds: the server's time is within [d, d + 1).
        server = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp() + 0.5
    except (KeyError, TypeError, ValueError, IndexError):
        return Check("server", True, t("doctor.server.no_clock", url=shown))
    skew = (before + after) / 2 - server  # > 0: the local clock is ahead
    seconds = t.number(round(abs(skew)))
    if abs(skew) > SKEW_LIMIT:
        direction = t("doctor.server.ahead") if skew > 0 else t("doctor.server.behind")
        return Check(
            "server",
            False,
            t(
                "doctor.server.skew",
                url=shown,
                direction=direction,
                seconds=seconds,
                limit=SKEW_LIMIT,
            ),
            t("doctor.server.skew_fix"),
        )
    return Check("server", True, t("doctor.server.ok", url=shown, seconds=seconds))


# --- 5. outbox -----------------------------------------------------------------------------


def _check_outbox(conn, store_state: str, t) -> Check:
    if store_state == "absent":
        return Check("outbox", True, t("doctor.outbox.no_store"))
    if store_state == "behind":
        return Check("outbox", True, t("doctor.outbox.older"), skipped=True)
    if conn is None:
        return Check("outbox", True, t("doctor.outbox.not_checked"), skipped=True)
    import sqlite3

    from alin_tui.sync.status import read_sync

    try:
        sync = read_sync(conn)
    except (sqlite3.Error, ValueError):
        return Check("outbox", True, t("doctor.outbox.not_checked"), skipped=True)
    if sync.errors:
        names: list[str] = []
        for error in sync.errors:
            key = f"operation.{error['name']}"
            label = t(key)
            label = _clean(error["name"], 60) if label == key else label
            if label not in names:
                names.append(label)
        return Check(
            "outbox",
            False,
            t.count("doctor.outbox.failed", len(sync.errors), names=", ".join(names)),
            t("doctor.outbox.failed_fix"),
        )
    if sync.pending:
        return Check("outbox", True, t.count("doctor.outbox.pending", sync.pending))
    return Check("outbox", True, t("doctor.outbox.none"))


# --- 6. terminal ---------------------------------------------------------------------------


def _check_terminal(t) -> Check:
    import shutil

    from rich.console import Console

    term = os.environ.get("TERM", "")
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    # Redirected output (`doctor | less`, a test): what the terminal would show, from TERM and
    # COLORTERM, rather than "no colour" because the output is a pipe.
    system = (Console() if tty else Console(force_terminal=True)).color_system
    if os.environ.get("NO_COLOR"):
        colours = t("doctor.terminal.no_color")
    else:
        colours = t(
            {"256": "doctor.terminal.colours_256", "truecolor": "doctor.terminal.colours_true"}.get(
                system or "",
                "doctor.terminal.colours_16" if system else "doctor.terminal.colours_none",
            )
        )
    size = shutil.get_terminal_size()
    summary = t(
        "doctor.terminal.summary",
        term=f"TERM={_clean(term, 40)}" if term else t("doctor.terminal.term_unset"),
        colours=colours,
        width=size.columns,
        height=size.lines,
        output=t("doctor.terminal.tty") if tty else t("doctor.terminal.not_tty"),
    )
    findings: list[tuple[str, str]] = []
    measured = tty or "COLUMNS" in os.environ or "LINES" in os.environ
    if measured and (size.columns < MIN_WIDTH or size.lines < MIN_HEIGHT):
        findings.append(
            (
                t("doctor.terminal.small", width=size.columns, height=size.lines),
                t("doctor.terminal.small_fix"),
            )
        )
    if tty and term == "dumb":
        findings.append((t("doctor.terminal.dumb", term=term), t("doctor.terminal.dumb_fix")))
    if not findings:
        return Check("terminal", True, summary)
    return Check(
        "terminal",
        False,
        _join([summary, *(s for s, _ in findings)], t),
        _join([f for _, f in findings], t),
    )
