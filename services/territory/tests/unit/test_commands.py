"""HTTP commands are validated field by field: the error names the field that is wrong."""

import pytest
from pydantic import ValidationError

from tdi_territory.commands import AddTerritory, AppointChefDeProjet, JoinEpci, RecordBinome, ShareChefDeProjet

BINOME = {
    "elected_mandate": "maire",
    "industrial_company": "Coopérative des vins",
    "industrial_company_size": "eti",
    "industrial_sector": "agroalimentaire",
    "appointed_on": "2023-12-01",
}


def fields_in_error(model: type, data: dict) -> set[str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return {".".join(str(p) for p in e["loc"]) for e in raised.value.errors()}


def test_a_siren_failing_its_luhn_key_is_refused_on_its_field() -> None:
    data = {"siren": "200067404", "name": "CU", "nature_juridique": "CU", "joined_on": "2024-01-15"}
    assert fields_in_error(JoinEpci, data) == {"siren"}


def test_a_binome_refuses_any_field_that_would_carry_a_person() -> None:
    assert fields_in_error(RecordBinome, {**BINOME, "elected_official_email": "x@y.fr"}) == {"elected_official_email"}


def test_the_cost_of_a_post_is_integer_cents_never_a_float() -> None:
    data = {
        "employer_siren": "200067403",
        "employer_authority": "epci",
        "annual_cost_cents": 1.5,
        "started_on": "2024-02-01",
    }
    assert fields_in_error(AppointChefDeProjet, data) == {"annual_cost_cents"}


def test_a_post_is_shared_with_territories_quoted_by_either_id() -> None:
    command = ShareChefDeProjet.model_validate(
        {"territory_ids": ["ti-8102", "tdi-44-vitry-le-francois"], "shared_on": "2024-09-01"}
    )
    assert command.territory_ids == ["ti-8102", "tdi-44-vitry-le-francois"]
    assert fields_in_error(ShareChefDeProjet, {"territory_ids": ["8102"], "shared_on": "2024-09-01"}) == {
        "territory_ids.0"
    }


def _codes(model: type, data: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return {".".join(str(p) for p in e["loc"]): e["type"] for e in raised.value.errors()}


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (JoinEpci, {"siren": "200067403", "name": '=HYPERLINK("http://x")', "nature_juridique": "CU",
                    "joined_on": "2024-01-15"}, "name"),
        (RecordBinome, {**BINOME, "industrial_company": "@SUM(A1)"}, "industrial_company"),
        (RecordBinome, {**BINOME, "industrial_sector": "+cmd"}, "industrial_sector"),
        (AddTerritory, {"name": "=1+1", "departements": ["52"], "official_id": "ti-9999"}, "name"),
    ],
)  # fmt: skip
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_refused_at_the_door(model: type, data: dict, field: str):
    assert _codes(model, data) == {field: "formula_like_text"}
