"""One geography: commune → département → region, and the INSEE patterns proven against the enums they stand for."""

from __future__ import annotations

import itertools
import re

import pytest

from tdi_contracts.ids import DepartementCode, InseeCommune, RegionCode
from tdi_contracts.reference import Departement, Region
from tdi_contracts.reference.geography import (
    COMMUNE_PATTERN,
    DEPARTEMENT_PATTERN,
    REGION_PATTERN,
    departement_of_commune,
    is_commune,
    region_of_commune,
)

DIGITS_AB = "0123456789AB"


def every_code(length: int) -> list[str]:
    return ["".join(chars) for chars in itertools.product(DIGITS_AB, repeat=length)]


def test_the_region_pattern_accepts_exactly_the_18_regions():
    accepted = {code for code in every_code(2) if re.fullmatch(REGION_PATTERN, code)}
    assert accepted == {r.value for r in Region}


def test_the_departement_pattern_accepts_exactly_the_101_departements():
    accepted = {code for code in every_code(2) + every_code(3) if re.fullmatch(DEPARTEMENT_PATTERN, code)}
    assert accepted == {d.value for d in Departement}


def test_a_commune_code_is_a_departement_followed_by_its_number():
    # Every 5-character code of digits, A and B: accepted exactly when its département is one of the enum's.
    for code in every_code(5):
        if code[2:].isdigit() or code[:2] in ("2A", "2B"):
            expected = any(code.startswith(d.value) and code[len(d.value) :].isdigit() for d in Departement)
            assert (re.fullmatch(COMMUNE_PATTERN, code) is not None) == expected, code
            assert is_commune(code) == expected


def test_the_contract_types_use_the_geography_patterns():
    assert [m.pattern for m in RegionCode.__metadata__ if hasattr(m, "pattern")] == [REGION_PATTERN]
    assert [m.pattern for m in DepartementCode.__metadata__ if hasattr(m, "pattern")] == [DEPARTEMENT_PATTERN]
    assert [m.pattern for m in InseeCommune.__metadata__ if hasattr(m, "pattern")] == [COMMUNE_PATTERN]


@pytest.mark.parametrize(
    ("insee", "departement", "region"),
    [
        ("51454", Departement.MARNE, Region.GRAND_EST),
        ("2A004", Departement.CORSE_DU_SUD, Region.CORSE),
        ("2B033", Departement.HAUTE_CORSE, Region.CORSE),
        ("97411", Departement.LA_REUNION, Region.LA_REUNION),
        ("97611", Departement.MAYOTTE, Region.MAYOTTE),
        ("01001", Departement.AIN, Region.AUVERGNE_RHONE_ALPES),
    ],
)
def test_a_commune_gives_its_departement_and_region(insee, departement, region):
    assert departement_of_commune(insee) is departement
    assert region_of_commune(insee) is region


@pytest.mark.parametrize("insee", ["20001", "97511", "5145", "514540", "2C004", "", "ABCDE"])
def test_a_code_that_is_no_commune_has_no_departement(insee):
    assert not is_commune(insee)
    with pytest.raises(ValueError, match="commune"):
        departement_of_commune(insee)
