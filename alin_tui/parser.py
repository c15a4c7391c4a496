"""The whole command line as an argparse parser, every word of its help from the catalogs.

Built in the language `cli.main` found before anything heavy (`lang.early_lang`); the completion
scripts (`alin-tui completion`) are generated from this very parser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Callable


def _common(parser: argparse.ArgumentParser, t, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group(t("cli.common"))
    group.add_argument("--server", default=default, metavar=_m(t, "URL"), help=t("cli.server"))
    group.add_argument("--data-dir", default=default, metavar=_m(t, "PATH"), help=t("cli.data_dir"))
    group.add_argument("--profile", default=default, metavar=_m(t, "NAME"), help=t("cli.profile"))
    group.add_argument("--lang", default=default, choices=("fr", "en"), help=t("cli.lang"))


def _interface(parser: argparse.ArgumentParser, t) -> None:
    """Options of the full-screen interface (no command); None when absent, so that the
    configuration file and the ALIN_* variables apply."""
    group = parser.add_argument_group(t("cli.interface"))
    group.add_argument(
        "--theme", default=None, choices=("auto", "dark", "light", "ansi"), help=t("cli.theme")
    )
    group.add_argument(
        "--low-bandwidth", action="store_true", default=None, help=t("cli.low_bandwidth")
    )
    group.add_argument(
        "--no-mouse", dest="mouse", action="store_false", default=None, help=t("cli.no_mouse")
    )
    group.add_argument("--kiosk", action="store_true", default=False, help=t("cli.kiosk"))


# Argument types that say what they expected, in the user's language (argparse would print
# "invalid float value" and let nan, inf or 1e308 through).
def _attention_number(t) -> Callable:
    """`attention ok 7` (a queued change) or `attention ok F3` (a refused dropped file)."""
    whole = _whole(t)

    def parse(value: str) -> int | str:
        text = value.strip()
        if text[:1] in ("F", "f") and text[1:].isdigit():
            return "F" + str(int(text[1:]))
        return whole(text)

    return parse


def _whole(
    t, minimum: int = 0, maximum: int | None = None, key: str = "cli.bad_number"
) -> Callable:
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(t(key, value=value)) from None
        if n < minimum:
            raise argparse.ArgumentTypeError(t("cli.at_least", minimum=minimum, value=value))
        if maximum is not None and n > maximum:
            raise argparse.ArgumentTypeError(t(key, value=value))
        return n

    return parse


def _euros(t) -> Callable:
    def parse(value: str) -> float:
        try:
            n = float(value.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.bad_amount", value=value)) from None
        if not math.isfinite(n) or not 0 <= n <= 1_000_000:
            raise argparse.ArgumentTypeError(t("cli.bad_amount", value=value))
        return n

    return parse


def _day(t) -> Callable:
    def parse(value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.bad_date", value=value)) from None

    return parse


def _accounts_epilog(t) -> str:
    from alin_tui.sandbox.accounts import ACCOUNTS

    lines = [t("cli.accounts")]
    for user, what in ACCOUNTS.items():
        words = t(f"accounts.{user}")
        lines.append(f"  {user:<15} {what if words == f'accounts.{user}' else words}")
    return "\n".join(lines)


def _typology(t) -> Callable:
    """« T3 », « t3 », « F3 », « studio »: a type of dwelling the offers have; anything else
    said with the ones there are, rather than a silent empty list."""

    def parse(value: str) -> str:
        from alin_tui.domain.offer_query import TYPOLOGIES, typology_code

        code = typology_code(value)
        if code not in TYPOLOGIES:
            raise argparse.ArgumentTypeError(
                t("cli.bad_typology", value=value, choices=", ".join(TYPOLOGIES))
            )
        return code

    return parse


def _filters(parser: argparse.ArgumentParser, t) -> None:
    parser.add_argument("--commune", metavar=_m(t, "COMMUNE"), help=t("cli.offers_commune"))
    parser.add_argument(
        "--typology", type=_typology(t), metavar=_m(t, "TYPE"), help=t("cli.offers_typology")
    )
    parser.add_argument(
        "--max-rent", type=_euros(t), metavar=_m(t, "EUROS"), help=t("cli.offers_max_rent")
    )


def _m(t, name: str) -> str:
    """A placeholder of the help (NAME, PATH…) in the help's language."""
    words = t(f"metavar.{name}")
    return name if words == f"metavar.{name}" else words


class Parser(argparse.ArgumentParser):
    """Bad usage is one line and exit 1 (PROTOCOL.md §8), with where to read more; argparse's
    own habit (the whole usage block, exit 2) would read as a network failure to a script."""

    translator = None

    def error(self, message: str):  # type: ignore[override]
        t = self.translator
        if t is None:
            self.exit(1, f"{self.prog}: {message}\n")
        line = t("cli.error_line", prog=self.prog, message=message)
        self.exit(1, f"{line}\n{t('cli.see_help', prog=self.prog)}\n")


def _group(parent: argparse.ArgumentParser, dest: str, t) -> Callable:
    """A command made of sub-commands (`offers search|save…`, `profiles list|add…`): returns
    the function that adds one, with its help and the common options."""
    children = parent.add_subparsers(dest=dest, metavar=t(f"cli.{dest}"), required=True)

    def child(name: str, help_key: str) -> argparse.ArgumentParser:
        p = children.add_parser(name, help=t(help_key), description=t(help_key))
        _common(p, t, suppress=True)
        return p

    return child


def _address(p: argparse.ArgumentParser, t, command: str, *, port: int) -> None:
    """`--host` (loopback by default) and `--port` of a command that serves over HTTP."""
    p.add_argument(
        "--host", default="127.0.0.1", metavar=_m(t, "HOST"), help=t(f"cli.{command}_host")
    )
    p.add_argument(
        "--port",
        type=_whole(t, 1, 65535, "cli.bad_port"),
        default=port,
        metavar=_m(t, "N"),
        help=t(f"cli.{command}_port"),
    )


def build_parser(t=None) -> argparse.ArgumentParser:
    """The whole command line, its help in the language of `t` (a Translator)."""
    if t is None:
        from alin_tui.ui.i18n import Translator

        t = Translator("fr")
    from alin_tui.argparse_fr import install

    install(t.lang)
    raw = argparse.RawDescriptionHelpFormatter
    Parser.translator = t
    parser = Parser(prog="alin-tui", description=t("cli.description"), epilog=t("cli.epilog"))
    _common(parser, t, suppress=False)
    _interface(parser, t)
    sub = parser.add_subparsers(dest="command", metavar=t("cli.command"))

    def command(name: str, help_key: str, **kwargs) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=t(help_key), description=t(help_key), **kwargs)
        _common(p, t, suppress=True)
        return p

    serve = command("serve", "cli.serve", formatter_class=raw, epilog=_accounts_epilog(t))
    _address(serve, t, "serve", port=8765)
    serve.add_argument("--db", metavar=_m(t, "PATH"), help=t("cli.serve_db"))
    serve.add_argument(
        "--seed", type=_whole(t), default=1, metavar=_m(t, "N"), help=t("cli.serve_seed")
    )
    serve.add_argument(
        "--offers", type=_whole(t), default=5000, metavar=_m(t, "N"), help=t("cli.serve_offers")
    )
    serve.add_argument(
        "--today", type=_day(t), metavar=_m(t, "YYYY-MM-DD"), help=t("cli.serve_today")
    )
    serve.add_argument("--admin-token", metavar=_m(t, "T"), help=t("cli.serve_admin_token"))
    serve.add_argument(
        "--max-applications",
        type=_whole(t),
        default=3,
        metavar=_m(t, "N"),
        help=t("cli.serve_max_applications"),
    )

    web = command("web", "cli.web")
    _address(web, t, "web", port=8000)
    web.add_argument(
        "--no-kiosk", dest="kiosk", action="store_false", default=True, help=t("cli.web_no_kiosk")
    )

    login = command("login", "cli.login")
    login.add_argument("--username", metavar=_m(t, "U"), help=t("cli.login_username"))
    login.add_argument("--password-stdin", action="store_true", help=t("cli.login_password_stdin"))

    sync = command("sync", "cli.sync")
    sync.add_argument("--once", action="store_true", help=t("cli.sync_once"))
    sync.add_argument(
        "--all-profiles", dest="all_profiles", action="store_true", help=t("cli.sync_all")
    )

    status = command("status", "cli.status")
    status.add_argument("--json", action="store_true", help=t("cli.json"))

    offers_command = _group(command("offers", "cli.offers"), "offers_command", t)

    search = offers_command("search", "cli.offers_search")
    search.add_argument(
        "text", nargs="?", default="", metavar=_m(t, "TEXT"), help=t("cli.offers_text")
    )
    _filters(search, t)
    search.add_argument(
        "--limit", type=_whole(t, 1), default=50, metavar=_m(t, "N"), help=t("cli.offers_limit")
    )
    search.add_argument("--all", action="store_true", help=t("cli.offers_all"))
    search.add_argument("--json", action="store_true", help=t("cli.json"))

    save = offers_command("save", "cli.offers_save")
    save.add_argument("name", metavar=_m(t, "NAME"), help=t("cli.offers_save_name"))
    save.add_argument(
        "text", nargs="?", default="", metavar=_m(t, "TEXT"), help=t("cli.offers_text")
    )
    _filters(save, t)

    new = offers_command("new", "cli.offers_new")
    new.add_argument("--search", metavar=_m(t, "NAME"), help=t("cli.offers_new_search"))
    new.add_argument(
        "--mark-read", dest="mark_read", action="store_true", help=t("cli.offers_new_mark_read")
    )
    new.add_argument("--json", action="store_true", help=t("cli.json"))

    saved = offers_command("saved", "cli.offers_saved")
    saved.add_argument("--json", action="store_true", help=t("cli.json"))

    unsave = offers_command("unsave", "cli.offers_unsave")
    unsave.add_argument("name", metavar=_m(t, "NAME"), help=t("cli.offers_save_name"))

    apply_ = command("apply", "cli.apply")
    apply_.add_argument("offer_id", metavar=_m(t, "OFFER_ID"), help=t("cli.apply_offer"))

    withdraw = command("withdraw", "cli.withdraw")
    withdraw.add_argument(
        "application_id", metavar=_m(t, "APPLICATION_ID"), help=t("cli.withdraw_application")
    )

    attention_command = _group(command("attention", "cli.attention"), "attention_command", t)
    seen = attention_command("list", "cli.attention_list")
    seen.add_argument("--json", action="store_true", help=t("cli.json"))
    for name, help_key in (("ok", "cli.attention_ok"), ("keep-mine", "cli.attention_keep_mine")):
        acted = attention_command(name, help_key)
        acted.add_argument(
            "number", type=_attention_number(t), metavar=_m(t, "N"), help=t("cli.attention_number")
        )

    profiles_command = _group(command("profiles", "cli.profiles"), "profiles_command", t)

    listing = profiles_command("list", "cli.profiles_list")
    listing.add_argument("--json", action="store_true", help=t("cli.json"))
    listing.add_argument("--names", action="store_true", help=argparse.SUPPRESS)  # completion
    add = profiles_command("add", "cli.profiles_add")
    add.add_argument("name", metavar=_m(t, "NAME"), help=t("cli.profile_name"))
    add.add_argument("--username", metavar=_m(t, "U"), help=t("cli.profiles_add_username"))
    remove = profiles_command("remove", "cli.profiles_remove")
    remove.add_argument("name", metavar=_m(t, "NAME"), help=t("cli.profile_name"))
    remove.add_argument("--yes", action="store_true", help=t("cli.profiles_yes"))
    rename = profiles_command("rename", "cli.profiles_rename")
    rename.add_argument("name", metavar=_m(t, "NAME"), help=t("cli.profile_name"))
    rename.add_argument("new_name", metavar=_m(t, "NEW"), help=t("cli.profile_new_name"))

    doctor = command("doctor", "cli.doctor")
    doctor.add_argument("--fix", action="store_true", help=t("cli.doctor_fix"))
    doctor.add_argument("--json", action="store_true", help=t("cli.json"))

    export = command("export", "cli.export")
    export.add_argument(
        "--format", choices=("md", "html", "pdf"), default=None, help=t("cli.export_format")
    )
    export.add_argument("--output", metavar=_m(t, "PATH"), help=t("cli.export_output"))

    completion = command(
        "completion", "cli.completion", formatter_class=raw, epilog=t("cli.completion_epilog")
    )
    completion.add_argument("shell", choices=("bash", "zsh"), help=t("cli.completion_shell"))
    return parser
