"""The one gate for applying: every refusal code, in the protocol's order."""

from __future__ import annotations

import datetime as dt

import pytest

from alin_tui.domain.applying import ORDER, first_refusal, refusals
from alin_tui.domain.entities import Demand, Link, Slot

TODAY = dt.date(2026, 11, 27)
OFFER = {"status": "open", "closes_on": "2026-12-10"}


def base(**over):
    kwargs = dict(
        offer_id="of-1",
        offer=dict(OFFER),
        applications=[],
        demand=Demand(
            "1111023517879GDPUB",
            "active",
            dt.date(2025, 10, 3),
            None,
            dt.date(2026, 10, 3) + dt.timedelta(days=365),
            None,
            4,
        ),
        link=Link("1111023517879GDPUB", "linked", "sne", False, 4, 4),
        slots=[Slot("s1", "p1", "identity", True, "accepted", None, None)],
        today=TODAY,
        max_applications=3,
    )
    kwargs.update(over)
    return kwargs


def codes(**over) -> list[str]:
    return [r.code for r in refusals(**base(**over))]


def test_a_complete_linked_fresh_dossier_may_apply() -> None:
    assert codes() == []
    assert first_refusal(**base()) is None


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"offer": None}, "offer_unknown"),
        ({"applications": [{"offer_id": "of-1", "status": "withdrawn"}]}, "duplicate"),
        ({"link": Link(None, "unlinked", None, False, None, None)}, "not_linked"),
        ({"demand": None}, "demand_inactive"),
        ({"link": Link("1111023517879GDPUB", "linked", "sne", False, 5, 4)}, "situation_outdated"),
        (
            {"slots": [Slot("s1", "p1", "identity", True, "rejected", "illisible", None)]},
            "dossier_incomplete",
        ),
        ({"offer": {"status": "closed", "closes_on": "2026-12-10"}}, "offer_closed"),
        ({"offer": {"status": "open", "closes_on": "2026-11-26"}}, "offer_closed"),
        (
            {"applications": [{"offer_id": f"o{i}", "status": "submitted"} for i in range(3)]},
            "application_limit",
        ),
    ],
)
def test_each_refusal(over, code) -> None:
    assert codes(**over) == [code]


def test_refusals_come_in_the_protocol_order_and_the_first_wins() -> None:
    found = codes(
        offer=None,
        demand=None,
        link=Link(None, "unlinked", None, False, None, None),
        applications=[{"offer_id": "of-1", "status": "submitted"}]
        + [{"offer_id": f"o{i}", "status": "examined"} for i in range(3)],
    )
    assert found == sorted(found, key=ORDER.index)
    assert found[0] == "offer_unknown"


def test_the_cap_counts_only_open_applications() -> None:
    apps = [
        {"offer_id": "a", "status": "accepted"},
        {"offer_id": "b", "status": "refused"},
        {"offer_id": "c", "status": "withdrawn"},
        {"offer_id": "d", "status": "transmitted"},
    ]
    assert codes(applications=apps) == []
    assert codes(applications=apps, max_applications=1) == ["application_limit"]


def test_dossier_incomplete_lists_the_blocking_slots() -> None:
    r = first_refusal(
        **base(
            slots=[
                Slot("s1", "p1", "identity", True, "missing", None, None),
                Slot("s2", "p1", "payslips", True, "accepted", None, TODAY - dt.timedelta(days=1)),
                Slot("s3", "p1", "moving_reason", False, "missing", None, None),
            ]
        )
    )
    assert r.code == "dossier_incomplete" and r.missing == ("s1", "s2")
    assert "2 pièces à fournir" in r.message
