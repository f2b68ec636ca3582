"""A region or a département is written as people write it: its INSEE code or its official name, whatever the
accents and the case; a wrong one is answered with the list of names."""

from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from tdi_contracts.field_errors import french_message
from tdi_contracts.reference import Departement, DepartementParam, Region, RegionParam


class Filters(BaseModel):
    region: RegionParam | None = None
    departement: Annotated[DepartementParam | None, "a query parameter"] = None


@pytest.mark.parametrize(
    ("written", "region"),
    [
        ("44", Region.GRAND_EST),
        ("Grand Est", Region.GRAND_EST),
        ("grand-est", Region.GRAND_EST),
        ("GRAND EST ", Region.GRAND_EST),
        ("Ile de France", Region.ILE_DE_FRANCE),
        ("provence-alpes-cote d'azur", Region.PROVENCE_ALPES_COTE_D_AZUR),
        ("la réunion", Region.LA_REUNION),
        (Region.OCCITANIE, Region.OCCITANIE),
    ],
)
def test_a_region_is_its_insee_code_or_its_name_accents_and_case_ignored(written: str, region: Region) -> None:
    assert Filters(region=written).region is region


@pytest.mark.parametrize(
    ("written", "departement"),
    [("51", Departement.MARNE), ("Marne", Departement.MARNE), ("cote d'or", Departement.COTE_D_OR),
     ("2a", Departement.CORSE_DU_SUD), ("Corse-du-Sud", Departement.CORSE_DU_SUD), ("971", Departement.GUADELOUPE)],
)  # fmt: skip
def test_a_departement_is_its_insee_code_or_its_name(written: str, departement: Departement) -> None:
    assert Filters(departement=written).departement is departement


def test_an_unknown_region_is_answered_with_every_region_by_code_and_name() -> None:
    with pytest.raises(ValidationError) as caught:
        Filters(region="Champagne")
    error = caught.value.errors()[0]
    assert (error["loc"], error["type"]) == (("region",), "unknown_region")
    message = french_message(error)
    assert message.startswith("Région inconnue ; valeurs admises (code INSEE ou nom) : 01 Guadeloupe, 02 Martinique")
    assert "44 Grand Est, 52 Pays de la Loire" in message and "75 Nouvelle-Aquitaine" in message


def test_an_unknown_departement_is_answered_in_french_with_its_own_code() -> None:
    with pytest.raises(ValidationError) as caught:
        Filters(departement="Champagne")
    error = caught.value.errors()[0]
    assert error["type"] == "unknown_departement"
    assert french_message(error).startswith("Département inconnu")


def test_the_documented_schema_offers_codes_and_names() -> None:
    schema = Filters.model_json_schema()["properties"]["region"]["anyOf"][0]
    offered = [value for branch in schema["anyOf"] for value in branch["enum"]]
    assert "44" in offered and "Grand Est" in offered
