"""Stage, next step and its site, and the three starting situations of the April 2021 notice."""

from __future__ import annotations

import datetime as dt

import pytest

from alin_tui.domain.entities import Demand, Link, Slot
from alin_tui.domain.lifecycle import LIFECYCLE
from alin_tui.domain.stage import NEXT_STEP, NEXT_STEP_SITE, STAGES, compute_stage, lifecycle_state

TODAY = dt.date(2026, 11, 27)


def demand(*, status="active", expires_in=200, version=4, attested=True) -> Demand:
    return Demand(
        "1111023517879GDPUB",
        status,
        dt.date(2025, 10, 3),
        None,
        TODAY + dt.timedelta(days=expires_in),
        "RADREN" if status == "radiated" else None,
        version,
        attestation_on=dt.date(2025, 10, 20) if attested else None,
    )


def link(
    *, state="linked", nur="1111023517879GDPUB", origin="sne", draft=False, sne=4, situation=4
) -> Link:
    return Link(nur, state, origin, draft, sne, situation)


OK = [Slot("s1", "p1", "identity", True, "accepted", None, None)]
MISSING = [Slot("s1", "p1", "identity", True, "missing", None, None)]

CASES = [
    # (name, demand, link, slots, stage, situation)
    (
        "radiated wins over everything",
        demand(status="radiated", expires_in=-5),
        link(),
        MISSING,
        "radiated",
        3,
    ),
    ("nothing at all", None, None, [], "no_demand", None),
    (
        "situation 1: draft on AL-in",
        None,
        link(state="unlinked", nur=None, origin=None, draft=True, sne=None, situation=None),
        [],
        "draft_without_number",
        1,
    ),
    (
        "situation 2: number from AL-in",
        None,
        link(state="unlinked", origin="alin", sne=None, situation=None),
        [],
        "number_without_account",
        2,
    ),
    (
        "demand not linked",  # on the national file, not imported: none of the three yet
        demand(),
        link(state="unlinked", nur=None, origin=None),
        OK,
        "not_linked",
        None,
    ),
    ("renewal due at 60 days", demand(expires_in=60), link(), MISSING, "renewal_due", 3),
    ("not due at 61 days", demand(expires_in=61), link(), OK, "ready", 3),
    ("situation outdated", demand(), link(sne=5, situation=4), MISSING, "situation_outdated", 3),
    ("incomplete", demand(), link(), MISSING, "incomplete", 3),
    (
        "expired payslips block",
        demand(),
        link(),
        [Slot("s1", "p1", "payslips", True, "accepted", None, TODAY - dt.timedelta(days=1))],
        "incomplete",
        3,
    ),
    ("situation 3 complete: ready", demand(), link(), OK, "ready", 3),
]


@pytest.mark.parametrize(
    ("name", "d", "lk", "slots", "stage", "situation"), CASES, ids=[c[0] for c in CASES]
)
def test_stage_first_match_wins(name, d, lk, slots, stage, situation) -> None:
    standing = compute_stage(d, lk, slots, TODAY)
    assert standing.stage == stage
    assert standing.next_step == NEXT_STEP[stage]
    assert standing.situation == situation


def test_every_stage_has_one_next_step_on_a_named_site() -> None:
    assert set(NEXT_STEP) == set(STAGES)
    assert NEXT_STEP["radiated"] == "new_demand"
    assert NEXT_STEP["draft_without_number"] == NEXT_STEP["no_demand"] == "create_demand_on_sne"
    assert NEXT_STEP["number_without_account"] == "claim_sne_account"
    for step in NEXT_STEP.values():
        assert NEXT_STEP_SITE[step] in ("sne", "alin")
    assert NEXT_STEP_SITE["link_number"] == NEXT_STEP_SITE["apply"] == "alin"
    assert NEXT_STEP_SITE["send_documents"] == NEXT_STEP_SITE["renew"] == "sne"


@pytest.mark.parametrize(
    ("d", "lk", "state"),
    [
        (None, None, "no_demand"),
        (None, link(state="unlinked", nur=None, origin=None, draft=True), "draft"),
        (None, link(state="unlinked", origin="alin"), "number_without_account"),
        (demand(attested=False), link(), "registered"),
        (demand(), link(), "active"),
        (demand(), link(state="unlinked", nur=None, origin=None), "active"),
        (demand(expires_in=60), link(), "renewal_due"),
        (demand(expires_in=60, attested=False), link(), "renewal_due"),
        (demand(status="radiated", expires_in=-5), link(), "radiated"),
    ],
)
def test_every_lifecycle_state(d, lk, state) -> None:
    assert state in LIFECYCLE
    assert lifecycle_state(d, lk, TODAY) == state
    assert compute_stage(d, lk, OK, TODAY).lifecycle == state


def test_the_renewal_window_is_a_setting() -> None:
    """The 60-day opening is not confirmed (DOMAIN.md): a shorter window moves the stage too."""
    assert compute_stage(demand(expires_in=45), link(), OK, TODAY).stage == "renewal_due"
    assert compute_stage(demand(expires_in=45), link(), OK, TODAY, window=30).stage == "ready"
    assert lifecycle_state(demand(expires_in=45), link(), TODAY, window=30) == "active"


def test_a_number_claimed_since_stays_situation_two() -> None:
    """A number obtained on AL-in, its account claimed on the national file: situation 2."""
    standing = compute_stage(demand(), link(origin="alin"), OK, TODAY)
    assert standing.situation == 2 and standing.stage == "ready"
