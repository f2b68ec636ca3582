"""The read models, folded live from the domain topics, at national, region, département and territory levels;
then rebuilt by replay from offset zero, and equal to the live ones."""

from __future__ import annotations

import json
import random

import pytest
import scenario

from tdi_contracts.events.actions import FicheActionPlanned
from tdi_contracts.reference import Category
from tdi_reporting.store import READ_MODEL_TABLES
from tdi_runtime.testing import caught_up

from .conftest import eventually, run_cli

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

BULK_ACTIONS = 2150  # the number of fiches actions at the launch of Temps II


async def figures(client, **filters):
    response = await client.get("/api/figures", params=filters)
    assert response.status_code == 200, response.text
    return response.json()


async def scenario_folded(client):
    f = await figures(client)
    done = f["fiches_actions"] >= len(scenario.FICHES) and f["vte_total"]["aides_versees"] == 2
    return (
        f if done and f["financements_total"]["verse_centimes"] and f["territoires"]["territoires_labellises"] else None
    )


async def test_every_domain_event_shows_in_the_figures_of_its_territory_departement_region_and_nation(
    reporting_service, publish
):
    async with reporting_service() as client:
        await publish(scenario.programme())
        national = await eventually(lambda: scenario_folded(client))

        assert national["territoires"] == {
            "territoires_labellises": 5,
            "epci": 5,
            "binomes": 8,
            "binomes_synthetiques": 0,
            "chefs_de_projet": 3,
            "territoires_sans_chef_de_projet": 2,
        }
        assert national["fiches_actions"] == 6
        assert {t["nom"] for t in national["territoires_sans_chef_de_projet"]} == {"Pays de Châlons", "Pays ajaccien"}
        assert national["financements_total"]["demandes_deposees"] == 3
        assert national["financements_total"]["demandes_accordees"] == 1
        assert national["financements_total"]["demandes_refusees"] == 1
        assert national["financements_total"]["demandes_en_instruction"] == 1
        assert national["financements_total"]["emplois_prevus"] == 25
        assert national["financements_total"]["investissement_prevu_centimes"] == 600_000_000
        assert national["financements_total"]["engage_centimes"] == 100_000_000  # 1.2 M€ committed, 0.2 M€ released
        assert national["vte_total"]["aide_totale_centimes"] == 1_600_000  # 4,000 + 8,000 and 4,000 €
        assert {r["taille_entreprise"]: r["contrats_signes"] for r in national["vte"]} == {"eti": 1, "pme": 2}

        marne = await figures(client, departement="51")
        assert marne["territoires"]["territoires_labellises"] == 2
        assert marne["fiches_actions"] == 3  # one quoted by the official id ti-8413 counts for Grand Reims
        [envelope] = (await figures(client, region="44"))["enveloppes"]
        assert (envelope["plafond_centimes"], envelope["disponible_centimes"]) == (790_000_000, 690_000_000)
        assert (await figures(client, region="76"))["enveloppes"] == []

        by_region = (await client.get("/api/read-models/territoires", params={"level": "region"})).json()["rows"]
        labelled = {r["code_zone"]: r["territoires_labellises"] for r in by_region}
        assert labelled == {"01": 1, "44": 2, "75": 1, "76": 1, "94": 1}  # interregional: in both regions
        by_dep = (await client.get("/api/read-models/actions", params={"level": "departement"})).json()["rows"]
        assert {"2A", "971", "51", "64", "65"} == {r["code_zone"] for r in by_dep}


async def test_a_redelivered_event_changes_no_figure(reporting_service, publish, platform_stack, options):
    async with reporting_service() as client:
        sent = await publish(scenario.funding() + scenario.vte())  # new facts: a second envelope's worth
        await eventually(lambda: caught_up(platform_stack.bootstrap_servers, options.consumer_group, options.topics))
        before = await figures(client)
        await publish([], again=sent)  # the very same records again, as a relay re-sending after a crash does
        await eventually(lambda: caught_up(platform_stack.bootstrap_servers, options.consumer_group, options.topics))
        assert await figures(client) == before


async def test_a_rebuild_by_replay_equals_the_live_read_models(
    reporting_service, publish, db, platform_stack, settings, options
):
    territories = [t.territory_id for t in scenario.territories()]
    rng = random.Random(13)
    bulk = [
        FicheActionPlanned.model_validate_json(
            json.dumps(
                {
                    "fiche_action_id": f"00000000-0000-4000-8000-{i:012d}",
                    "territory_id": rng.choice(territories),
                    "title": f"Action synthétique {i}",
                    "categories": rng.sample([c.value for c in Category], rng.randint(1, 2)),
                    "planned_on": "2024-03-12",
                }
            )
        )
        for i in range(BULK_ACTIONS)
    ]
    async with reporting_service() as client:
        await publish(bulk)
        await eventually(lambda: _bulk_folded(db))
        live_tables, live_figures = await _tables(db), await figures(client, region="44")

        code, out, err = await run_cli(platform_stack, settings, options, "rebuild")
        assert code == 0, err
        print(f"\n{out.strip()}")  # the replay speed, for the closing note

        assert await _tables(db) == live_tables
        rebuilt = await figures(client, region="44")
        assert rebuilt["situation"]["tick"] > live_figures["situation"]["tick"]  # a rebuild is one more write
        assert {**rebuilt, "situation": None} == {**live_figures, "situation": None}


async def _bulk_folded(db) -> bool:
    sql = "SELECT count(*) FROM rm_fiche_action WHERE fiche_action_id LIKE '00000000-0000-4000-8000-%'"
    return await db.fetchval(sql) == BULK_ACTIONS


async def _tables(db) -> dict[str, list[tuple]]:
    tables = {}
    for table in READ_MODEL_TABLES:
        rows = await db.fetch(f"SELECT * FROM {table}")
        tables[table] = sorted(tuple(str(v) for v in r.values()) for r in rows)
    return tables
