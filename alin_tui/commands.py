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
from collections.abc import Iterator

from alin_tui.cli import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    UsageError,
    _settings,
)


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
            answer = session._client.login(username, password)
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
        session.on_token(answer.token, answer.expires_at)
    print(f"Connecté en tant que {username} ; jeton gardé dans {settings.token_path}.")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _store(settings).close()  # migrations, with a clear message if they cannot run
    with open_session(settings) as session:
        if args.once:
            session.settle = 0.0  # one-shot: whatever waits in the folder is complete
            return _report(session.sync())
        return _sync_forever(session, settings)


def _report(report) -> int:
    from alin_tui.sync.client import BadResponse, Offline, ServerError, Unauthorized

    for item in report.dropped.taken:
        print(f"pris en charge : {item}")
    for item in report.dropped.refused:
        print(f"refusé : {item['file']} ({item['reason']})", file=sys.stderr)
    for r in report.rejected + report.conflicts:
        print(
            f"{r['service']} #{r['id']} {r.get('code') or r['status']} : {r.get('message', '')}",
            file=sys.stderr,
        )
    code = EXIT_OK
    if report.rejected or report.conflicts or report.dropped.refused:
        code = EXIT_REFUSED
    error = report.error
    if error is not None:
        print(f"alin-tui : {error.message}", file=sys.stderr)
        if isinstance(error, Offline | ServerError | Unauthorized | BadResponse):
            return EXIT_UNREACHABLE
        return EXIT_UNREACHABLE
    if code == EXIT_OK:
        print(f"synchronisé : {report.pushed} envoi(s), {report.changes} changement(s) reçus.")
    return code


def _sync_forever(session, settings) -> int:
    import threading

    from alin_tui.store.db import connect
    from alin_tui.sync import dropfolder

    wake = threading.Event()
    stop = threading.Event()

    def watch() -> None:
        from watchfiles import watch as watch_files

        settings.drop_folder.mkdir(parents=True, exist_ok=True)
        for _ in watch_files(settings.drop_folder, stop_event=stop, recursive=False):
            wake.set()

    threading.Thread(target=watch, daemon=True, name="drop-folder").start()
    try:
        while True:
            report = session.sync()
            _report(report)
            db = connect(settings.store_path)
            delay = session.engine(db).next_delay()
            db.close()
            if report.dropped.waiting:
                delay = min(delay, dropfolder.SETTLE_SECONDS + 0.5)
            wake.wait(timeout=delay)
            wake.clear()
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        stop.set()


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
    from alin_tui.sync.engine import fault

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
    print(
        f"en file : {row.name} #{row.mutation_id} ({row.service}) ; "
        "envoyé à la prochaine synchronisation"
    )
    return EXIT_OK
