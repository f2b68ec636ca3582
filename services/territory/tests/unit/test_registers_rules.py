"""Rules of the registers that need no server (issue 24, C5): the 5-to-10 flag and where a site stands."""

import pytest

from tdi_contracts.reference.registers import SITES_CLES_EN_MAIN_OBJECTIVE, SITES_FIRST_ROUND, sites_flag
from tdi_territory.registers.handlers import region_of_commune


@pytest.mark.parametrize(
    ("proposed", "flag"),
    [(0, "moins-de-5"), (4, "moins-de-5"), (5, "dans-la-fourchette"), (10, "dans-la-fourchette"), (11, "plus-de-10")],
)
def test_a_region_s_count_of_sites_is_flagged_against_five_to_ten__P580(proposed: int, flag: str) -> None:
    """P:580 « afin de présenter 5 à 10 sites par région »."""
    assert sites_flag(proposed) == flag


def test_the_objective_and_the_first_round_are_the_press_kit_s__P576_P582() -> None:
    assert (SITES_CLES_EN_MAIN_OBJECTIVE, SITES_FIRST_ROUND.isoformat()) == (50, "2023-12-01")


@pytest.mark.parametrize(("insee", "region"), [("51454", "44"), ("13203", "93"), ("97410", "04"), ("2A004", "94")])
def test_a_commune_code_gives_its_region_an_arrondissement_its_commune_s(insee: str, region: str) -> None:
    assert region_of_commune(insee) == region


def test_a_code_no_millesime_knows_gives_no_region() -> None:
    assert region_of_commune("51999") is None
