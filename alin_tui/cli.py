"""The `alin-tui` command: the parser and the dispatch, nothing else. Commands live in
`commands.py` (and a module each for the bigger ones) and import what they need lazily, so that
starting stays fast; exit codes and the errors that map to them live in `exits.py`.

Every word of `--help` and of the messages comes from the catalogs, in the language of `--lang`,
else `ALIN_LANG`, the configuration file or the system's locale (`lang.early_lang`).

Common options (--server, --data-dir, --profile, --lang) are accepted before or after the command.
The interface's own options (--theme, --low-bandwidth, --no-mouse) go with no command, which
starts the interface.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence

from alin_tui.exits import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, Unreachable, UsageError
from alin_tui.parser import build_parser  # noqa: F401 - the parser, for tests and tools


def _data_dir() -> str:
    import os

    from alin_tui.config_paths import default_data_dir

    return os.environ.get("ALIN_DATA_DIR") or str(default_data_dir())


def main(argv: Sequence[str] | None = None) -> int:
    from alin_tui.lang import early_lang
    from alin_tui.ui.i18n import Translator

    argv = list(sys.argv[1:] if argv is None else argv)
    t = Translator(early_lang(argv))
    parser = build_parser(t)
    streams = sys.stdout, sys.stderr
    args = _parse(parser, argv)
    args.translator = t
    if args.command in _PRINTING and not getattr(args, "json", False) and _on_terminal():
        from alin_tui.terminal_text import shaped

        sys.stdout, sys.stderr = shaped(sys.stdout), shaped(sys.stderr)
    try:
        return _run(args, t)
    finally:
        if (sys.stdout, sys.stderr) != streams:
            import contextlib

            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):  # a closed terminal: nothing to say
                    stream.flush()
            sys.stdout, sys.stderr = streams


def _parse(parser, argv: list[str]):
    """The arguments; a usage error said wrapped at words on a terminal, like every message."""
    stderr = sys.stderr
    try:
        if _on_terminal():  # else not even imported: start-up stays short for scripts
            from alin_tui.terminal_text import shaped

            sys.stderr = shaped(stderr)
        return parser.parse_args(argv)
    finally:
        if sys.stderr is not stderr:
            sys.stderr.flush()
            sys.stderr = stderr


def _on_terminal() -> bool:
    try:
        return sys.stdout.isatty() or sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


# The commands whose words a person reads on a terminal (not the app, the browser app, nor
# completion scripts): wrapped at words there.
_PRINTING = frozenset(
    {"login", "sync", "status", "offers", "apply", "withdraw", "attention", "profiles"}
    | {"doctor", "export", "serve"}
)


def _run(args, t) -> int:
    try:
        from alin_tui import commands

        return getattr(commands, f"cmd_{args.command or 'app'}")(args)
    except UsageError as exc:
        print(t("cli_msg.prefix", message=exc), file=sys.stderr)
        return EXIT_USAGE
    except Unreachable as exc:
        print(t("cli_msg.prefix", message=exc), file=sys.stderr)
        return EXIT_UNREACHABLE
    except BrokenPipeError:  # `alin-tui offers search x | head -1`: the reader has what it wanted
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (sqlite3.Error, OSError) as exc:  # a full disk, a read-only folder, a busy store
        from alin_tui.store import storage

        if isinstance(exc, OSError) and exc.filename is None and not isinstance(exc, sqlite3.Error):
            # Not a file of ours: the output itself (`> /dev/full`, a closed terminal).
            message = t("cli_msg.output_failed", error=exc.strerror or exc)
            print(t("cli_msg.prefix", message=message), file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, OSError) and storage.kind_of(exc) is None:
            raise
        from pathlib import Path

        folder = Path(getattr(args, "data_dir", None) or _data_dir())
        profile = getattr(args, "profile", None)
        if profile and (folder / "profiles" / profile).is_dir():  # the household's own folder
            folder = folder / "profiles" / profile
        print(t("cli_msg.prefix", message=storage.describe(exc, t, folder)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # Ctrl+C: said, and what was queued stays queued (the outbox)
        import contextlib

        with contextlib.suppress(OSError):
            print("\n" + t("cli_msg.prefix", message=t("cli_msg.interrupted")), file=sys.stderr)
        return 130
