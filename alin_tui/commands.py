"""The command-line commands that work on a profile's store and sync (PROTOCOL.md §8).

Exit codes: 0 done; 1 bad usage, bad input, an unknown id, or `login` refused; 2 a server
unreachable, 5xx or 429 after the attempts, or no valid token (queued work stays queued); 3 this
run got a `rejected` or `conflict` result or refused a dropped file. 2 wins over 3.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sqlite3
import sys
from collections.abc import Iterator, MutableMapping

from alin_tui.exits import EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, UsageError

ONCE_INTAKE_WAIT = 30.0  # seconds `sync --once` waits for dropped files still being written


def translator(args: argparse.Namespace, settings=None):
    """The translator `cli.main` made from the early language, else one for the settings."""
    t = getattr(args, "translator", None)
    if t is None:
        from alin_tui.ui.i18n import Translator

        t = Translator(settings.lang if settings is not None else "fr")
    return t


def load_settings(
    args: argparse.Namespace,
    *,
    require_profile: bool = True,
    bind: bool | None = None,
    network: bool = False,
):
    """The settings in effect (defaults < file < ALIN_* < command line); an unknown profile is an
    error naming the existing ones, unless the command creates it. With `bind` (the default for
    commands on one profile), the profile stays on the server it logged in to."""
    # config first: it imports pydantic-settings without asyncio (`config._asyncio_when_used`).
    from alin_tui.config import Settings, default_config_file, describe_error

    # isort: split
    import tomllib

    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    t = translator(args)
    overrides = {
        k: getattr(args, k)
        for k in ("server", "data_dir", "profile", "lang", "theme", "low_bandwidth", "mouse")
        if getattr(args, k, None) is not None
    }
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(
            t(
                "cli_msg.settings_invalid",
                name=".".join(map(str, first["loc"])),
                message=describe_error(first, t),
            )
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        import re

        where = re.search(r"line (\d+), column (\d+)", str(exc))
        message = (
            t("cli_msg.config_where", line=where.group(1), column=where.group(2))
            if where
            else t("cli_msg.config_incomplete")
        )
        raise UsageError(
            t("cli_msg.config_unreadable", path=default_config_file(), message=message)
        ) from exc
    except UnicodeDecodeError as exc:  # not text at all (a binary file, another encoding)
        raise UsageError(
            t(
                "cli_msg.config_unreadable",
                path=default_config_file(),
                message=t("cli_msg.config_not_utf8"),
            )
        ) from exc
    except SettingsError as exc:  # a complex ALIN_* variable (ALIN_KEYMAP) that is not JSON
        raise UsageError(t("cli_msg.settings_not_json", message=exc)) from exc
    from alin_tui import profiles

    t.command = settings.command_line()  # what hints tell people to type acts on this profile
    if not settings.tls_verify:  # said every time: anyone on the way could read and change it all
        print(t("cli_msg.prefix", message=t("cli_msg.tls_off")), file=sys.stderr)
        os.environ["ALIN_TLS_VERIFY"] = "false"  # read by the HTTP client wherever it is made
    typed = getattr(args, "data_dir", None) is not None and args.command in _ONLY_READ
    if typed and not settings.data_dir.exists():  # a mistyped --data-dir: said, never made up
        raise UsageError(t("cli_msg.no_data_dir", path=settings.data_dir))
    if require_profile:
        profiles.require(settings, t)
    if bind if bind is not None else require_profile:
        settings = profiles.bind_server(settings, t, strict=network)
    return settings


_settings = load_settings

# Commands that read or queue in households already there: a --data-dir that does not exist is
# a typo, not a new folder (login, profiles add, sync and the app create one).
_ONLY_READ = frozenset({"status", "offers", "apply", "withdraw", "attention", "export"})


def _out(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


@contextlib.contextmanager
def open_session(settings, *, credentials=None) -> Iterator:
    """A sync session for the profile: the configured server with the stored token, or the
    embedded sandbox (started for the duration) with the demo account of the profile."""
    from alin_tui.sync.session import Credentials, Session
    from alin_tui.sync.tokens import read_token, write_token

    sandbox = None
    try:
        if settings.server:
            url = settings.server
        else:
            from alin_tui.sandbox.accounts import ACCOUNTS
            from alin_tui.sandbox.server import EmbeddedSandbox, SandboxConfig

            sandbox = EmbeddedSandbox(SandboxConfig(db=settings.sandbox_db))
            url = sandbox.start()
            if credentials is None:
                user = embedded_account(settings, ACCOUNTS)
                credentials = Credentials(user, user) if user else None
        session = Session(
            settings.store_path,
            url,
            credentials=credentials,
            token=read_token(settings.token_path, settings.server_key),
            drop_folder=settings.drop_folder,
            staging=settings.staging,
        )
        session.on_token = lambda token, expires: write_token(
            settings.token_path,
            server=settings.server_key,
            username=credentials.username if credentials else "",
            token=token,
            expires_at=expires.isoformat(),
        )
        try:
            yield session
        finally:
            session.close()
    finally:
        if sandbox is not None:
            sandbox.stop()


def embedded_account(settings, accounts) -> str | None:
    """Which demo account a profile uses on the embedded sandbox: the one it logged in with,
    else the account of its name, else `demo` for the default profile; else none (log in)."""
    from alin_tui.profiles import username_of
    from alin_tui.sync.tokens import stored_username

    user = (
        settings.username
        or stored_username(settings.token_path)
        or username_of(settings.profile_dir)
    )
    if user:
        return user
    if settings.profile in accounts:
        return settings.profile
    return "demo" if settings.profile == "default" else None


def store_error(exc, t, path) -> str:
    from alin_tui.profiles import store_error as words

    return words(exc, t, path)


def _store(settings, t=None):
    from alin_tui.profiles import open_store

    return open_store(settings, t or translator(argparse.Namespace(), settings))


def cmd_login(args: argparse.Namespace) -> int:
    from alin_tui import profiles
    from alin_tui.sync.client import Offline, ServerError, SyncError, Unauthorized
    from alin_tui.sync.session import Credentials

    # Logging in sets a household up; on the server it is already bound to, if any.
    settings = load_settings(args, require_profile=False, bind=True, network=True)
    t = translator(args, settings)
    username = args.username or settings.username or profiles.username_of(settings.profile_dir)
    if not username and settings.server is None:  # the embedded sandbox: its demo account
        from alin_tui.sandbox.accounts import ACCOUNTS

        username = embedded_account(settings, ACCOUNTS)
    if not username:
        if not sys.stdin.isatty():
            raise UsageError(t("cli_msg.username_missing"))
        username = input(t("cli_msg.username_prompt")).strip()
    if profiles.exists(settings):  # one profile, one household: said before any password
        conn = _store(settings, t)
        try:
            owner = profiles.account_of(settings, conn)
        finally:
            conn.close()
        if owner is not None and owner != username:
            raise UsageError(
                t(
                    "profiles.other_account",
                    name=settings.profile,
                    owner=owner,
                    username=username,
                    command=settings.command_line(profiles.DEFAULT),
                )
            )
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(t("cli_msg.password_prompt"))
    else:
        raise UsageError(t("cli_msg.password_needs_stdin"))
    new = not profiles.exists(settings)
    _store(settings, t).close()  # private directories, whatever the umask; the store migrated
    code = None
    with open_session(settings, credentials=Credentials(username, password)) as session:
        try:
            session.login.renew()  # logs in and stores the token (0600)
        except Unauthorized:
            _error(t, t("cli_msg.login_refused"))
            code = EXIT_USAGE
        except Offline:
            _error(t, t("cli_msg.login_unreachable", url=settings.server or ""))
            code = EXIT_UNREACHABLE
        except ServerError as exc:
            _error(t, sync_error_text(exc, t))
            code = EXIT_UNREACHABLE
        except SyncError as exc:
            _error(t, t("cli_msg.login_refused_because", message=exc.message))
            code = EXIT_USAGE
    if code is not None:
        if new and settings.profile != "default":  # a household that never logged in: not kept
            import shutil

            shutil.rmtree(settings.profile_dir, ignore_errors=True)
        return code
    if profiles.username_of(settings.profile_dir) not in (None, username):
        profiles.create(settings, username)  # an empty profile given to another account
    if new and settings.profile != "default":
        print(t("profiles.created_by_login", name=settings.profile))
    print(
        t(
            "cli_msg.logged_in",
            username=username,
            profile=settings.profile,
            path=settings.token_path,
        )
    )
    return EXIT_OK


def _error(t, message: str) -> None:
    print(t("cli_msg.prefix", message=message), file=sys.stderr)


def sync_error_text(error, t) -> str:
    """A sync failure in the user's language; the server's own words, when it gave some, kept."""
    from alin_tui.sync.client import BadResponse, Offline, ServerError, Unauthorized

    if isinstance(error, Offline):
        return t("sync_error.offline")
    if isinstance(error, Unauthorized):
        return t("sync_error.unauthorized")
    if isinstance(error, ServerError) and error.status == 429:  # too many tries: say how long
        wait = int(error.retry_after or 60)
        return t("sync_error.rate_limited", seconds=wait)
    if isinstance(error, ServerError):
        return t("sync_error.server", status=error.status or "")
    if isinstance(error, BadResponse):
        return t("sync_error.bad_response")
    return getattr(error, "message", None) or str(error)


def cmd_sync(args: argparse.Namespace) -> int:
    from alin_tui.sync.loop import SyncLoop

    if getattr(args, "all_profiles", False):
        return _sync_all(args)
    settings = load_settings(args, network=True)
    t = translator(args, settings)
    _store(settings, t).close()  # migrations, with a clear message if they cannot run
    with open_session(settings) as session:
        session.polling = settings.drop_folder_polling
        if args.once:
            # One-shot: a file still being written is waited for (up to half a minute), never
            # taken cut short; another process's intake is waited for as long.
            session.intake_wait = ONCE_INTAKE_WAIT
            report = SyncLoop(session, watch=False).cycle()
            code = _report(report, t)
            _say_new_offers(report, settings, t)
            return code
        print(t("cli_msg.sync_running"), flush=True)
        loop = SyncLoop(session, on_event=lambda event: _print_cycle(event, t, settings))
        try:
            loop.run()
        except KeyboardInterrupt:  # the way to stop it: said, nothing lost
            loop.stop()
            print("\n" + t("cli_msg.sync_stopped"), flush=True)
        return EXIT_OK


def _sync_all(args: argparse.Namespace) -> int:
    """Every household one after the other, one line each; the worst exit code (2 over 3 over
    1). A profile that fails does not stop the others."""

    from alin_tui import profiles

    base = load_settings(args, require_profile=False)
    t = translator(args, base)
    names = profiles.names(base.data_dir)
    if not names:
        raise UsageError(t("profiles.none", command=base.command_line(profiles.DEFAULT)))
    worst = EXIT_OK
    for name in names:
        settings = base.model_copy(update={"profile": name})
        try:
            with t.acting_on(settings.command_line()):  # hints name this household
                settings = profiles.bind_server(settings, t)
                line, code = _sync_one(settings, t)
        except UsageError as exc:  # this household only: the others go on
            code, line = EXIT_USAGE, t("profiles.all_error", message=exc)
        print(t("profiles.all_line", profile=name, message=line), flush=True)
        worst = _worse(worst, code)
    return worst


def _sync_one(settings, t) -> tuple[str, int]:
    """One household of `sync --all-profiles`: its one-line summary and exit code."""
    import io

    from alin_tui.store import storage
    from alin_tui.sync.loop import SyncLoop

    try:
        _store(settings, t).close()
        with open_session(settings) as session:
            session.polling = settings.drop_folder_polling
            session.intake_wait = ONCE_INTAKE_WAIT
            report = SyncLoop(session, watch=False).cycle()
    except sqlite3.Error as exc:
        return t("profiles.all_error", message=storage.describe(exc, t, settings.profile_dir)), (
            EXIT_USAGE
        )
    details = io.StringIO()
    with contextlib.redirect_stdout(details), contextlib.redirect_stderr(details):
        code = _report(report, t)
    line = _one_line(report, code, t)
    found = _new_offers(settings, t) if report.error is None else None
    if found:
        line += " · " + t("profiles.all_new_offers", searches=found)
    return line, code


def _one_line(report, code: int, t) -> str:
    from alin_tui.sync.client import Unauthorized

    if report.error is not None:
        if isinstance(report.error, Unauthorized):
            return t("profiles.all_not_logged_in")
        return t("profiles.all_error", message=sync_error_text(report.error, t))
    if code == EXIT_OK:
        return t("profiles.all_synced", **_counts(report, t))
    return t("profiles.all_refused")


def _counts(report, t) -> dict[str, str]:
    return {
        "sent": t.count("cli_msg.sent", report.pushed),
        "received": t.count("cli_msg.received", report.changes),
    }


def _new_offers(settings, t) -> str | None:
    """The saved searches with offers arrived since they were last announced (by the app or
    here), in words, each announced once; None when there is none."""
    from alin_tui.store import saved
    from alin_tui.ui.views import announced_text

    conn = _store(settings, t)
    try:
        announced = saved.to_notify(conn)
    except sqlite3.Error:  # a busy store: the next sync says it
        return None
    finally:
        conn.close()
    return announced_text(t, announced) if announced else None


def _worse(a: int, b: int) -> int:
    rank = {EXIT_OK: 0, EXIT_USAGE: 1, EXIT_REFUSED: 2, EXIT_UNREACHABLE: 3}
    return a if rank.get(a, 0) >= rank.get(b, 0) else b


def _say_new_offers(report, settings, t) -> None:
    if report is None or report.error is not None:
        return
    found = _new_offers(settings, t)
    if found:
        print(t("cli_msg.new_offers", searches=found), flush=True)


def _print_cycle(event, t, settings) -> None:
    from alin_tui.sync.loop import CycleFinished

    if isinstance(event, CycleFinished):
        report = event.report
        quiet = (  # a cycle that found nothing new says nothing: no line every minute
            report is not None
            and not (report.pushed or report.changes or report.rejected or report.conflicts)
            and not (report.dropped.taken or report.dropped.refused or report.dropped.unsorted)
            and report.error is None
        )
        if report is not None and not quiet:
            _report(report, t)
        if report is not None and report.changes:
            _say_new_offers(report, settings, t)
        if event.error:
            _error(t, event.error)


def _report(report, t) -> int:
    dropped = report.dropped
    for item in dropped.taken:
        line = t(
            "intake.cli_taken",
            file=item["file"],
            piece=t.piece(item.get("kind"), item.get("person")),
        )
        if item["after"] < item["before"]:
            line += " " + t(
                "intake.lighter", before=t.size(item["before"]), after=t.size(item["after"])
            )
        print(line)
    for item in dropped.unsorted:
        why = dropped.unsorted_why.get(item, "unknown")
        print(t(f"intake.cli_unsorted_{why}", file=item))
    for item in dropped.refused:
        reason = t.refusal(item["reason"], item.get("params") or {})
        print(t("intake.cli_refused", file=item["file"], reason=reason), file=sys.stderr)
    if dropped.waiting:
        print(t.count("intake.cli_waiting", len(dropped.waiting)))
    if dropped.busy:
        print(t("intake.cli_busy"))
    if dropped.disk_full:
        print(t("intake.cli_disk_full"), file=sys.stderr)
    for r in report.rejected + report.conflicts:
        from alin_tui.ui.text import clean

        what = t(f"operation.{r['name']}") if r.get("name") else r["service"]
        message = clean(str(r.get("message") or r.get("code") or r["status"]))
        print(t("cli_msg.sync_refused", what=what, message=message), file=sys.stderr)
    code = EXIT_OK
    if report.rejected or report.conflicts or report.dropped.refused:
        code = EXIT_REFUSED
    if report.dropped.disk_full and code == EXIT_OK:
        code = EXIT_USAGE
    if report.error is not None:
        _error(t, sync_error_text(report.error, t))
        return EXIT_UNREACHABLE
    # What did go through is said too when something was refused (above, on stderr).
    print(t("cli_msg.synced", **_counts(report, t)))
    return code


def cmd_status(args: argparse.Namespace) -> int:
    from alin_tui.exits import StoreUnusable

    settings = load_settings(args)
    t = translator(args, settings)
    try:
        db = _store(settings, t)
    except StoreUnusable as exc:  # status says what is wrong and still exits 0; --json has
        _error(t, str(exc))  # no document to give, and a script must not read "" as one
        return EXIT_USAGE if args.json else EXIT_OK
    if args.json:
        from alin_tui.sync.status import status_json

        _out(status_json(db, settings.drop_folder, settings.renewal_window_days))
        return EXIT_OK
    from alin_tui.status_text import status_lines

    for line in status_lines(db, settings, t):
        print(line)
    return EXIT_OK


def cmd_offers(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    t = translator(args, settings)
    if args.offers_command != "search":
        from alin_tui import alerts

        handler = {
            "save": alerts.run_save,
            "new": alerts.run_new,
            "saved": alerts.run_saved,
            "unsave": alerts.run_unsave,
        }[args.offers_command]
        return handler(args, settings, t)
    from alin_tui.domain.offer_query import MAX_TERMS
    from alin_tui.store.search import search

    if len(args.text.split()) > MAX_TERMS:  # said, so that nobody wonders about the rest
        print(
            t("cli_msg.prefix", message=t("cli_msg.search_capped", count=MAX_TERMS)),
            file=sys.stderr,
        )
    db = _store(settings, t)
    results = search(
        db,
        args.text,
        commune=args.commune,
        typology=args.typology,
        max_rent_euros=args.max_rent,
        limit=args.limit,
        include_closed=args.all,
    )
    if args.json:
        _out(results)
        return EXIT_OK
    if not results:
        from alin_tui.store import offers as offer_store

        never = offer_store.count(db, include_closed=True) == 0
        print(t("cli_msg.never_synced") if never else t("cli_msg.no_offer"))
    for line in offer_lines(results, t):
        print(line)
    if results and len(results) == args.limit:  # the list stops here: said, not left to guess
        print(t("cli_msg.search_limited", count=len(results), more=args.limit * 2), file=sys.stderr)
    return EXIT_OK


def offer_lines(offers, t) -> list[str]:
    """One readable line per offer: reference, place, size, rent in the language's format, the
    ceiling advice, and the closing date when it is near."""
    from alin_tui.ui.text import clean

    eligible = {
        True: t("cli_msg.offer_eligible_yes"),
        False: t("cli_msg.offer_eligible_no"),
        None: t("cli_msg.offer_eligible_unknown"),
    }
    lines = []
    for o in offers:
        line = t(
            "cli_msg.offer_line",
            reference=clean(o["reference"]),
            commune=clean(o["commune"]),
            postal_code=clean(o["postal_code"]),
            typology=clean(o["typology"]),
            surface=t.number(round(o["surface_m2"])) + " m²",
            rent=t.money(o["rent_cents"] + o["charges_cents"]),
            eligible=eligible.get(o.get("eligible"), ""),
        ).rstrip()
        if o.get("in_territory") is False:
            line += "  " + t("cli_msg.offer_outside")
        if o.get("closing_soon"):
            line += "  " + t("cli_msg.offer_closing", date=t.date(o.get("closes_on")))
        lines.append(line)
    return lines


def cmd_apply(args: argparse.Namespace) -> int:
    from alin_tui.store import actions

    settings = load_settings(args)
    t = translator(args, settings)
    from alin_tui.store import offers as offer_store

    db = _store(settings, t)
    offer_id = offer_store.id_of(db, args.offer_id) or args.offer_id  # an id or a reference
    outcome = actions.apply(db, offer_id, max_applications=settings.max_applications)
    from alin_tui.faults import fault

    fault("after_outbox_commit")
    code = _outcome(outcome, "offer", db, t, offer=(offer_id, settings.max_applications))
    if outcome.queued is not None:
        _say_offer(db, t, offer_id)
    return code


def _say_offer(db, t, offer_id: str) -> None:
    """The offer a queued change is about, named as on screen."""
    from alin_tui.store import offers as offer_store
    from alin_tui.ui.views import offer_title

    offer = offer_store.get(db, offer_id)
    if offer is not None:
        print(t("cli_msg.applied_to", offer=offer_title(t, offer)))


def cmd_attention(args: argparse.Namespace) -> int:
    from alin_tui import attention

    settings = load_settings(args)
    return attention.run(args, settings, translator(args, settings))


def cmd_withdraw(args: argparse.Namespace) -> int:
    from alin_tui.store import actions

    settings = load_settings(args)
    t = translator(args, settings)
    db = _store(settings, t)
    from alin_tui.store import applicant

    named = actions.application_named(db, args.application_id)  # an id, or its offer's reference
    shown = applicant.load(db).applications
    offer_id = (shown.get(named) or {}).get("offer_id") or named
    outcome = actions.withdraw(db, named)
    if outcome.unknown is not None:  # said of what was typed; a second withdrawal, as such
        gone = any(
            v.get("offer_id") == offer_id and v.get("status") == "withdrawn" for v in shown.values()
        )
        if gone:
            _error(t, t("cli_msg.already_withdrawn"))
            _say_offer(db, t, offer_id)
        else:
            _error(t, t("cli_msg.application_unknown", id=args.application_id))
        return EXIT_USAGE
    code = _outcome(outcome, "application", db, t)
    if outcome.queued is not None or outcome.dropped:
        _say_offer(db, t, offer_id)
    return code


def _outcome(outcome, what: str, db, t, *, offer: tuple[str, int] | None = None) -> int:
    if outcome.unknown is not None:
        key = "cli_msg.offer_unknown" if what == "offer" else "cli_msg.application_unknown"
        _error(t, t(key, id=outcome.unknown))
        return EXIT_USAGE
    if outcome.refusal is not None:
        from alin_tui.ui.views import apply_state, read_screen_model, refusal_text

        print(outcome.refusal.code)  # PROTOCOL.md §8: the first code, for scripts
        model = read_screen_model(db)
        if offer is not None:  # every reason at once, as the app's detail gives them
            _, words = apply_state(db, t, model, *offer)
        else:
            words = refusal_text(t, outcome.refusal, model)
        _error(t, words)
        return EXIT_REFUSED
    if outcome.dropped:
        print(t("cli_msg.queued_dropped"))
        return EXIT_OK
    print(t("cli_msg.queued", what=t(f"operation.{outcome.queued.name}")))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from alin_tui.sandbox.server import SandboxConfig, serve
    from alin_tui.sqlite import MigrationError

    settings = load_settings(args, require_profile=False)
    t = translator(args, settings)
    config = SandboxConfig(
        db=args.db or settings.data_dir / "sandbox" / "serve.db",
        seed=args.seed,
        offers=args.offers,
        today=args.today,
        admin_token=args.admin_token,
        max_applications=args.max_applications,
    )
    try:
        serve(
            config,
            host=args.host,
            port=args.port,
            announce=lambda line: print(line, flush=True),
            listening=t("cli_msg.serve_listening"),
        )
    except MigrationError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        import errno

        if exc.errno == errno.EADDRINUSE:
            _error(t, t("cli_msg.serve_port_taken", host=args.host, port=args.port))
        else:
            message = exc.strerror or exc
            _error(
                t, t("cli_msg.serve_cannot_listen", host=args.host, port=args.port, message=message)
            )
        return EXIT_UNREACHABLE
    return EXIT_OK


def cmd_profiles(args: argparse.Namespace) -> int:
    from alin_tui import profiles

    settings = load_settings(args, require_profile=False)
    return profiles.run(args, settings, translator(args, settings))


def cmd_doctor(args: argparse.Namespace) -> int:
    from alin_tui import doctor, profiles

    t = translator(args)
    try:
        settings = load_settings(args, require_profile=False)
    except UsageError:
        settings = None  # a refused setting is one of doctor's findings
    if settings is not None:
        profiles.require(settings, t)
        others = [n for n in profiles.names(settings.data_dir) if n != settings.profile]
        if not profiles.exists(settings) and others:  # `doctor` without --profile, by habit
            print(
                t(
                    "profiles.doctor_others",
                    name=settings.profile,
                    names=", ".join(others),
                    command=settings.command_line(profiles.DEFAULT),
                )
            )
    return doctor.run(args, t)


def cmd_export(args: argparse.Namespace) -> int:
    from alin_tui import export

    settings = load_settings(args)
    return export.run(args, settings, translator(args, settings))


def cmd_completion(args: argparse.Namespace) -> int:
    """A static completion script for bash or zsh, generated from the parser itself; profile
    names complete from `alin-tui profiles list --names` at <Tab> time."""
    import shtab

    from alin_tui.parser import build_parser

    parser = build_parser(translator(args))
    _complete_profiles(parser)
    print(shtab.complete(parser, shell=args.shell, preamble=_PREAMBLE))
    return EXIT_OK


_PREAMBLE = {  # the profiles of the data directory typed on the line, if one is
    "bash": (
        "_alin_tui_profiles() {\n"
        "  local i dir=()\n"
        "  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do\n"
        "    if [[ ${COMP_WORDS[i]} == --data-dir ]]; then\n"
        '      if [[ ${COMP_WORDS[i+1]} == = ]]; then dir=(--data-dir "${COMP_WORDS[i+2]}")\n'
        '      else dir=(--data-dir "${COMP_WORDS[i+1]}"); fi\n'
        "    fi\n"
        "  done\n"
        '  compgen -W "$(alin-tui "${dir[@]}" profiles list --names 2>/dev/null)" -- "$1"\n'
        "}\n"
    ),
    "zsh": (
        "_alin_tui_profiles() {\n"
        "  local -a names dir\n"
        "  local i=${words[(I)--data-dir]}\n"
        "  (( i )) && dir=(--data-dir ${~words[i+1]})\n"
        '  names=(${(f)"$(alin-tui $dir profiles list --names 2>/dev/null)"})\n'
        "  _describe profile names\n"
        "}\n"
    ),
}


def _complete_profiles(parser) -> None:
    import argparse as ap

    for action in parser._actions:
        # --profile, and the profile that `profiles remove|rename` act on
        if "--profile" in action.option_strings or (
            action.dest == "name" and parser.prog.split()[-1] in ("remove", "rename")
        ):
            action.complete = {"bash": "_alin_tui_profiles", "zsh": "_alin_tui_profiles"}
        if isinstance(action, ap._SubParsersAction):
            for sub in action.choices.values():
                _complete_profiles(sub)


def resolve_theme(choice: str, color_system: str | None) -> str:
    """The theme to start with: `auto` becomes "ansi" on a terminal of 16 colours or fewer (as
    `rich.console.Console().color_system` reports it: "standard", "windows" or None), else
    "dark"; a chosen theme is kept."""
    if choice != "auto":
        return choice
    return "ansi" if color_system in ("standard", "windows", None) else "dark"


def low_bandwidth_environ(environ: MutableMapping[str, str]) -> None:
    """Over a slow link every repaint is bytes: 256 colours at most, no animation. Textual reads
    these variables when it is first imported, so this runs before that."""
    if environ.get("TEXTUAL_COLOR_SYSTEM") not in ("standard", "windows"):  # keep a smaller one
        environ["TEXTUAL_COLOR_SYSTEM"] = "256"
    environ["TEXTUAL_ANIMATIONS"] = "none"


def _terminal_color_system() -> str | None:
    from rich.console import Console

    return Console().color_system


def _interface(settings) -> tuple[str, bool]:
    """The theme and whether the mouse is on, for the app or the kiosk; over a slow link, fewer
    colours and no animation (set before anything imports Textual)."""
    import os

    if settings.low_bandwidth:
        low_bandwidth_environ(os.environ)
    theme = resolve_theme(
        settings.theme, _terminal_color_system() if settings.theme == "auto" else None
    )
    return theme, settings.mouse and os.environ.get("ALIN_MOUSE", "1") != "0"


def cmd_app(args: argparse.Namespace) -> int:

    from alin_tui import profiles
    from alin_tui.sqlite import MigrationError

    if getattr(args, "kiosk", False):
        return run_kiosk(args)
    base = load_settings(args, bind=False)  # each household is bound to its server below
    settings = profiles.bind_server(base, translator(args, base))
    theme, mouse = _interface(settings)
    while True:  # one household at a time; the palette can open another
        _store(settings, translator(args, settings)).close()  # private, migrated, or words
        try:
            with open_session(settings) as session:
                from alin_tui.ui.app import AlinApp, SwitchProfile

                session.polling = settings.drop_folder_polling
                app = AlinApp(
                    settings.store_path,
                    session=session,
                    drop_folder=settings.drop_folder,
                    staging=settings.staging,
                    theme=theme,
                    profile=settings.profile,
                    **settings.app_options(),
                    profiles=tuple(profiles.names(settings.data_dir)),
                )
                result = app.run(mouse=mouse)
        except MigrationError as exc:
            message = store_error(exc, translator(args, settings), settings.store_path)
            raise UsageError(message) from exc
        if not isinstance(result, SwitchProfile):
            return app.return_code or EXIT_OK
        base = base.model_copy(update={"profile": result.name})
        settings = profiles.bind_server(base, translator(args, base))


def run_kiosk(args: argparse.Namespace) -> int:
    """`alin-tui --kiosk`: the demonstration on the embedded sandbox, every file in a private
    temporary folder deleted at each visit's end and when the kiosk stops (`ui/kiosk.py`). The
    user's own settings give the language, theme and the operator's keys; their data folder,
    profiles and server are never touched."""
    import os

    from alin_tui import kiosk
    from alin_tui.config import default_config_file

    settings = load_settings(args, require_profile=False, bind=False)
    t = translator(args, settings)
    web = "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")  # a session of `alin-tui web`
    if not settings.kiosk_admin_keys and not web:
        raise UsageError(t("cli_msg.kiosk_no_admin_keys", path=default_config_file()))
    check_admin_keys(settings, t)
    theme, mouse = _interface(settings)
    kiosk.end_on_signals()
    kiosk.steady_memory()
    with kiosk.KioskFolder() as folder:
        from alin_tui.ui.kiosk import KioskApp

        app = KioskApp(
            settings, kiosk.Visits(settings, folder, t, open_session), theme=theme, web=web
        )
        app.run(mouse=mouse)
    return app.return_code or EXIT_OK


def check_admin_keys(settings, t) -> None:
    """The operator's keys must be none of the keys the app binds for visitors (Ctrl+Q ends a
    visit, F5 syncs…): else a visitor could open the operator's menu."""
    if not settings.kiosk_admin_keys:
        return
    from alin_tui.ui.kiosk import visitor_keys

    taken = [k for k in settings.kiosk_admin_keys.split() if k in visitor_keys(settings.keymap)]
    if taken:
        raise UsageError(t("cli_msg.kiosk_admin_keys_taken", keys=", ".join(dict.fromkeys(taken))))


def cmd_web(args: argparse.Namespace) -> int:
    """`alin-tui web`: the app in a browser on loopback, one process per session (kiosk by
    default)."""
    settings = load_settings(args, require_profile=False, bind=False)
    t = translator(args, settings)
    from alin_tui.ui import web

    if not web.is_loopback(args.host):
        raise UsageError(t("cli_msg.web_not_loopback", host=args.host))
    if not web.port_free(args.host, args.port):
        raise UsageError(t("cli_msg.web_port_busy", port=args.port, host=args.host))
    if args.kiosk:
        check_admin_keys(settings, t)
    passed = {
        option: str(value)
        for option, value in (
            ("--server", getattr(args, "server", None)),
            ("--data-dir", getattr(args, "data_dir", None)),
            ("--profile", getattr(args, "profile", None)),
        )
        if value
    }
    command = web.app_command(kiosk=args.kiosk, lang=settings.lang, passed=passed)
    from alin_tui import kiosk

    kiosk.steady_memory()  # a server for visitors one after the other, like a kiosk
    web.serve(command, host=args.host, port=args.port, t=t, kiosk=args.kiosk)
    return EXIT_OK
