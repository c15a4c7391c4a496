"""Lifecycle: attestation, one year of validity, renewal window and warning, radiation, seniority."""

from __future__ import annotations

import datetime as dt

import pytest

from alin_tui.domain import lifecycle as lc
from alin_tui.domain.lifecycle import RenewalLevel

D = dt.date


@pytest.mark.parametrize(
    ("first", "renewed", "expires"),
    [
        (D(2026, 3, 15), None, D(2027, 3, 15)),
        (D(2024, 2, 29), None, D(2025, 2, 28)),  # filed on 29 February
        (D(2026, 3, 15), D(2027, 2, 1), D(2028, 2, 1)),  # renewal restarts the year
        (D(2023, 2, 28), D(2024, 2, 29), D(2025, 2, 28)),
    ],
)
def test_a_demand_lives_one_year_from_filing_or_last_renewal(first, renewed, expires) -> None:
    assert lc.expiry(first, renewed) == expires


@pytest.mark.parametrize(
    ("days", "level", "renewable"),
    [
        (200, RenewalLevel.NONE, False),
        (61, RenewalLevel.NONE, False),
        (60, RenewalLevel.DUE, True),
        (31, RenewalLevel.DUE, True),
        (30, RenewalLevel.WARNING, True),
        (1, RenewalLevel.WARNING, True),
        (0, RenewalLevel.WARNING, True),  # renewal on the last day still counts
        (-1, RenewalLevel.OVERDUE, False),
    ],
)
def test_countdown_from_60_days_warning_from_30(days: int, level, renewable: bool) -> None:
    today = D(2026, 11, 27)
    expires = today + dt.timedelta(days=days)
    assert lc.days_left(expires, today) == days
    assert lc.renewal_level(expires, today) is level
    assert lc.can_renew(expires, today) is renewable


def test_a_radiated_demand_cannot_be_renewed() -> None:
    today = D(2026, 11, 27)
    assert not lc.can_renew(today + dt.timedelta(days=10), today, status="radiated")


def test_radiation_for_non_renewal_happens_the_day_after_expiry() -> None:
    expires = D(2026, 12, 1)
    assert not lc.is_radiated_for_non_renewal(expires, D(2026, 12, 1))  # expiry on the day
    assert lc.is_radiated_for_non_renewal(expires, D(2026, 12, 2))


def test_renewal_sets_today_and_one_year_and_keeps_the_seniority() -> None:
    first = D(2025, 12, 10)
    r = lc.renew(D(2026, 11, 20))
    assert (r.renewed_on, r.expires_on) == (D(2026, 11, 20), D(2027, 11, 20))
    assert lc.seniority_date(first, status="active") == first


def test_seniority_is_lost_once_radiated() -> None:
    assert lc.seniority_date(D(2025, 1, 10), status="radiated") is None
    assert "RADREN" in lc.RADIATION_CODES and len(lc.RADIATION_CODES) == 5


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        (D(2026, 1, 31), D(2026, 2, 28)),
        (D(2024, 1, 31), D(2024, 2, 29)),
        (D(2026, 5, 10), D(2026, 6, 10)),
        (D(2026, 12, 15), D(2027, 1, 15)),
    ],
)
def test_the_attestation_is_due_within_one_month(filed, due) -> None:
    assert lc.attestation_due_by(filed) == due
