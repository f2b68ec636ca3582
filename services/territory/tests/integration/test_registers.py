"""The programme's registers over HTTP (issue 24): sites clés en main France 2030 (C5), écoles de production and
Rebond industriel laureates (C6), regional chefs de projet and the network (C7). Seed lines: `P` = press kit."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import pytest

from tdi_runtime.testing import unique_name

from .conftest import BRETAGNE_TOKEN

pytestmark = pytest.mark.integration

REIMS_CU = {"siren": "200067213", "name": "CU du Grand Reims", "nature_juridique": "CU", "joined_on": "2024-01-15"}
SITE = {
    "name": "Parc industriel de la Husselle",
    "commune_insee": "51454",
    "criteria": ["maitrise-fonciere", "raccordement-reseaux"],
    "maturity": "friche-a-rehabiliter",
    "proposed_on": "2023-12-01",
}


@pytest.fixture
def schema() -> str:
    return unique_name("territory_r")


async def outbox_events(db: asyncpg.Pool, name: str) -> list[tuple[str, dict[str, Any]]]:
    """(Kafka key, payload) of one event type in the outbox, in order."""
    rows = await db.fetch("SELECT key, header_keys, header_values, value FROM outbox ORDER BY id")
    return [
        (bytes(r["key"]).decode(), json.loads(r["value"]))
        for r in rows
        if dict(zip(r["header_keys"], r["header_values"], strict=True))["ce_type"].decode().split(".")[-2] == name
    ]


async def test_a_site_is_proposed_with_its_criteria_in_its_region_and_territory__P580_P584_P589(territory_service, db):
    async with territory_service() as (_, client):
        await client.post("/territories/tdi-44-grand-reims/epci", json=REIMS_CU)
        answer = await client.post("/sites", json=SITE)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["region"], body["territory_id"]) == ("44", "tdi-44-grand-reims")
    assert (body["sites_in_region"], body["flag"]) == (1, "moins-de-5")
    [(key, proposed)] = await outbox_events(db, "SiteProposed")
    assert key == "44" and proposed["criteria"] == SITE["criteria"] and proposed["departement"] == "51"


async def test_a_site_outside_every_territory_and_meeting_no_criterion_is_registered__P582_P599(territory_service, db):
    """« critères – pas nécessairement cumulatifs » (P:582); « n'est pas limitée aux seuls Territoires
    d'industrie » (P:599)."""
    async with territory_service() as (_, client):
        answer = await client.post("/sites", json={**SITE, "commune_insee": "51230", "criteria": []})
    assert answer.status_code == 201, answer.text
    assert answer.json()["territory_id"] is None
    [(_, proposed)] = await outbox_events(db, "SiteProposed")
    assert proposed["territory_id"] is None and proposed["criteria"] == []


async def test_an_eleventh_site_of_a_region_is_registered_and_flagged_not_refused__P580(territory_service):
    """« présenter 5 à 10 sites par région » (P:580) is the regions' target, not a ceiling on candidacies: rounds
    go on in 2024 (P:582) and the door stays open (M:263)."""
    async with territory_service() as (_, client):
        answers = [await client.post("/sites", json={**SITE, "name": f"Site {n}"}) for n in range(11)]
        listed = (await client.get("/sites", params={"region": "44"})).json()
    assert [a.status_code for a in answers] == [201] * 11
    assert [a.json()["flag"] for a in answers][3:] == ["moins-de-5"] + ["dans-la-fourchette"] * 6 + ["plus-de-10"]
    assert listed["regions"] == [
        {"region": "44", "libelle_region": "Grand Est", "sites": 11, "retenus": 0, "flag": "plus-de-10"}
    ]
    assert (listed["objectif_national"], len(listed["sites"])) == (50, 11)


async def test_a_commune_code_no_administrative_reference_knows_is_refused_with_a_code(territory_service):
    async with territory_service() as (_, client):
        answer = await client.post("/sites", json={**SITE, "commune_insee": "51999"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "COMMUNE_NOT_IN_COG" and "51999" in answer.json()["message"]


async def test_a_site_gets_its_support_maturity_and_selection_and_is_selected_once__P576_P595(territory_service, db):
    async with territory_service() as (_, client):
        site = (await client.post("/sites", json=SITE)).json()["site_id"]
        support = await client.post(
            f"/sites/{site}/support",
            json={"support": "financement", "amount_cents": 25_000_000, "recorded_on": "2024-04-15"},
        )
        maturity = await client.post(
            f"/sites/{site}/maturity", json={"maturity": "deja-cle-en-main", "changed_on": "2024-06-01"}
        )
        criteria = await client.post(f"/sites/{site}/criteria", json={"criteria": [], "assessed_on": "2024-03-01"})
        selected = await client.post(f"/sites/{site}/select", json={"selected_on": "2024-02-15"})
        again = await client.post(f"/sites/{site}/select", json={"selected_on": "2024-02-16"})
        unknown = await client.post(
            "/sites/3f1e7c52-8a0b-4d52-9a40-1c2b3d4e5f60/select", json={"selected_on": "2024-02-16"}
        )
        listed = (await client.get("/sites")).json()
    assert [r.status_code for r in (support, maturity, criteria, selected)] == [201, 200, 200, 200]
    assert (again.status_code, again.json()["code"]) == (409, "SITE_ALREADY_SELECTED")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "UNKNOWN_SITE")
    [shown] = listed["sites"]
    assert (shown["maturity"], shown["criteria"], shown["selected_on"]) == ("deja-cle-en-main", [], "2024-02-15")
    assert shown["support"] == [{"support": "financement", "amount_cents": 25_000_000, "recorded_on": "2024-04-15"}]
    assert [k for k, _ in await outbox_events(db, "SiteSelected")] == ["44"]


async def test_an_ecole_de_production_is_registered_beside_the_published_figures__P683_P687(territory_service, db):
    async with territory_service() as (_, client):
        await client.post("/territories/tdi-44-grand-reims/epci", json=REIMS_CU)
        answer = await client.post(
            "/ecoles-de-production",
            json={"name": "École de production de Reims", "commune_insee": "51454", "opened_on": "2022-09-01",
                  "via_programme": True},
        )  # fmt: skip
        listed = (await client.get("/ecoles-de-production")).json()
    assert answer.status_code == 201, answer.text
    assert listed["publie"] == {"ouvertes": 65, "ouvertes_en_2020": 25, "objectif_2027": 100, "via_programme": 39}
    assert (listed["registre"]["ecoles"], listed["registre"]["via_programme"]) == (1, 1)
    [(key, recorded)] = await outbox_events(db, "EcoleDeProductionRecorded")
    assert key == "44" and recorded["territory_id"] == "tdi-44-grand-reims"


async def test_bourg_en_bresse_is_recorded_as_a_rebond_industriel_laureate_once__P642_P644(territory_service, db):
    laureate = {"laureate_since": "2023-06-01", "source": "Dossier de presse du 9 novembre 2023, l. 644"}
    async with territory_service() as (_, client):
        first = await client.post("/territories/tdi-84-bassin-de-bourg-en-bresse/rebond-industriel", json=laureate)
        second = await client.post("/territories/tdi-84-bassin-de-bourg-en-bresse/rebond-industriel", json=laureate)
    assert first.status_code == 201, first.text
    assert (second.status_code, second.json()["code"]) == (409, "REBOND_LAUREATE_ALREADY_RECORDED")
    [(key, _)] = await outbox_events(db, "RebondLaureateRecorded")
    assert key == "tdi-84-bassin-de-bourg-en-bresse"


async def test_a_regional_chef_de_projet_counts_in_the_network_beside_the_territories_posts__P466_P477(
    territory_service, db
):
    async with territory_service() as (_, client):
        await client.post(
            "/territories/tdi-44-grand-reims/chefs-de-projet",
            json={"employer_siren": "200067213", "employer_authority": "epci", "annual_cost_cents": 6_000_000,
                  "started_on": "2024-01-01"},
        )  # fmt: skip
        post = await client.post(
            "/regions/44/chefs-de-projet-regionaux", json={"employer": "prefecture", "appointed_on": "2024-03-01"}
        )
        network = (await client.get("/regions/44/reseau")).json()
        ended = await client.post(
            f"/chefs-de-projet-regionaux/{post.json()['post_id']}/end", json={"ended_on": "2024-12-31"}
        )
        again = await client.post(
            f"/chefs-de-projet-regionaux/{post.json()['post_id']}/end", json={"ended_on": "2025-01-31"}
        )
    assert post.status_code == 201, post.text
    assert network["postes_regionaux"] == 1 and network["postes_des_territoires"] == 1
    assert network["territoires"] == 21 and network["territoires_sans_chef_de_projet"] == 20
    assert ended.status_code == 200
    assert (again.status_code, again.json()["code"]) == (409, "CHEF_DE_PROJET_POST_ENDED")
    assert [k for k, _ in await outbox_events(db, "RegionalChefDeProjetAppointed")] == ["44"]


async def test_a_regional_caller_registers_nothing_in_another_region(territory_service, db):
    """A prefecture of Bretagne (53) proposes a site in Reims (Grand Est): 403 OUT_OF_REGION, nothing written."""
    async with territory_service(as_staff=False) as (_, client):
        client.headers["Authorization"] = f"Bearer {BRETAGNE_TOKEN}"
        site = await client.post("/sites", json=SITE)
        ecole = await client.post(
            "/ecoles-de-production",
            json={"name": "École", "commune_insee": "51454", "opened_on": "2022-09-01", "via_programme": False},
        )
        regional = {"employer": "prefecture", "appointed_on": "2024-03-01"}
        post = await client.post("/regions/44/chefs-de-projet-regionaux", json=regional)
        own = await client.post("/sites", json={**SITE, "commune_insee": "35238"})  # Rennes
    assert [r.json()["code"] for r in (site, ecole, post)] == ["OUT_OF_REGION"] * 3
    assert own.status_code == 201, own.text
    assert [p["region"] for _, p in await outbox_events(db, "SiteProposed")] == ["53"]
