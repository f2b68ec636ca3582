"""A load of the national open data with an EPCI the vendored COG knows brings every one of its communes, and the
file keeps the last word on the communes it names (issue 24, A3; `P:472-473` a territory is made of EPCI)."""

from __future__ import annotations

import pytest

from tdi_runtime.testing import unique_name

from .conftest import FIXTURES, run_cli

pytestmark = pytest.mark.integration

LOAD = ("load-open-data", "--communes", str(FIXTURES / "communes_cog.csv"), "--epci", str(FIXTURES / "epci_cog.csv"))


@pytest.fixture(scope="module")
def schema() -> str:
    return unique_name("territory_o")


async def test_the_epci_of_the_file_brings_its_143_communes_and_the_file_places_epernay_flagged(
    territory_service, platform_stack, schema, db
):
    async with territory_service():
        pass
    code, out, err = await run_cli(platform_stack, *LOAD, "--on", "2024-01-15", schema=schema)
    assert code == 0, err
    assert "Communes apportées par leur EPCI (@etalab/decoupage-administratif@6.0.0 (COG 2026)) : 143" in out
    assert "Communes rattachées : 1 (dont 0 sans événement" in out  # Épernay; Reims came with its EPCI
    assert "Lignes déjà appliquées : 1" in out
    assert out.count("COMMUNE_EPCI_MISMATCH") == 1 and "51230" in out
    async with territory_service() as (_, client):
        tinqueux = (await client.get("/communes/51573/territory")).json()  # not in the file: its EPCI brought it
        epernay = (await client.get("/communes/51230/territory")).json()
        detail = (await client.get("/territories/tdi-44-grand-reims")).json()
    assert tinqueux["territory"]["id"] == epernay["territory"]["id"] == "tdi-44-grand-reims"
    assert (detail["communes_count"], detail["perimeter"]["known"]) == (144, True)

    before = await db.fetchval("SELECT count(*) FROM outbox")
    code, out, err = await run_cli(platform_stack, *LOAD, schema=schema)
    assert code == 0, err
    assert "Communes rattachées : 0" in out and "EPCI rattachés : 0" in out
    assert await db.fetchval("SELECT count(*) FROM outbox") == before
