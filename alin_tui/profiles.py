"""Households as profiles: one directory each under `<data>/profiles/` (store, token, drop folder).

A profile exists once created (`profiles add`, or `login`, which sets a household up); the
`default` profile always exists, so that a first start needs no set-up. Any other command on a
profile that does not exist is an error that names the existing ones. Directories are private
(0700) whatever the umask: they hold identity papers and incomes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

from alin_tui.exits import EXIT_OK, EXIT_USAGE, UsageError

DEFAULT = "default"
# Stages where there is no national dossier to be complete or not (a count would mislead).
# Where each next step happens (the national file or AL-in), as the Ma demande tab says it.
SITE_OF_STEP = {"link_number": "alin", "refresh_situation": "alin", "apply": "alin"}
NO_DOSSIER = ("no_demand", "draft_without_number", "number_without_account", "radiated")


def root(data_dir: Path) -> Path:
    return data_dir / "profiles"


def names(data_dir: Path) -> list[str]:
    """The profiles that exist, sorted; `default` among them only once it holds something."""
    from alin_tui.config import _PROFILE

    base = root(data_dir)
    try:
        entries = sorted(e.name for e in base.iterdir() if e.is_dir())
    except OSError:
        return []
    known = [name for name in entries if _PROFILE.match(name) and not name.startswith(".")]
    return sorted(known, key=_collation)


def _collation(name: str) -> tuple[str, str]:
    """Alphabetical as people read it: « Élodie » between « diallo » and « martin »."""
    import unicodedata

    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return bare.casefold(), name


def exists(settings) -> bool:
    return settings.profile_dir.is_dir()


def require(settings, t, *, to_create: bool = True) -> None:
    """An unknown profile is an error (exit 1) that names the existing ones, and how to create
    it when that is what the command needs (not for `remove` or `rename`)."""
    if settings.profile == DEFAULT or exists(settings):
        return
    known, command = names(settings.data_dir), settings.command_line(DEFAULT)
    if not to_create:
        raise UsageError(
            t("profiles.unknown_plain", name=settings.profile, names=", ".join(known) or "—")
        )
    if known:
        raise UsageError(
            t("profiles.unknown", name=settings.profile, names=", ".join(known), command=command)
        )
    raise UsageError(t("profiles.unknown_none", name=settings.profile, command=command))


def _private_dir(path: Path, *, ours: bool = True) -> None:
    """Created private whatever the umask; an existing one is made private if it is ours (a
    profile's own), left as it is otherwise (a data directory the user chose may be shared)."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    elif ours:
        os.chmod(path, 0o700)


def private_store(settings) -> None:
    """The profile's directories and an empty store file, private before SQLite writes a byte
    (SQLite gives its journal files the mode of the store)."""
    _private_dir(settings.data_dir, ours=False)
    _private_dir(root(settings.data_dir))
    _private_dir(settings.profile_dir)
    if not settings.store_path.exists():
        os.close(os.open(settings.store_path, os.O_WRONLY | os.O_CREAT, 0o600))
    repair(settings.profile_dir)


def repair(profile_dir: Path) -> int:
    """Everything in a profile private again (folders 0700, files 0600), whatever a copy, an
    unpack or another umask left: names, incomes and identity papers are nobody else's. Links are
    not followed; what cannot be changed (not ours) is left for `doctor` to report. Returns how
    many modes were changed."""
    import stat

    changed = 0
    for top, dirs, files in os.walk(profile_dir):
        for name, wanted in [(d, 0o700) for d in dirs] + [(f, 0o600) for f in files]:
            path = os.path.join(top, name)
            try:
                info = os.lstat(path)
                if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == wanted:
                    continue
                os.chmod(path, wanted)
                changed += 1
            except OSError:
                continue
    return changed


def bind_server(settings, t, *, strict: bool = True):
    """A household stays on the server it logged in to (its token says which): with no server
    configured, that one; another one is refused (`strict`, for what talks to a server), since
    its data would mix with this one's. Commands that only read or queue in the store need no
    server at all and go on whatever address is configured."""
    from alin_tui.sync.tokens import stored_server

    recorded = stored_server(settings.token_path)
    if recorded is None or recorded == settings.server_key:
        return settings
    if settings.server is None and recorded != "embedded":
        return settings.model_copy(update={"server": recorded})
    if not strict:
        return settings
    bound = bound_to(t, recorded)
    given = bound_to(t, settings.server_key)
    raise UsageError(
        t(
            "profiles.other_server",
            name=settings.profile,
            bound=bound,
            given=given,
            command=settings.command_line(DEFAULT),
        )
    )


def bound_to(t, server_key: str) -> str:
    """« au bac à sable intégré », « à https://… »: a server with its preposition."""
    if server_key == "embedded":
        return t("profiles.embedded_to")
    return t("profiles.server_to", url=server_key)


def create(settings, username: str | None = None) -> Path:
    """The profile's directory, private; its account name kept when given."""
    _private_dir(settings.data_dir, ours=False)
    _private_dir(root(settings.data_dir))
    _private_dir(settings.profile_dir)
    if username:
        meta = settings.profile_dir / "profile.json"
        fd = os.open(meta, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"username": username}, f)
    return settings.profile_dir


def username_of(profile_dir: Path) -> str | None:
    try:
        data = json.loads((profile_dir / "profile.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    user = data.get("username") if isinstance(data, dict) else None
    return user if isinstance(user, str) and user else None


def account_of(settings, conn: sqlite3.Connection) -> str | None:
    """The account whose household this profile's store holds, or None while it holds nothing
    (never synced, nothing queued): another account's data must never be pulled into it, nor
    its queued changes sent under another account."""
    from alin_tui.sync.tokens import stored_username

    owner = stored_username(settings.token_path) or username_of(settings.profile_dir)
    if owner is None:
        return None
    held = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM records) OR EXISTS (SELECT 1 FROM outbox) "
        "OR EXISTS (SELECT 1 FROM uploads) "
        "OR EXISTS (SELECT 1 FROM sync_state WHERE cursor IS NOT NULL)"
    ).fetchone()[0]
    return owner if held else None


def rename(settings, new_name: str, t) -> None:
    """Renames the directory and the paths its queued uploads remember."""
    target = settings.model_copy(update={"profile": new_name})
    if target.profile_dir.exists():
        raise UsageError(t("profiles.exists", name=new_name))
    old_prefix, new_prefix = str(settings.profile_dir) + os.sep, str(target.profile_dir) + os.sep
    os.rename(settings.profile_dir, target.profile_dir)
    if target.store_path.exists():
        conn = sqlite3.connect(target.store_path)
        try:
            with conn:
                for column in ("staged", "source"):
                    conn.execute(
                        f"UPDATE uploads SET {column} = ? || substr({column}, ?) "  # noqa: S608
                        f"WHERE substr({column}, 1, ?) = ?",
                        (new_prefix, len(old_prefix) + 1, len(old_prefix), old_prefix),
                    )
        except sqlite3.OperationalError:  # a store too old to have uploads: nothing to move
            pass
        finally:
            conn.close()


def summary(settings) -> dict[str, Any]:
    """What `profiles list` shows of one household, read from its store (never synced: empty)."""
    from alin_tui.store.db import connect
    from alin_tui.sync.status import status_json

    row: dict[str, Any] = {
        "name": settings.profile,
        "username": username_of(settings.profile_dir),
        "stage": None,
        "next_step": None,
        "renewal_due_on": None,
        "days_left": None,
        "missing": None,
        "pending": None,
        "last_sync_at": None,
        "sync_state": None,
        "damaged": False,
        "store_problem": None,
        "logged_in": settings.token_path.exists(),
    }
    if not settings.store_path.exists():
        return row
    try:
        conn = connect(settings.store_path)
    except Exception as exc:  # noqa: BLE001 - a damaged store is shown as such, never a traceback
        row.update(damaged=True, store_problem=_problem(exc))
        return row
    try:
        from alin_tui.store.sync_state import server_today
        from alin_tui.sync.tokens import stored_username

        status = status_json(conn, settings.drop_folder)
        row["username"] = row["username"] or stored_username(settings.token_path)
        if status["sync"]["last_sync_at"] is None:  # an empty store: nothing to say of it yet
            row.update(pending=status["sync"]["pending"], sync_state=status["sync"]["state"])
            return row
        row.update(
            stage=status["stage"],
            next_step=status["next_step"],
            renewal_due_on=status["renewal_due_on"],
            missing=len(status["missing"]),
            pending=status["sync"]["pending"],
            last_sync_at=status["sync"]["last_sync_at"],
            sync_state=status["sync"]["state"],
        )
        if status["renewal_due_on"]:
            import datetime as dt

            due = dt.date.fromisoformat(status["renewal_due_on"])
            row["days_left"] = (due - server_today(conn)).days
    except sqlite3.DatabaseError as exc:
        row.update(damaged=True, store_problem=_problem(exc))
    finally:
        conn.close()
    return row


def _problem(exc: BaseException) -> str:
    """« unavailable » for a store that is only out of reach here (read-only, busy): no damage;
    « damaged » for one that is no database any more."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (sqlite3.OperationalError, OSError)):
            return "unavailable"
        seen = seen.__cause__
    return "damaged"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def _list(args: argparse.Namespace, settings, t) -> int:
    known = names(settings.data_dir)
    if args.names:
        print("\n".join(known))
        return EXIT_OK
    rows = [summary(settings.model_copy(update={"profile": name})) for name in known]
    if args.json:
        from alin_tui.profiles_json import ProfileList

        print(ProfileList.model_validate({"profiles": rows}).model_dump_json(indent=2))
        return EXIT_OK
    if not rows:
        print(t("profiles.none", command=settings.command_line(DEFAULT)))
        return EXIT_OK
    table = [
        [
            t("profiles.col_profile"),
            t("profiles.col_stage"),
            t("profiles.col_renewal"),
            t("profiles.col_missing"),
            t("profiles.col_sync"),
        ]
    ]
    for row in rows:
        name = row["name"] + (" *" if row["name"] == settings.profile else "")
        if row["damaged"]:
            words = (
                "profiles.unavailable"
                if row.get("store_problem") == "unavailable"
                else ("profiles.damaged")
            )
            table.append([name, t(words), "", "", ""])
            continue
        stage = (
            t(f"stage.{row['stage']}")
            if row["stage"] and row["last_sync_at"]
            else t("profiles.not_synced_yet")
        )
        if row["stage"] == "radiated":
            renewal = t("profiles.renewal_none")
        elif row["renewal_due_on"] and row["days_left"] is not None:
            key = "profiles.renewal_in" if row["days_left"] >= 0 else "profiles.renewal_past"
            renewal = t(key, date=t.date_short(row["renewal_due_on"]), days=row["days_left"])
        else:
            renewal = t("profiles.renewal_none")
        missing = (
            t("profiles.renewal_none")
            if row["missing"] is None or row["stage"] in NO_DOSSIER
            else str(row["missing"])
            if row["missing"]
            else t("profiles.missing_none")
        )
        synced = (
            t.date_short(row["last_sync_at"]) + " " + t.time(row["last_sync_at"])
            if row["last_sync_at"]
            else t("profiles.never_synced")
        )
        table.append([name, stage, renewal, missing, synced])
    steps = {
        r["name"]: _step_of(r, settings.command_line(r["name"]), t)
        for r in rows
        if r["next_step"] or not r["damaged"]
    }
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    if width is not None and max(map(len, _table(table))) > width:
        # A narrow terminal: one block each (wrapped at words by `terminal_text`, as every
        # line a command prints on a terminal).
        for line in _cards(table, rows, steps, t):
            print(line)
        return EXIT_OK
    for line in _table(table):
        print(line)
    if steps:
        print()
        for name, words in steps.items():
            print(t("profiles.all_line", profile=name, message=words))
    return EXIT_OK


def _cards(table, rows, steps, t) -> list[str]:
    """The table as one block per household: the name and stage, then the other columns and the
    next step."""
    header, lines = table[0], []
    for cells, row in zip(table[1:], rows, strict=True):
        lines.append(f"{cells[0]} — {cells[1]}")
        details = " · ".join(  # a value kept on one line (no-break spaces); none left out
            t("profiles.card_cell", label=label, value=value.replace(" ", "\u00a0"))
            for label, value in zip(header[2:], cells[2:], strict=True)
            if value and value != t("profiles.renewal_none")
        )
        if details:
            lines.append("  " + details)
        if row["name"] in steps:
            lines.append("  → " + steps[row["name"]])
    return lines


def _step_of(row: dict[str, Any], command: str, t) -> str:
    """What to do next for a household: its dossier's next step, or, before its first sync, to
    log in or to sync."""
    if row["next_step"]:
        return _next_step_words(row["next_step"], t)
    key = "profiles.step_sync" if row["logged_in"] else "profiles.step_login"
    return t(key, command=command)


def _next_step_words(step: str, t) -> str:
    """The next step and where it happens, in the printed summary's words (no app keys)."""
    site = t(f"site.{SITE_OF_STEP.get(step, 'sne')}")
    return t("profiles.next_line", site=site, step=t(f"export.next_step.{step}"))


def _confirmed(name: str, t) -> bool:
    if not sys.stdin.isatty():
        raise UsageError(t("profiles.needs_yes", name=name))
    answer = input(t("profiles.confirm_remove", name=name)).strip().lower()
    return answer in t("profiles.yes_answers").split(",")


def run(args: argparse.Namespace, settings, t) -> int:
    """`alin-tui profiles list|add|remove|rename`."""
    command = args.profiles_command
    if command == "list":
        return _list(args, settings, t)
    from pydantic import ValidationError

    try:
        target = settings.model_copy(update={"profile": args.name})
        type(settings).model_validate({"profile": args.name})
        if command == "rename":
            type(settings).model_validate({"profile": args.new_name})
    except ValidationError as exc:
        from alin_tui.config import describe_error

        raise UsageError(describe_error(exc.errors()[0], t)) from exc
    if command == "add":
        if exists(target):
            raise UsageError(t("profiles.exists", name=args.name))
        create(target, args.username)
        print(
            t(
                "profiles.created",
                name=args.name,
                path=target.profile_dir,
                command=target.command_line(),
            )
        )
        return EXIT_OK
    require(target, t, to_create=False)
    if command == "remove":
        if not exists(target):  # the default profile, never used: nothing to remove
            print(t("profiles.removed", name=args.name))
            return EXIT_OK
        if not args.yes and not _confirmed(args.name, t):
            print(t("profiles.not_removed"))
            return EXIT_USAGE
        shutil.rmtree(target.profile_dir)
        print(t("profiles.removed", name=args.name))
        return EXIT_OK
    if command == "rename":
        if not exists(target):
            create(target)
        rename(target, args.new_name, t)
        print(t("profiles.renamed", old=args.name, new=args.new_name))
        return EXIT_OK
    raise UsageError(command)


def store_error(exc, t, path) -> str:
    """A store that cannot be opened, in words: damaged, or made by a newer version."""
    cause = exc.__cause__
    if isinstance(cause, sqlite3.DatabaseError) and not isinstance(cause, sqlite3.OperationalError):
        return t("cli_msg.store_damaged", path=path)
    if isinstance(cause, sqlite3.OperationalError):
        return t("cli_msg.store_refuses", message=cause)
    return str(exc)


def open_store(settings, t) -> sqlite3.Connection:
    """A profile's store for a command: private, migrated; what stops it said in words."""
    from alin_tui.exits import StoreUnusable
    from alin_tui.sqlite import MigrationError
    from alin_tui.store import storage
    from alin_tui.store.db import connect

    try:
        private_store(settings)
    except OSError as exc:  # a read-only or full disk, a file where a folder should be
        if storage.kind_of(exc) is not None:
            raise StoreUnusable(storage.describe(exc, t, settings.profile_dir)) from exc
        raise StoreUnusable(
            t("cli_msg.cannot_create", path=settings.profile_dir, message=exc.strerror or exc)
        ) from exc
    try:
        return connect(settings.store_path)
    except MigrationError as exc:
        raise StoreUnusable(store_error(exc, t, settings.store_path)) from exc
    except sqlite3.Error as exc:  # read-only, locked or full before any migration could run
        raise StoreUnusable(storage.describe(exc, t, settings.profile_dir)) from exc
