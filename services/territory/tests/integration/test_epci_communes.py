"""Every commune of every EPCI of a territory (issue 24, A3), over HTTP on a real PostgreSQL.

`P:673` « les entreprises situées en Territoires d'industrie peuvent bénéficier d'une aide de 4 000 euros »: a
company is located by the commune of its establishment (platform rule, domain.md), so the platform must know every
commune of a territory: `P:100` and `P:472-473` make a territory of EPCI (intercommunalités). Each test starts the
service on a schema of its own.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import asyncpg
import pytest

from tdi_runtime.testing import unique_name

pytestmark = pytest.mark.integration

REIMS_CU = {"siren": "200067213", "name": "CU du Grand Reims", "nature_juridique": "CU", "joined_on": "2024-01-15"}
AMP = {"siren": "200054807", "name": "Métropole d'Aix-Marseille-Provence", "nature_juridique": "METRO",
       "joined_on": "2024-01-15"}  # fmt: skip
# Vallée de la Bresle – Vimeu: two EPCI, in Seine-Maritime (76) and Somme (80)
VILLES_SOEURS = {
    "siren": "247600588",
    "name": "CC des Villes Sœurs",
    "nature_juridique": "CC",
    "joined_on": "2024-01-15",
}
VIMEU = {"siren": "200070944", "name": "CC du Vimeu", "nature_juridique": "CC", "joined_on": "2024-02-01"}
BRESLE = "tdi-28-vallee-de-la-bresle-vimeu"


@pytest.fixture
def schema() -> str:
    return unique_name("territory_e")


async def outbox_events(db: asyncpg.Pool, name: str) -> list[dict[str, Any]]:
    """The payloads of one event type the service wrote to its outbox, in order."""
    rows = await db.fetch("SELECT header_keys, header_values, value FROM outbox ORDER BY id")
    found = []
    for r in rows:
        headers = dict(zip(r["header_keys"], r["header_values"], strict=True))
        if headers["ce_type"].decode().split(".")[-2] == name:
            found.append(json.loads(r["value"]))
    return found


async def test_a_commune_of_the_second_epci_of_a_two_epci_territory_is_located_by_commune__P673(territory_service, db):
    async with territory_service() as (_, client):
        first = await client.post(f"/territories/{BRESLE}/epci", json=VILLES_SOEURS)
        second = await client.post(f"/territories/{BRESLE}/epci", json=VIMEU)
        friville = (await client.get("/communes/80368/territory")).json()  # Friville-Escarbotin, CC du Vimeu
        eu = (await client.get("/communes/76255/territory")).json()  # Eu, CC des Villes Sœurs
        detail = (await client.get(f"/territories/{BRESLE}")).json()
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["epci_in_cog"] and second.json()["communes_assigned"] > 0
    assert friville["territory"]["id"] == eu["territory"]["id"] == BRESLE
    assert detail["perimeter"]["known"] is True and detail["perimeter"]["epci_not_in_cog"] == []

    assigned = await outbox_events(db, "CommuneAssigned")
    by_epci = Counter(a["epci_siren"] for a in assigned)
    assert by_epci[VIMEU["siren"]] == second.json()["communes_assigned"]
    assert by_epci[VILLES_SOEURS["siren"]] == first.json()["communes_assigned"]
    assert {a["departement"] for a in assigned} == {"76", "80"}
    references = [r for r in await outbox_events(db, "TerritoryReferenceUpdated") if r["territory_id"] == BRESLE]
    assert references[-1]["perimeter_known"] is True and references[-1]["perimeter_as_of"] == "2024-02-01"
    # the reference counts the communes published, so a consumer knows when it holds them all (any topic order)
    assert references[-1]["perimeter_communes"] == len(assigned)


async def test_an_establishment_in_marseille_13203_is_in_aix_marseille_provence(territory_service, db):
    """SIRENE gives the arrondissement (13203) for an establishment in Marseille; the EPCI lists 13055."""
    async with territory_service() as (_, client):
        joined = await client.post("/territories/tdi-93-aix-marseille-provence/epci", json=AMP)
        found = await client.get("/communes/13203/territory")
    assert joined.json()["communes_assigned"] == 92
    body = found.json()
    assert found.status_code == 200, body
    assert body["territory"]["id"] == "tdi-93-aix-marseille-provence"
    assert (body["commune"]["alias_of"], body["commune"]["alias_kind"]) == ("13055", "arrondissement")
    aliases = await outbox_events(db, "CommuneCodeAliased")
    marseille = {a["alias_insee"] for a in aliases if a["commune_insee"] == "13055"}
    assert len(marseille) == 16 and "13203" in marseille
    assert {a["territory_id"] for a in aliases} == {"tdi-93-aix-marseille-provence"}


async def test_an_epci_that_leaves_takes_its_communes_and_their_aliases(territory_service):
    async with territory_service() as (_, client):
        await client.post("/territories/tdi-93-aix-marseille-provence/epci", json=AMP)
        left = await client.post(
            f"/territories/tdi-93-aix-marseille-provence/epci/{AMP['siren']}/leave", json={"left_on": "2025-06-30"}
        )
        marseille = await client.get("/communes/13055/territory")
        arrondissement = await client.get("/communes/13203/territory")
        detail = (await client.get("/territories/tdi-93-aix-marseille-provence")).json()
    assert left.status_code == 200
    assert (marseille.status_code, arrondissement.status_code) == (404, 404)
    assert (detail["communes_count"], detail["perimeter"]["known"]) == (0, False)


async def test_an_epci_unknown_to_the_vendored_cog_leaves_the_perimeter_unknown(territory_service, db):
    async with territory_service() as (_, client):
        joined = await client.post(
            "/territories/tdi-44-grand-reims/epci", json={**REIMS_CU, "siren": "200067403"}
        )  # a SIREN of no millésime
        detail = (await client.get("/territories/tdi-44-grand-reims")).json()
    assert (joined.json()["communes_assigned"], joined.json()["epci_in_cog"]) == (0, False)
    assert detail["perimeter"] == {
        "known": False,
        "cog": "@etalab/decoupage-administratif@6.0.0 (COG 2026)",
        "epci_not_in_cog": ["200067403"],
    }
    latest = [r for r in await outbox_events(db, "TerritoryReferenceUpdated") if r["territory_id"].endswith("reims")]
    assert (latest[-1]["perimeter_known"], latest[-1]["perimeter_as_of"], latest[-1]["perimeter_communes"]) == (
        False,
        None,
        None,
    )


async def test_a_commune_another_territory_holds_is_not_taken_by_a_later_epci(territory_service):
    """An EPCI is in one territory at a time, so are its communes: a commune held stays where it is."""
    async with territory_service() as (_, client):
        await client.post("/territories/tdi-44-grand-reims/epci", json=REIMS_CU)
        reims = (await client.get("/communes/51454/territory")).json()
    assert reims["territory"]["id"] == "tdi-44-grand-reims"
