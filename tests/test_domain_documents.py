"""The document catalogue, validity rules and completeness with its blocking reasons."""

from __future__ import annotations

import datetime as dt

import pytest

from alin_tui.domain import documents as docs
from alin_tui.domain.completeness import assess
from alin_tui.domain.entities import Person, Slot

TODAY = dt.date(2026, 11, 27)


def kinds(specs) -> list[str]:
    return [s.kind for s in specs if s.required]


@pytest.mark.parametrize(
    ("role", "situation", "expected"),
    [
        ("applicant", "employee", ["identity", "tax_notice", "payslips", "employment_contract"]),
        ("spouse", "employee", ["identity", "tax_notice", "payslips", "employment_contract"]),
        ("applicant", "self_employed", ["identity", "tax_notice", "income_other"]),
        ("applicant", "retired", ["identity", "tax_notice", "income_other"]),
        ("applicant", "student", ["identity", "tax_notice", "income_other"]),
        ("applicant", "jobseeker", ["identity", "tax_notice", "income_other"]),
        ("other", "none", ["identity", "tax_notice"]),
        ("child", "none", ["identity"]),
    ],
)
def test_instruction_slots_by_role_and_situation(role, situation, expected) -> None:
    assert kinds(docs.slots_for(role, situation)) == expected


def test_an_adult_child_files_like_an_adult_and_a_minor_only_an_identity() -> None:
    assert kinds(docs.slots_for("child", "student", adult=True)) == [
        "identity",
        "tax_notice",
        "income_other",
    ]
    assert kinds(docs.slots_for("other", "none", adult=False)) == ["identity"]


def test_family_situation_is_asked_of_a_spouse_but_does_not_block() -> None:
    spouse = docs.slots_for("spouse", "employee")
    assert any(s.kind == "family_situation" and not s.required for s in spouse)


def test_registration_needs_only_the_identity_document() -> None:
    assert [(s.kind, s.stage) for s in docs.registration_slots()] == [("identity", "registration")]
    assert all(not s.required for s in docs.complementary_slots())


def test_validity_rules() -> None:
    # From the pay period, not the day received: September's slips count until 31 December.
    assert docs.payslips_valid_until(dt.date(2026, 9, 1)) == dt.date(2026, 12, 31)
    assert docs.payslips_valid_until(dt.date(2026, 11, 15)) == dt.date(2027, 2, 28)
    assert docs.assumed_pay_period(dt.date(2026, 11, 27)) == dt.date(2026, 10, 1)
    assert docs.assumed_pay_period(dt.date(2026, 1, 5)) == dt.date(2025, 12, 1)
    assert docs.parse_pay_period("2026-10") == dt.date(2026, 10, 1)
    assert docs.parse_pay_period("2026-13") is None and docs.parse_pay_period(None) is None
    assert docs.reference_income_year(TODAY) == 2024
    assert docs.current_tax_notice_year(TODAY) == 2025
    assert docs.tax_notice_valid_until(2025) == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("state", "valid_until", "effective"),
    [
        ("accepted", TODAY, "accepted"),  # valid through its last day
        ("accepted", TODAY - dt.timedelta(days=1), "expired"),  # an ID past its date
        ("received", TODAY - dt.timedelta(days=1), "expired"),  # payslips older than 3 months
        ("accepted", None, "accepted"),
        ("rejected", TODAY - dt.timedelta(days=5), "rejected"),
        ("missing", None, "missing"),
    ],
)
def test_effective_state(state, valid_until, effective) -> None:
    assert docs.effective_state(state, valid_until, TODAY) == effective


def slot(sid, kind, state, *, person="p1", required=True, reason=None, valid_until=None) -> Slot:
    return Slot(sid, person, kind, required, state, reason, valid_until)


def test_complete_when_every_required_slot_is_received_or_accepted() -> None:
    result = assess(
        [
            slot("a", "identity", "accepted"),
            slot("b", "tax_notice", "received"),
            slot("c", "moving_reason", "missing", required=False),
        ],
        TODAY,
    )
    assert result.complete and result.blockers == ()


def test_blockers_name_the_person_the_slot_the_cause_and_the_reason() -> None:
    result = assess(
        [
            slot("a", "identity", "rejected", person="p2", reason="illisible"),
            slot("b", "payslips", "accepted", valid_until=TODAY - dt.timedelta(days=1)),
            slot("c", "tax_notice", "missing", person="p2"),
            slot("d", "identity", "expired"),
        ],
        TODAY,
    )
    assert not result.complete
    got = [(b.person_id, b.slot_id, b.cause, b.reason) for b in result.blockers]
    assert got == [
        ("p2", "a", "rejected", "illisible"),
        ("p1", "b", "expired", None),
        ("p2", "c", "missing", None),
        ("p1", "d", "expired", None),
    ]
    assert result.missing_slot_ids == ["a", "b", "c", "d"]
    assert set(result.by_person()) == {"p1", "p2"}


def test_a_required_kind_nobody_filed_blocks_when_persons_are_given() -> None:
    person = Person("p1", "applicant", "employee", dt.date(1990, 1, 1))
    result = assess([slot("a", "identity", "accepted")], TODAY, [person])
    assert {(b.kind, b.cause) for b in result.blockers} == {
        ("tax_notice", "absent"),
        ("payslips", "absent"),
        ("employment_contract", "absent"),
    }
