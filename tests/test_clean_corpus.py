"""The one function every server string passes through before display: a hostile corpus."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alin_tui.ui.text import clean

CORPUS = [
    "\x1b]0;pwned\x07title",  # window title
    "\x1b]8;;http://evil\x1b\\lien\x1b]8;;\x1b\\",  # hyperlink
    "\x1b[2J\x1b[H",  # clear screen
    "\x9b31mC1 CSI",
    "300 €\u202e003",  # right-to-left override
    "\u2066isolé\u2069 \u202aemb\u202c \u200fRLM",
    "zéro\u200blargeur\u200d\u2060\ufeff",
    "tag\U000e0041\U000e007f",
    "ligne\u2028paragraphe\u2029",
    "soft\u00adhyphen",
    "[bold red]markup[/]",  # stays as text: shown through Text, never parsed
    "\x00nul\x7fdel\x85nel",
]


@pytest.mark.parametrize("hostile", CORPUS)
def test_nothing_that_acts_on_a_terminal_survives(hostile: str) -> None:
    shown = clean(hostile)
    assert "\x1b" not in shown
    for char in shown:
        assert unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp"), (hostile, char)


def test_markup_is_kept_as_text_and_length_is_bounded() -> None:
    assert clean("[bold red]markup[/]") == "[bold red]markup[/]"
    assert len(clean("x" * 10_000)) == 500 and clean("x" * 10_000).endswith("…")


@given(st.text(max_size=300))
def test_any_text_comes_out_inert(text: str) -> None:
    shown = clean(text)
    assert len(shown) <= 500
    assert all(unicodedata.category(c) not in ("Cc", "Zl", "Zp") for c in shown)
    assert "\u202e" not in shown and "\u2066" not in shown and "\u200b" not in shown
