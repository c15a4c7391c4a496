"""The language of the command line, known before anything heavy is imported.

`--lang` (anywhere on the command line) wins, then `ALIN_LANG`, then `lang` in the configuration
file, then the system's locale as gettext reads it (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`),
then French. `--help` is built in that language, so this must stay light: no pydantic here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

LANGS = ("fr", "en")
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def system_lang(environ: Mapping[str, str] | None = None) -> str | None:
    """ "fr" or "en" from the locale variables, in gettext's order; None when the first one set
    names another language (or "C"/"POSIX"): French, the product's first language, then applies."""
    env = os.environ if environ is None else environ
    for var in LOCALE_VARS:
        value = env.get(var, "").strip()
        if not value:
            continue
        first = value.split(":")[0]
        code = first[:2].lower()
        if code in LANGS:
            return code
        if var != "LANGUAGE":  # LANGUAGE lists fallbacks; the others decide
            return None
    return None


def _flag(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _config_lang() -> str | None:
    import tomllib

    from alin_tui.config_paths import default_config_file

    try:
        with open(default_config_file(), "rb") as f:
            value = tomllib.load(f).get("lang")
    except (OSError, ValueError):
        return None
    return value if isinstance(value, str) else None


def early_lang(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language to build the parser and print messages in, before settings are read."""
    env = os.environ if environ is None else environ
    for candidate in (_flag(argv), env.get("ALIN_LANG"), _config_lang(), system_lang(env)):
        if candidate in LANGS:
            return candidate
    return "fr"
