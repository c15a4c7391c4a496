"""Dates, times, money and numbers in the reader's language (alin_tui/ui/format.py)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from alin_tui.ui.format import date_long, date_short, money, money_whole, number, time_hm
from alin_tui.ui.text import date_fr, euros

NN = "\u202f"  # French thousands separator
NB = "\u00a0"  # before « € »


@pytest.mark.parametrize(
    ("cents", "fr", "en"),
    [
        (123450, f"1{NN}234,50{NB}€", "€1,234.50"),
        (0, f"0,00{NB}€", "€0.00"),
        (5, f"0,05{NB}€", "€0.05"),
        (99999, f"999,99{NB}€", "€999.99"),
        (100000, f"1{NN}000,00{NB}€", "€1,000.00"),
        (-500, f"-5,00{NB}€", "-€5.00"),
        (-123456789, f"-1{NN}234{NN}567,89{NB}€", "-€1,234,567.89"),
        (123456789012345, f"1{NN}234{NN}567{NN}890{NN}123,45{NB}€", "€1,234,567,890,123.45"),
        (None, "—", "—"),
    ],
)
def test_money_is_written_as_each_language_writes_it(cents, fr, en) -> None:
    assert money(cents, "fr") == fr
    assert money(cents, "en") == en


@pytest.mark.parametrize(
    ("cents", "fr", "en"),
    [
        (2345000, f"23{NN}450{NB}€", "€23,450"),
        (0, f"0{NB}€", "€0"),
        (-10000, f"-100{NB}€", "-€100"),
        (2345050, f"23{NN}450,50{NB}€", "€23,450.50"),
        (-1, f"-0,01{NB}€", "-€0.01"),
        (None, "—", "—"),
    ],
)
def test_whole_euros_drop_the_cents(cents, fr, en) -> None:
    assert money_whole(cents, "fr") == fr
    assert money_whole(cents, "en") == en


def test_an_amount_that_is_not_a_number_shows_a_dash() -> None:
    assert money("abc", "fr") == "—"  # type: ignore[arg-type]
    assert money_whole(float("nan"), "en") == "—"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "fr", "en"),
    [
        (97530, f"97{NN}530", "97,530"),
        (0, "0", "0"),
        (999, "999", "999"),
        (-1234, f"-1{NN}234", "-1,234"),
        (12345678901, f"12{NN}345{NN}678{NN}901", "12,345,678,901"),
        (2.5, "2,5", "2.5"),
        (1234.5678, f"1{NN}234,568", "1,234.568"),
        (3.0, "3", "3"),
        (-0.0001, "0", "0"),
        (float("inf"), "—", "—"),
    ],
)
def test_numbers_are_grouped_by_thousands(n, fr, en) -> None:
    assert number(n, "fr") == fr
    assert number(n, "en") == en


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (dt.date(2026, 11, 27), "27 novembre 2026", "27 November 2026"),
        ("2026-12-01", "1er décembre 2026", "1 December 2026"),
        ("2026-02-02T10:00:00", "2 février 2026", "2 February 2026"),
        ("2026-08-15T10:00:00+00:00", "15 août 2026", "15 August 2026"),
        (dt.datetime(2026, 1, 31, 23, 0), "31 janvier 2026", "31 January 2026"),
        (None, "—", "—"),
        ("", "—", "—"),
        ("pas une date", "—", "—"),
        ("2026-13-01", "—", "—"),
        ("2026-02-30", "—", "—"),
        ("27/11/2026", "—", "—"),
        (20261127, "—", "—"),
    ],
)
def test_long_dates_name_the_month(value, fr, en) -> None:
    assert date_long(value, "fr") == fr
    assert date_long(value, "en") == en


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (dt.date(2026, 11, 27), "27/11/2026", "27 Nov 2026"),
        ("2026-01-05", "05/01/2026", "5 Jan 2026"),
        ("2026-09-30T08:00:00Z", "30/09/2026", "30 Sep 2026"),
        ("2026-05-04T08:00:00.123456789Z", "04/05/2026", "4 May 2026"),
        (None, "—", "—"),
        ("2026-11", "—", "—"),
        ("demain", "—", "—"),
    ],
)
def test_short_dates(value, fr, en) -> None:
    assert date_short(value, "fr") == fr
    assert date_short(value, "en") == en


def test_an_instant_is_dated_on_the_readers_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        assert date_short("2026-11-27T23:30:00Z", "fr") == "28/11/2026"
        assert time_hm("2026-11-27T23:30:00Z", "fr") == "00:30"
        assert date_short("2026-11-27T23:30:00", "fr") == "27/11/2026"  # no offset: as written
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-27T09:30:00+00:00", "09:30"),
        ("2026-11-27T09:30:00Z", "09:30"),
        ("2026-11-27T11:30:00+02:00", "09:30"),
        (dt.datetime(2026, 11, 27, 9, 5, tzinfo=dt.UTC), "09:05"),
        (dt.datetime(2026, 11, 27, 21, 45), "21:45"),
        ("2026-11-27", "—"),
        (dt.date(2026, 11, 27), "—"),
        (None, "—"),
        ("09:30", "—"),
        ("n'importe quoi", "—"),
    ],
)
def test_times_are_local_hours_and_minutes(value, expected) -> None:
    # conftest pins TZ=UTC
    assert time_hm(value, "fr") == expected
    assert time_hm(value, "en") == expected


def test_the_older_french_helpers_keep_their_shapes() -> None:
    assert date_fr("2026-11-27T10:00:00") == "27/11/2026"
    assert date_fr(None) == "—"
    assert date_fr("illisible") == "—"
    assert euros(2150000) == f"21{NN}500,00{NB}€"
    assert euros(None) == "—"
