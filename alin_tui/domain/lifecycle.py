"""Lifecycle of a demand: attestation, one year of validity, renewal window, radiation.

- Registered: the attestation is due within one month of filing.
- Active for one year from first filing or from the last renewal.
- Renewal can be done from 60 days before expiry (countdown shown), warning from 30 days.
- The day after `expires_on`, an unrenewed demand is radiated (`RADREN`): a later demand gets a
  new number and the seniority (date of first filing) is lost.
- Renewals and modifications keep the number and the first-filing date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from alin_tui.domain.dates import add_months, add_years

RENEWAL_WINDOW_DAYS = 60
RENEWAL_WARNING_DAYS = 30

# What a demand is, in its lifecycle (`status --json` "lifecycle"): no demand at all; a draft typed
# on AL-in, void (situation 1); a number obtained on AL-in, no national-file account (situation
# 2); registered, the certificate still to come; active; renewal due; radiated.
LIFECYCLE = (
    "no_demand",
    "draft",
    "number_without_account",
    "registered",
    "active",
    "renewal_due",
    "radiated",
)

RADIATION_CODES = {
    "RADATT": "attribution d'un logement suivie de la signature d'un bail",
    "RADABA": "renonciation écrite du demandeur",
    "RADCON": "absence de réponse à un courrier dans le délai d'un mois",
    "RADIRR": "irrecevabilité prononcée par une commission d'attribution",
    "RADREN": "absence de renouvellement dans le délai",
}


class RenewalLevel(Enum):
    NONE = "none"  # more than 60 days left
    DUE = "due"  # 60 days or less: renewal open, countdown shown
    WARNING = "warning"  # 30 days or less
    OVERDUE = "overdue"  # past expiry: radiated the day after


def expiry(first_filed_on: dt.date, renewed_on: dt.date | None = None) -> dt.date:
    """One year after the first filing, or after the last renewal."""
    return add_years(renewed_on or first_filed_on, 1)


def attestation_due_by(first_filed_on: dt.date) -> dt.date:
    return add_months(first_filed_on, 1)


def days_left(expires_on: dt.date, today: dt.date) -> int:
    """Days until the expiry date (0 on the day itself, negative once past)."""
    return (expires_on - today).days


def renewal_level(
    expires_on: dt.date, today: dt.date, window: int = RENEWAL_WINDOW_DAYS
) -> RenewalLevel:
    """`window`: the days before expiry from which renewal opens (a setting, 60 by default)."""
    left = days_left(expires_on, today)
    if left < 0:
        return RenewalLevel.OVERDUE
    if left <= min(RENEWAL_WARNING_DAYS, window):
        return RenewalLevel.WARNING
    if left <= window:
        return RenewalLevel.DUE
    return RenewalLevel.NONE


def can_renew(
    expires_on: dt.date,
    today: dt.date,
    *,
    status: str = "active",
    window: int = RENEWAL_WINDOW_DAYS,
) -> bool:
    """Accepted from 60 days (`window`) before expiry up to and including the expiry day."""
    return status == "active" and 0 <= days_left(expires_on, today) <= window


def days_given_up(expires_on: dt.date, today: dt.date) -> int:
    """Renewing sets the expiry to a year from the renewal day: renewing N days before the
    current expiry gives up those N days."""
    return max(0, days_left(expires_on, today))


@dataclass(frozen=True)
class Renewal:
    renewed_on: dt.date
    expires_on: dt.date


def renew(today: dt.date) -> Renewal:
    """Renewing sets `renewed_on` = today and `expires_on` = today + 1 year (number kept)."""
    return Renewal(renewed_on=today, expires_on=add_years(today, 1))


def is_radiated_for_non_renewal(expires_on: dt.date, today: dt.date) -> bool:
    """Radiated (RADREN) from the day after `expires_on`."""
    return today > expires_on


def seniority_date(first_filed_on: dt.date, *, status: str) -> dt.date | None:
    """The date seniority counts from: the first filing while the demand lives; none once radiated
    (a new demand starts a new seniority with a new number)."""
    return first_filed_on if status == "active" else None
