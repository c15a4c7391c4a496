"""The rules DOMAIN.md gained in its second round: pieces as the arrêté asks them, the household
category (dependants under 25, a disability card), the income of N-1 after a drop, the ceilings'
year named when this year's are not shipped."""

from __future__ import annotations

import datetime as dt

from alin_tui.domain import documents as docs
from alin_tui.domain import eligibility as el
from alin_tui.domain.completeness import assess
from alin_tui.domain.entities import Demand, Person, Slot

TODAY = dt.date(2026, 11, 27)


def person(pid, role, age, situation="employee", **kw) -> Person:
    born = dt.date(TODAY.year - age, 1, 10)
    return Person(pid, role, situation, born, pid, "X", **kw)


def kinds(specs) -> list[str]:
    return [s.kind for s in specs]


def test_a_minor_is_asked_only_the_family_book_or_birth_certificate() -> None:
    assert kinds(docs.slots_for("child", "none", adult=False)) == ["identity"]
    assert "livret de famille" in docs.source_of("identity", minor=True)


def test_a_married_couple_is_asked_one_joint_notice() -> None:
    assert "tax_notice" in kinds(docs.slots_for("applicant", "employee"))
    assert "tax_notice" not in kinds(docs.slots_for("spouse", "employee", joint_tax=True))
    assert "tax_notice" in kinds(docs.slots_for("spouse", "employee"))  # cohabiting: each


def test_a_dependant_on_the_parents_return_files_no_notice_of_their_own() -> None:
    specs = kinds(docs.slots_for("child", "student", adult=True, tax_dependant=True))
    assert specs == ["identity", "income_other"]


def test_the_joint_notice_covers_the_spouse_in_completeness() -> None:
    a, s = person("a", "applicant", 40), person("s", "spouse", 38, "none")
    slots = [
        Slot("pj-a-id", "a", "identity", True, "accepted", None, None),
        Slot("pj-a-tax", "a", "tax_notice", True, "accepted", None, None, covers=("s",)),
        Slot("pj-a-pay", "a", "payslips", True, "accepted", None, None),
        Slot("pj-a-ct", "a", "employment_contract", True, "accepted", None, None),
        Slot("pj-s-id", "s", "identity", True, "accepted", None, None),
    ]
    assert assess(slots, TODAY, [a, s], joint_tax=True).complete
    # Not married: the applicant's notice covers only the applicant; the spouse's own is missing.
    own = Slot("pj-a-tax", "a", "tax_notice", True, "accepted", None, None)
    missing = assess([slots[0], own, *slots[2:]], TODAY, [a, s], joint_tax=False).blockers
    assert [(b.person_id, b.kind) for b in missing] == [("s", "tax_notice")]


def test_blocking_or_complementary_each_with_its_text() -> None:
    assert all(spec.blocking for spec in docs.slots_for("applicant", "employee") if spec.required)
    assert not any(spec.blocking for spec in docs.complementary_slots())
    for kind in docs.KINDS:
        assert docs.source_of(kind).startswith("arrêté du 22 décembre 2020")


def test_payslips_count_from_their_pay_period() -> None:
    # Slips of August, received in November: already past their three months.
    assert docs.payslips_valid_until(dt.date(2026, 8, 1)) == dt.date(2026, 11, 30)
    assert docs.effective_state("accepted", dt.date(2026, 11, 30), dt.date(2026, 12, 1)) == (
        "expired"
    )


def test_a_dependant_of_twenty_two_attached_for_tax_counts() -> None:
    parent = person("p", "applicant", 50)
    student = person("c", "child", 22, "student", tax_dependant=True)
    assert el.household_category([parent, student], TODAY) == 3  # one person with a dependant
    not_attached = person("c", "child", 22, "student")
    assert el.household_category([parent, not_attached], TODAY) == 2
    too_old = person("c", "child", 25, "student", tax_dependant=True)
    assert el.household_category([parent, too_old], TODAY) == 2


def test_a_disability_card_moves_the_household_up_one_category() -> None:
    single = person("p", "applicant", 50, disability=True)
    assert el.household_category([single], TODAY) == 2
    couple = [person("a", "applicant", 45), person("s", "spouse", 44, disability=True)]
    assert el.household_category(couple, TODAY) == 3


def _demand(n2, n1) -> Demand:
    return Demand(
        "0690626984769GBB8A",
        "active",
        None,
        None,
        None,
        None,
        1,
        reference_income_cents=n2,
        income_n1_cents=n1,
    )


def test_the_income_of_n_minus_one_counts_after_a_drop_of_ten_percent() -> None:
    assert el.counted_income(_demand(3_000_000, 2_700_000), TODAY) == el.Income(2_700_000, 2025)
    assert el.counted_income(_demand(3_000_000, 2_700_100), TODAY) == el.Income(3_000_000, 2024)
    assert el.counted_income(_demand(3_000_000, None), TODAY) == el.Income(3_000_000, 2024)


def test_an_older_years_ceilings_are_named_never_silent() -> None:
    """PLAI 2026 is not shipped: the 2025 ceilings stand in, and the result says so."""
    e = el.assess_offer(
        financing="PLAI",
        zone="other",
        commune=None,
        household_category_=1,
        income_cents=1_000_000,
        today=TODAY,
    )
    assert e.year == 2025 and e.wanted_year == 2026 and e.older_ceilings
    plus = el.assess_offer(
        financing="PLUS",
        zone="other",
        commune=None,
        household_category_=1,
        income_cents=1_000_000,
        today=TODAY,
    )
    assert plus.year == 2026 and not plus.older_ceilings


def test_the_screen_says_which_year_stands_in() -> None:
    from alin_tui.ui.i18n import Translator
    from alin_tui.ui.views import eligibility_text

    e = el.assess_offer(
        financing="PLAI",
        zone="other",
        commune=None,
        household_category_=1,
        income_cents=1_000_000,
        today=TODAY,
        income_year=2025,
    )
    fr = eligibility_text(Translator("fr"), e)
    assert "Les plafonds 2026 ne sont pas encore connus" in fr and "ceux de 2025" in fr
    assert "Revenus 2025 déclarés en baisse" in fr
    assert "The 2026 ceilings are not yet known" in eligibility_text(Translator("en"), e)
