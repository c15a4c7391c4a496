"""Household category, zone, ceilings as shipped data, and the advice on each offer."""

from __future__ import annotations

import datetime as dt

import pytest

from alin_tui.domain import eligibility as el
from alin_tui.domain.communes import all_communes, zone_of
from alin_tui.domain.entities import Person

PLUS_2025 = {
    1: (26687, 26687, 23201),
    2: (39885, 39885, 30984),
    3: (52284, 47944, 37259),
    4: (62424, 57429, 44982),
    5: (74271, 67984, 52915),
    6: (83575, 76504, 59636),
}
EXTRA_2025 = (9313, 8524, 6652)
PLAI_2025_OTHER = [12759, 18591, 22356, 24875, 29105, 32800]


@pytest.mark.parametrize("cat", range(1, 7))
@pytest.mark.parametrize("zi", range(3))
def test_plus_2025_matches_the_published_table(cat: int, zi: int) -> None:
    zone = el.ZONES[zi]
    assert el.ceiling("PLUS", cat, zone, 2025) == PLUS_2025[cat][zi]
    assert el.ceiling("PLS", cat, zone, 2025) == round(PLUS_2025[cat][zi] * 1.3)


@pytest.mark.parametrize("extra", [1, 2, 4])
def test_beyond_six_persons_an_amount_per_person(extra: int) -> None:
    for zi, zone in enumerate(el.ZONES):
        assert (
            el.ceiling("PLUS", 6 + extra, zone, 2025) == PLUS_2025[6][zi] + extra * EXTRA_2025[zi]
        )
    assert el.ceiling("PLAI", 6 + extra, "other", 2025) == 32800 + extra * 3657


def test_plai_2025_other_regions() -> None:
    assert [el.ceiling("PLAI", c, "other", 2025) for c in range(1, 7)] == PLAI_2025_OTHER


def test_2026_plus_ships_and_unknown_ceilings_say_so() -> None:
    assert el.ceiling("PLUS", 1, "paris", 2026) == 26920
    assert el.ceiling("PLUS", 6, "other", 2026) == 60156
    with pytest.raises(el.UnknownCeiling):
        el.ceiling("PLAI", 2, "idf", 2025)
    with pytest.raises(el.UnknownCeiling):
        el.ceiling("PLUS", 1, "other", 2019)
    with pytest.raises(ValueError):
        el.ceiling("PLI", 1, "other", 2025)
    with pytest.raises(ValueError):
        el.ceiling("PLUS", 1, "corse", 2025)


@pytest.mark.parametrize(
    ("adults", "dependants", "young", "cat"),
    [
        (1, 0, False, 1),
        (2, 0, False, 2),
        (2, 0, True, 3),  # young couple
        (1, 1, False, 3),  # one person with one dependant
        (3, 0, False, 3),
        (2, 1, False, 3),
        (1, 2, False, 4),
        (2, 2, False, 4),
        (1, 3, False, 5),
        (2, 3, False, 5),
        (1, 4, False, 6),
        (2, 4, False, 6),
        (2, 5, False, 7),
        (1, 5, False, 7),
    ],
)
def test_household_category(adults, dependants, young, cat) -> None:
    assert el.category(adults, dependants, young_couple=young) == cat


TODAY = dt.date(2026, 11, 27)


def person(pid, role, age_years, situation="employee") -> Person:
    birth = TODAY.replace(year=TODAY.year - age_years)
    return Person(pid, role, situation, birth)


@pytest.mark.parametrize(("a", "b", "cat"), [(27, 28, 3), (28, 28, 2), (20, 35, 3), (30, 30, 2)])
def test_a_young_couple_is_two_spouses_whose_ages_sum_to_55_or_less(a, b, cat) -> None:
    people = [person("p1", "applicant", a), person("p2", "spouse", b)]
    assert el.household_category(people, TODAY) == cat


def test_minors_are_dependants_and_a_single_parent_moves_up() -> None:
    assert (
        el.household_category(
            [person("p1", "applicant", 35), person("c", "child", 4, "none")], TODAY
        )
        == 3
    )
    family = [
        person("p1", "applicant", 40),
        person("p2", "spouse", 41),
        person("c1", "child", 10, "none"),
        person("c2", "child", 19, "student"),
    ]
    # The 19-year-old is an adult to be housed, not a dependant: four persons, category 4.
    assert el.household_category(family, TODAY) == 4
    single = [person("p1", "applicant", 40)] + [
        person(f"c{i}", "child", 5 + i, "none") for i in range(3)
    ]
    assert el.household_category(single, TODAY) == 5  # one person with three dependants


@pytest.mark.parametrize(
    ("commune", "zone"),
    [
        ("Paris", "paris"),
        ("Montreuil", "paris"),
        ("Le Kremlin-Bicêtre", "paris"),
        ("Créteil", "idf"),
        ("Versailles", "idf"),
        ("Lyon", "other"),
        ("Nantes", "other"),
        ("Atlantis", None),
    ],
)
def test_zone_by_commune(commune, zone) -> None:
    assert zone_of(commune) == zone


def test_every_reference_commune_has_a_postal_code_of_its_department() -> None:
    for c in all_communes():
        assert c.postal_code.startswith(c.department) and len(c.postal_code) == 5
        assert c.zone in el.ZONES
        assert (c.zone == "other") == (c.region != "Île-de-France")


@pytest.mark.parametrize(
    ("income_cents", "eligible"),
    [(5228400, True), (5228401, False), (3000000, True), (None, None)],
)
def test_offer_advice_compares_the_household_income_with_the_ceiling(
    income_cents, eligible
) -> None:
    e = el.assess_offer(
        financing="PLUS",
        zone="paris",
        commune=None,
        household_category_=3,
        income_cents=income_cents,
        today=dt.date(2025, 6, 1),
    )
    assert e.eligible is eligible
    assert (e.ceiling_euros, e.year) == (52284, 2025)


def test_the_latest_shipped_year_is_used_and_named_when_this_year_is_unknown() -> None:
    e = el.assess_offer(
        financing="PLAI",
        zone="other",
        commune=None,
        household_category_=1,
        income_cents=1_000_000,
        today=TODAY,
    )
    assert (e.year, e.ceiling_euros, e.eligible) == (2025, 12759, True)
    e = el.assess_offer(
        financing="PLUS",
        zone=None,
        commune="Atlantis",
        household_category_=1,
        income_cents=1_000_000,
        today=TODAY,
    )
    assert e.eligible is None
