"""The territory of a demand (PROTOCOL v3 `out_of_territory`): its department, read from the
number's first three characters; the Île-de-France region for a number starting 111; an unknown
number or department refuses nothing. And where the refusal sits in the gate's order."""

from __future__ import annotations

import datetime as dt

import pytest

from alin_tui.domain import territory
from alin_tui.domain.applying import ORDER, first_refusal, refusals
from alin_tui.domain.entities import Demand, Link, Slot

IDF = ("75", "77", "78", "91", "92", "93", "94", "95")
PARIS_NUMBER = "1111023517879GDPUB"
RHONE_NUMBER = "0691023517879GDPUB"


def test_the_reference_lists_every_department_of_france_and_its_region() -> None:
    departments = territory.departments()
    assert len(departments) == 101  # 96 metropolitan (Corsica as 2A and 2B) and 5 DROM
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= departments.keys()
    assert "20" not in departments and "975" not in departments
    assert {d.region for d in departments.values()} == territory.regions().keys()
    assert sorted(c for c, d in departments.items() if d.region == "11") == sorted(IDF)
    assert departments["93"].locative == "dans la Seine-Saint-Denis"
    assert departments["69"].the == "le Rhône"
    assert territory.regions()["11"].locative == "en Île-de-France"


@pytest.mark.parametrize(
    ("written", "code"),
    [("93", "93"), ("093", "93"), ("2a", "2A"), ("02B", "2B"), ("971", "971"), ("1", "01")],
)
def test_a_department_code_is_read_as_offers_carry_it(written, code) -> None:
    assert territory.department_code(written) == code


@pytest.mark.parametrize("written", [None, "", "20", "96", "975", "99", "XX", "0"])
def test_what_is_no_department_is_unknown(written) -> None:
    assert territory.department_code(written) is None


def test_a_number_covers_its_own_department_only() -> None:
    assert territory.in_territory(RHONE_NUMBER, "69") is True
    assert territory.in_territory(RHONE_NUMBER, "01") is False
    assert territory.in_territory(RHONE_NUMBER, "93") is False
    covered = territory.territory_of_number("069 1023 517879 G.DPUB")  # as typed, with spaces
    assert covered is not None and covered.kind == "department" and covered.departments == {"69"}


@pytest.mark.parametrize("department", IDF)
def test_a_111_number_covers_the_whole_ile_de_france(department) -> None:
    assert territory.in_territory(PARIS_NUMBER, department) is True


@pytest.mark.parametrize("department", ["60", "45", "69", "2A", "971"])
def test_a_111_number_covers_nothing_outside_ile_de_france(department) -> None:
    assert territory.in_territory(PARIS_NUMBER, department) is False


def test_only_the_regional_111_number_covers_the_region() -> None:
    """PROTOCOL.md §3: the territory is the demand's department, the Île-de-France region for a
    number starting 111 (Île-de-France numbers are regional; a 093 number covers the 93 only)."""
    covered = territory.territory_of_number("0931023517879GDPUB")
    assert covered is not None and covered.kind == "department" and covered.departments == {"93"}
    assert territory.in_territory("0931023517879GDPUB", "75") is False


def test_corsica_has_two_departments() -> None:
    assert territory.in_territory("02A1023517879GDPUB", "2A") is True
    assert territory.in_territory("02A1023517879GDPUB", "2B") is False
    assert territory.in_territory("02B1023517879GDPUB", "2b") is True


@pytest.mark.parametrize("code", ["971", "972", "973", "974", "976"])
def test_an_overseas_department_covers_itself(code) -> None:
    number = f"{code}1023517879GDPUB"
    assert territory.in_territory(number, code) is True
    assert territory.in_territory(number, "75") is False


@pytest.mark.parametrize(
    ("number", "department"),
    [
        (None, "93"),
        ("", "93"),
        ("12-34", "93"),  # not a number at all
        ("ABC1023517879GDPUB", "93"),  # a territory code nobody uses
        ("0201023517879GDPUB", "2A"),  # Corsica's pre-1976 code
        ("9751023517879GDPUB", "971"),
        (RHONE_NUMBER, None),
        (RHONE_NUMBER, "XX"),
        (PARIS_NUMBER, ""),
    ],
)
def test_an_unknown_number_or_department_is_neither_inside_nor_outside(number, department) -> None:
    assert territory.in_territory(number, department) is None


def test_an_offer_of_ile_de_france_needs_a_demand_of_the_region() -> None:
    needed = territory.territory_for_department("93")
    assert needed is not None and needed.kind == "region" and needed.place.name == "Île-de-France"
    assert territory.territory_for_department("69").place.the == "le Rhône"


# --- the gate --------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 27)


def gate(number: str = RHONE_NUMBER, **over):
    kwargs = dict(
        offer_id="of-1",
        offer={"status": "open", "closes_on": "2026-12-10", "department": "93"},
        applications=[],
        demand=Demand(number, "active", dt.date(2025, 10, 3), None, dt.date(2027, 10, 3), None, 4),
        link=Link(number, "linked", "sne", False, 4, 4),
        slots=[Slot("s1", "p1", "identity", True, "accepted", None, None)],
        today=TODAY,
        max_applications=3,
    )
    kwargs.update(over)
    return kwargs


def test_out_of_territory_comes_after_the_dossier_and_before_the_offers_closing() -> None:
    assert ORDER.index("dossier_incomplete") + 1 == ORDER.index("out_of_territory")
    assert ORDER.index("out_of_territory") + 1 == ORDER.index("offer_closed")
    found = [
        r.code
        for r in refusals(
            **gate(
                offer={"status": "closed", "closes_on": "2026-12-10", "department": "93"},
                slots=[Slot("s1", "p1", "identity", True, "missing", None, None)],
                applications=[{"offer_id": f"o{i}", "status": "submitted"} for i in range(3)],
            )
        )
    ]
    assert found == [
        "dossier_incomplete",
        "out_of_territory",
        "offer_closed",
        "application_limit",
    ]
    assert first_refusal(**gate(offer={"status": "closed", "department": "93"})).code == (
        "out_of_territory"
    )


def test_the_refusal_names_both_places_in_words() -> None:
    r = first_refusal(**gate())
    assert r is not None and r.code == "out_of_territory"
    assert r.message == "Cette offre est dans la Seine-Saint-Denis ; votre demande couvre le Rhône."
    assert dict(r.params) == {"offer_department": "93", "territory": "069"}
    paris = first_refusal(**gate(PARIS_NUMBER, offer={"status": "open", "department": "69"}))
    assert paris.message == "Cette offre est dans le Rhône ; votre demande couvre l'Île-de-France."


def test_an_offer_in_the_territory_or_of_unknown_department_may_go() -> None:
    assert first_refusal(**gate(offer={"status": "open", "department": "69"})) is None
    assert first_refusal(**gate(offer={"status": "open"})) is None
    assert first_refusal(**gate(PARIS_NUMBER, offer={"status": "open", "department": "92"})) is None
    assert first_refusal(**gate("ZZZ1023517879GDPUB")) is None
