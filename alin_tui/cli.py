"""The `alin-tui` command: the parser and the dispatch, nothing else. Commands live in
`commands.py` and import what they need lazily, so that starting stays fast; exit codes and the
errors that map to them live in `exits.py`.

Common options (--server, --data-dir, --profile, --lang) are accepted before or after the command.
The interface's own options (--theme, --low-bandwidth, --no-mouse) go with no command, which
starts the interface.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
from collections.abc import Sequence

from alin_tui.exits import EXIT_UNREACHABLE, EXIT_USAGE, Unreachable, UsageError


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("options communes")
    group.add_argument(
        "--server",
        default=default,
        metavar="URL",
        help="URL du service (env ALIN_SERVER) ; absent : bac à sable intégré",
    )
    group.add_argument(
        "--data-dir",
        default=default,
        metavar="PATH",
        help="dossier des données (env ALIN_DATA_DIR)",
    )
    group.add_argument(
        "--profile",
        default=default,
        metavar="NAME",
        help="profil, un par foyer suivi (env ALIN_PROFILE)",
    )
    group.add_argument(
        "--lang",
        default=default,
        choices=("fr", "en"),
        help="langue de l'interface (fr par défaut)",
    )


def _interface(parser: argparse.ArgumentParser) -> None:
    """Options of the full-screen interface (no command); None when absent, so that the
    configuration file and the ALIN_* variables apply."""
    group = parser.add_argument_group("interface (sans commande)")
    group.add_argument(
        "--theme",
        default=None,
        choices=("auto", "dark", "light", "ansi"),
        help="thème : auto (par défaut : ansi sur un terminal de 16 couleurs, sinon dark), "
        "dark, light ou ansi (env ALIN_THEME)",
    )
    group.add_argument(
        "--low-bandwidth",
        action="store_true",
        default=None,
        help="liaison lente (SSH) : 256 couleurs, sans animation (env ALIN_LOW_BANDWIDTH)",
    )
    group.add_argument(
        "--no-mouse",
        dest="mouse",
        action="store_false",
        default=None,
        help="sans souris, tout au clavier (bornes, SSH) (env ALIN_MOUSE=0)",
    )


def _accounts_epilog() -> str:
    from alin_tui.sandbox.accounts import ACCOUNTS

    lines = ["Comptes de démonstration (identifiant = mot de passe) :"]
    lines += [f"  {user:<15} {what}" for user, what in ACCOUNTS.items()]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alin-tui",
        description="Votre demande de logement social (fichier national + AL-in) dans un terminal.",
    )
    _common(parser, suppress=False)
    _interface(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    serve = sub.add_parser(
        "serve",
        help="lance le service bac à sable (fichier national + AL-in)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_accounts_epilog(),
    )
    _common(serve, suppress=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--db", metavar="PATH", help="base SQLite du bac à sable (réutilisée)")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--offers", type=int, default=5000, help="nombre d'offres générées")
    serve.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="jour de départ de l'horloge du bac à sable",
    )
    serve.add_argument("--admin-token", metavar="T")
    serve.add_argument("--max-applications", type=int, default=3)

    login = sub.add_parser("login", help="se connecter et garder le jeton (fichier 0600)")
    _common(login, suppress=True)
    login.add_argument("--username", metavar="U")
    login.add_argument(
        "--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard"
    )

    sync = sub.add_parser("sync", help="dépôt, envois, puis synchronisation des deux services")
    _common(sync, suppress=True)
    sync.add_argument(
        "--once", action="store_true", help="une tentative par étape, sans attendre, puis sortir"
    )

    status = sub.add_parser("status", help="où en est la demande, et la synchronisation")
    _common(status, suppress=True)
    status.add_argument("--json", action="store_true", help="sortie JSON stable")

    offers = sub.add_parser("offers", help="offres (base locale, hors ligne)")
    _common(offers, suppress=True)
    offers_sub = offers.add_subparsers(dest="offers_command", metavar="search", required=True)
    search = offers_sub.add_parser("search", help="rechercher des offres")
    _common(search, suppress=True)
    search.add_argument("text", nargs="?", default="", metavar="TEXT")
    search.add_argument("--commune")
    search.add_argument("--typology")
    search.add_argument(
        "--max-rent", type=float, metavar="EUROS", help="loyer charges comprises, en euros"
    )
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--all", action="store_true", help="inclure les offres closes")
    search.add_argument("--json", action="store_true")

    apply_ = sub.add_parser("apply", help="candidater à une offre (mise en file, hors ligne)")
    _common(apply_, suppress=True)
    apply_.add_argument("offer_id", metavar="OFFER_ID")

    withdraw = sub.add_parser("withdraw", help="retirer une candidature (mise en file)")
    _common(withdraw, suppress=True)
    withdraw.add_argument("application_id", metavar="APPLICATION_ID")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        from alin_tui import commands

        return getattr(commands, f"cmd_{args.command or 'app'}")(args)
    except UsageError as exc:
        print(f"alin-tui : {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Unreachable as exc:
        print(f"alin-tui : {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except sqlite3.Error as exc:  # full disk, read-only or locked store: nothing was saved
        print(
            f"alin-tui : la base locale refuse l'écriture ({exc}) ; rien n'a été enregistré.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
