"""argparse's own words in French (usage, errors, the -h line): Python ships no French catalog.

Locale data, like the month names of `ui/format.py`; installed by `cli.py` when the command line
speaks French. Keys are argparse's message ids, as its source writes them.
"""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et sortir",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (au choix : %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "expected one argument": "une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut être %(matches)s"
    ),
    "not allowed with argument %s": "impossible avec l'argument %s",
    "one of the arguments %s is required": "un des arguments %s est obligatoire",
    "ignored explicit argument %r": "argument explicite ignoré %r",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}
PLURALS = {
    "expected %s argument": ("%s valeur attendue", "%s valeurs attendues"),
}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    one, many = PLURALS.get(singular, (singular, plural))
    return one if n == 1 else many


def install(lang: str) -> None:
    """argparse looks up `_` and `ngettext` in its module at each call: French words, or back to
    English."""
    import gettext

    if lang == "fr":
        argparse._ = _gettext  # type: ignore[attr-defined]
        argparse.ngettext = _ngettext  # type: ignore[attr-defined]
    else:
        argparse._ = gettext.gettext  # type: ignore[attr-defined]
        argparse.ngettext = gettext.ngettext  # type: ignore[attr-defined]
