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
import sys
from collections.abc import Iterator, MutableMapping

from alin_tui.exits import EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, UsageError

ONCE_INTAKE_WAIT = 30.0  # seconds `sync --once` waits for dropped files still being written


def _settings(args: argparse.Namespace):
    import tomllib

    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from alin_tui.config import Settings, default_config_file

    overrides = {
        k: getattr(args, k)
        for k in ("server", "data_dir", "profile", "lang", "theme", "low_bandwidth", "mouse")
        if getattr(args, k, None) is not None
    }
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(
            f"Réglage invalide ({'.'.join(map(str, first['loc']))}) : "
            f"{first['msg'].removeprefix('Value error, ')}"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(
            f"fichier de configuration illisible ({default_config_file()}) : {exc} ; "
            "corrigez-le ou déplacez-le."
        ) from exc
    except SettingsError as exc:  # a complex ALIN_* variable (ALIN_KEYMAP) that is not JSON
        raise UsageError(f"Réglage invalide : {exc} ; attendu du JSON.") from exc


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
                user = settings.username or (
                    settings.profile if settings.profile in ACCOUNTS else "demo"
                )
                credentials = Credentials(user, user)
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


def _store(settings):
    from alin_tui.sqlite import MigrationError
    from alin_tui.store.db import connect

    try:
        return connect(settings.store_path)
    except MigrationError as exc:
        raise UsageError(str(exc)) from exc


def cmd_login(args: argparse.Namespace) -> int:
    from alin_tui.sync.client import Offline, ServerError, SyncError, Unauthorized
    from alin_tui.sync.session import Credentials

    settings = _settings(args)
    username = args.username or settings.username
    if not username:
        if not sys.stdin.isatty():
            raise UsageError("identifiant manquant : --username U")
        username = input("Identifiant : ").strip()
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Mot de passe : ")
    else:
        raise UsageError("mot de passe : utilisez --password-stdin hors d'un terminal")
    with open_session(settings, credentials=Credentials(username, password)) as session:
        try:
            session.login.renew()  # logs in and stores the token (0600)
        except Unauthorized:
            print(
                "alin-tui : connexion refusée : identifiant ou mot de passe incorrect.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        except (Offline, ServerError) as exc:
            print(f"alin-tui : {exc.message}", file=sys.stderr)
            return EXIT_UNREACHABLE
        except SyncError as exc:
            print(f"alin-tui : connexion refusée : {exc.message}", file=sys.stderr)
            return EXIT_USAGE
    print(f"Connecté en tant que {username} ; jeton gardé dans {settings.token_path}.")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from alin_tui.sync.loop import SyncLoop

    settings = _settings(args)
    _store(settings).close()  # migrations, with a clear message if they cannot run
    with open_session(settings) as session:
        session.polling = settings.drop_folder_polling
        t = _translator(settings)
        if args.once:
            # One-shot: a file still being written is waited for (up to half a minute), never
            # taken cut short; another process's intake is waited for as long.
            session.intake_wait = ONCE_INTAKE_WAIT
            return _report(SyncLoop(session, watch=False).cycle(), t)
        loop = SyncLoop(session, on_event=lambda event: _print_cycle(event, t))
        try:
            loop.run()
        except KeyboardInterrupt:
            loop.stop()
        return EXIT_OK


def _translator(settings):
    from alin_tui.ui.i18n import Translator

    return Translator(settings.lang)


def _print_cycle(event, t) -> None:
    from alin_tui.sync.loop import CycleFinished

    if isinstance(event, CycleFinished):
        if event.report is not None:
            _report(event.report, t)
        if event.error:
            print(f"alin-tui : {event.error}", file=sys.stderr)


def _report(report, t) -> int:
    from alin_tui.sync.client import BadResponse, Offline, ServerError, Unauthorized

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
        print(t("intake.cli_waiting", count=len(dropped.waiting)))
    if dropped.busy:
        print(t("intake.cli_busy"))
    if dropped.disk_full:
        print(t("intake.cli_disk_full"), file=sys.stderr)
    for r in report.rejected + report.conflicts:
        number = f" #{r['id']}" if r.get("id") is not None else ""
        print(
            f"{r['service']}{number} {r.get('code') or r['status']} : {r.get('message', '')}",
            file=sys.stderr,
        )
    code = EXIT_OK
    if report.rejected or report.conflicts or report.dropped.refused:
        code = EXIT_REFUSED
    if report.dropped.disk_full and code == EXIT_OK:
        code = EXIT_USAGE
    error = report.error
    if error is not None:
        print(f"alin-tui : {error.message}", file=sys.stderr)
        if isinstance(error, Offline | ServerError | Unauthorized | BadResponse):
            return EXIT_UNREACHABLE
        return EXIT_UNREACHABLE
    if code == EXIT_OK:
        print(f"synchronisé : {report.pushed} envoi(s), {report.changes} changement(s) reçus.")
    return code


def cmd_status(args: argparse.Namespace) -> int:
    from alin_tui.sync.status import status_json

    settings = _settings(args)
    db = _store(settings)
    status = status_json(db, settings.drop_folder)
    if args.json:
        _out(status)
    else:
        sync = status["sync"]
        print(f"étape : {status['stage']} ; prochaine étape : {status['next_step']}")
        print(
            f"numéro unique : {status['nur'] or 'aucun'} ; dossier "
            f"{'complet' if status['complete'] else 'incomplet'}"
        )
        print(f"synchronisation : {sync['state']} ({sync['pending']} en attente)")
        from alin_tui.sync import dropfolder

        waiting = dropfolder.unsorted(db, settings.drop_folder)
        if waiting:
            t = _translator(settings)
            print(t("intake.cli_status_unsorted", count=len(waiting), folder=settings.drop_folder))
            for item in waiting:
                print(f"  {item.name}")
    return EXIT_OK


def cmd_offers(args: argparse.Namespace) -> int:
    from alin_tui.store.search import search

    settings = _settings(args)
    if args.limit < 1:
        raise UsageError("--limit doit être au moins 1")
    db = _store(settings)
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
    else:
        for o in results:
            rent = (o["rent_cents"] + o["charges_cents"]) / 100
            print(
                f"{o['id']}  {o['reference']}  {o['commune']} ({o['postal_code']})  "
                f"{o['typology']}  {o['surface_m2']:.0f} m²  {rent:.2f} €"
            )
    return EXIT_OK


def cmd_apply(args: argparse.Namespace) -> int:
    from alin_tui.store import actions

    settings = _settings(args)
    db = _store(settings)
    outcome = actions.apply(db, args.offer_id, max_applications=settings.max_applications)
    from alin_tui.faults import fault

    fault("after_outbox_commit")
    return _outcome(outcome, "offre")


def cmd_withdraw(args: argparse.Namespace) -> int:
    from alin_tui.store import actions

    settings = _settings(args)
    db = _store(settings)
    return _outcome(actions.withdraw(db, args.application_id), "candidature")


def _outcome(outcome, what: str) -> int:
    if outcome.unknown is not None:
        print(f"alin-tui : {what} inconnue : {outcome.unknown}", file=sys.stderr)
        return EXIT_USAGE
    if outcome.refusal is not None:
        print(outcome.refusal.code)
        print(f"alin-tui : {outcome.refusal.message}", file=sys.stderr)
        return EXIT_REFUSED
    if outcome.dropped:
        print("candidature en attente d'envoi annulée")
        return EXIT_OK
    row = outcome.queued
    print(f"en file : {row.name} ({row.service}) ; envoyé à la prochaine synchronisation")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from alin_tui.sandbox.server import SandboxConfig, serve
    from alin_tui.sqlite import MigrationError

    settings = _settings(args)
    if args.offers < 0 or args.max_applications < 0:
        raise UsageError("--offers et --max-applications doivent être positifs.")
    config = SandboxConfig(
        db=args.db or settings.data_dir / "sandbox" / "serve.db",
        seed=args.seed,
        offers=args.offers,
        today=args.today,
        admin_token=args.admin_token,
        max_applications=args.max_applications,
    )
    try:
        serve(config, host=args.host, port=args.port, announce=lambda line: print(line, flush=True))
    except MigrationError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        print(
            f"alin-tui : impossible d'écouter sur {args.host}:{args.port} ({exc.strerror}).",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    return EXIT_OK


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


def cmd_app(args: argparse.Namespace) -> int:
    import os

    from alin_tui.sqlite import MigrationError

    settings = _settings(args)
    if settings.low_bandwidth:
        low_bandwidth_environ(os.environ)  # nothing above has imported Textual
    theme = resolve_theme(
        settings.theme, _terminal_color_system() if settings.theme == "auto" else None
    )
    try:
        with open_session(settings) as session:
            from alin_tui.ui.app import AlinApp

            session.polling = settings.drop_folder_polling
            app = AlinApp(
                settings.store_path,
                session=session,
                drop_folder=settings.drop_folder,
                staging=settings.staging,
                lang=settings.lang,
                max_applications=settings.max_applications,
                theme=theme,
                low_bandwidth=settings.low_bandwidth,
                keymap=dict(settings.keymap),
            )
            app.run(mouse=settings.mouse and os.environ.get("ALIN_MOUSE", "1") != "0")
    except MigrationError as exc:
        raise UsageError(str(exc)) from exc
    return EXIT_OK
