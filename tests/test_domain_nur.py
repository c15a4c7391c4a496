"""NUR / NUD: normalisation, rejection with a reason, warnings, grouped display."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alin_tui.domain import nur
from alin_tui.domain.nur import InvalidNur

TODAY = dt.date(2026, 11, 27)
SPECIMENS = {
    "1111023517879GDPUB": ("111 1023 517879 GDPUB", (2023, 10)),
    "1110318016982G1104": ("111 0318 016982 G1104", (2018, 3)),
}


@pytest.mark.parametrize("number", SPECIMENS)
def test_specimens_are_accepted_grouped_and_dated(number: str) -> None:
    grouped, (year, month) = SPECIMENS[number]
    assert nur.normalize(number) == number
    assert nur.display(number) == grouped
    fm = nur.filing_month(number)
    assert (fm.year, fm.month) == (year, month)
    assert nur.warnings(number, TODAY) == []


@pytest.mark.parametrize(
    "typed",
    [
        "111 1023 517879 GDPUB",
        "111-1023-517879-GDPUB",
        "111.1023.517879.gdpub",
        "  1111023517879gdpub  ",
        "111 - 1023 . 517879\tGDPUB",
    ],
)
def test_spaces_dashes_dots_and_case_are_forgiven(typed: str) -> None:
    assert nur.normalize(typed) == "1111023517879GDPUB"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "vide"),
        ("   ", "vide"),
        ("1111023517879GDPU", "18 caractères ; celui-ci en a 17"),
        ("1111023517879GDPUBX", "en a 19"),
        ("1111023517879GDPÜB", "lettres et des chiffres"),
        ("111/1023/517879/GDPUB", "« / »"),
        ("1111023517879_DPUB", "« _ »"),
        ("111 1023 517879 GDPU€", "« € »"),
    ],
)
def test_malformed_numbers_are_rejected_with_a_reason(typed: str, says: str) -> None:
    with pytest.raises(InvalidNur) as info:
        nur.normalize(typed)
    assert says in str(info.value)
    assert isinstance(info.value, ValueError)


def test_a_non_string_is_rejected() -> None:
    with pytest.raises(InvalidNur):
        nur.normalize(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "warned"),
    [
        ("1111323517879GDPUB", True),  # month 13
        ("1110023517879GDPUB", True),  # month 00
        ("1111226517879GDPUB", True),  # December 2026, after November 2026
        ("1111126517879GDPUB", False),  # November 2026: this month
        ("111AB23517879GDPUB", True),  # month not digits
    ],
)
def test_implausible_months_warn_but_are_accepted(number: str, warned: bool) -> None:
    assert nur.normalize(number) == number
    assert bool(nur.warnings(number, TODAY)) is warned


ALNUM = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
SEPARATORS = st.sampled_from([" ", "-", ".", "  ", " - "])


@given(st.lists(ALNUM, min_size=18, max_size=18), st.lists(SEPARATORS, max_size=5))
def test_normalising_is_idempotent_and_display_round_trips(chars, seps) -> None:
    text = "".join(chars)
    for i, sep in enumerate(seps):
        pos = (i * 4 + 3) % len(text)
        text = text[:pos] + sep + text[pos:]
    once = nur.normalize(text)
    assert nur.normalize(once) == once
    assert re.fullmatch(r"[A-Z0-9]{18}", once)
    assert nur.normalize(nur.display(once)) == once


@given(st.text(max_size=40))
def test_any_text_is_either_a_clean_number_or_a_readable_error(text: str) -> None:
    try:
        out = nur.normalize(text)
    except InvalidNur as exc:
        assert str(exc)
    else:
        assert re.fullmatch(r"[A-Z0-9]{18}", out)
