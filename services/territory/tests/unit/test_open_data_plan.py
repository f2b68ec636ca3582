"""Planning an open-data load against the database: only what is new is applied, contradictions are refused."""

from pathlib import Path

import pytest

from tdi_territory.perimeter.open_data_sync import CurrentPerimeter, departement_of_commune, plan_open_data
from tdi_territory.reference.catalogue import load_reference
from tdi_territory.reference.open_data import OpenDataResult, load_open_data

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def result() -> OpenDataResult:
    with (FIXTURES / "communes.csv").open(encoding="utf-8") as c, (FIXTURES / "epci.csv").open(encoding="utf-8") as e:
        return load_open_data(c, e, load_reference())


def empty_database() -> CurrentPerimeter:
    return CurrentPerimeter({t.id: None for t in load_reference()}, {}, {})


def applied(result: OpenDataResult) -> CurrentPerimeter:
    """The database once a plan of `result` was applied."""
    plan = plan_open_data(result, empty_database())
    return CurrentPerimeter(
        {**empty_database().official_ids, **plan.official_ids},
        {epci.siren: t for t, epci in plan.joins},
        {commune.insee: t for t, commune in plan.communes},
    )


def test_a_first_load_applies_every_valid_row(result: OpenDataResult) -> None:
    plan = plan_open_data(result, empty_database())
    assert (len(plan.official_ids), len(plan.joins), len(plan.communes)) == (7, 7, 10)
    assert (plan.rejected, plan.already_applied) == ([], 0)


def test_loading_the_same_files_twice_plans_nothing_the_second_time(result: OpenDataResult) -> None:
    plan = plan_open_data(result, applied(result))
    assert plan.empty
    assert plan.already_applied == 7 + 7 + 10


def test_an_epci_the_database_holds_in_another_territory_is_refused_not_moved(result: OpenDataResult) -> None:
    current = empty_database()
    current.epci_territory["200067403"] = "tdi-44-pays-de-chalons"
    plan = plan_open_data(result, current)
    assert ("tdi-44-grand-reims", "200067403") not in [(t, e.siren) for t, e in plan.joins]
    assert [r.code for r in plan.rejected] == ["EPCI_ALREADY_IN_TERRITORY"]
    assert "tdi-44-pays-de-chalons" in plan.rejected[0].message


def test_an_official_id_other_than_the_one_recorded_is_refused(result: OpenDataResult) -> None:
    current = empty_database()
    current.official_ids["tdi-44-grand-reims"] = "ti-7000"
    plan = plan_open_data(result, current)
    assert "tdi-44-grand-reims" not in plan.official_ids
    assert [r.code for r in plan.rejected] == ["CONFLICTING_TERRITORY_ID"]


@pytest.mark.parametrize(("insee", "departement"), [("51454", "51"), ("2A004", "2A"), ("97410", "974")])
def test_the_departement_of_a_commune_is_read_from_its_insee_code(insee: str, departement: str) -> None:
    assert departement_of_commune(insee) == departement
