"""`python -m tdi_territory load-open-data` fills official ids, EPCI and communes, with their events, once."""

from __future__ import annotations

import pytest

from tdi_contracts.topics import TERRITORY, TERRITORY_REFERENCE

from .conftest import FIXTURES, outbox_ids, published, run_cli, wait_until_relayed

pytestmark = pytest.mark.integration

LOAD = ("load-open-data", "--communes", str(FIXTURES / "communes.csv"), "--epci", str(FIXTURES / "epci.csv"))


async def test_after_the_load_a_commune_tells_its_territory_also_after_a_restart(
    territory_service, platform_stack, schema
):
    async with territory_service():
        pass  # first start: the reference is in the database
    code, out, err = await run_cli(platform_stack, *LOAD, "--on", "2024-01-15", schema=schema)
    assert code == 0, err

    for _ in range(2):  # the running service, then the same schema after a restart
        async with territory_service() as (_, client):
            reims = (await client.get("/communes/51454/territory")).json()
            ajaccio = (await client.get("/communes/2A004/territory")).json()
            by_official = (await client.get("/territories/ti-8103")).json()
            unknown = await client.get("/communes/51230/territory")
        assert (reims["commune"]["name"], reims["territory"]["id"]) == ("Reims", "tdi-44-grand-reims")
        assert reims["territory"]["official_id"] == "ti-8101"
        assert ajaccio["territory"]["id"] == "tdi-94-pays-ajaccien"
        assert by_official["id"] == "tdi-44-ouest-champenois"
        assert [e["siren"] for e in by_official["epci"]] == ["200042844", "200071348", "241000074"]
        assert by_official["communes_count"] == 2
        assert (unknown.status_code, unknown.json()["code"]) == (404, "UNKNOWN_COMMUNE")

    assert "Identifiants officiels enregistrés : 7" in out
    assert "EPCI rattachés : 7" in out
    # every commune of the file is announced (issue 24): the 4 of territories of several EPCI through their own
    # EPCI in the COG; the fixture's SIRENs are in no millésime, so every row is flagged, none refused
    assert "Communes rattachées : 10 (dont 0 sans événement : EPCI de la commune inconnu)" in out
    assert "Communes apportées par leur EPCI (@etalab/decoupage-administratif@6.0.0 (COG 2026)) : 0" in out
    assert "Avertissements (appliqués, le fichier l'emporte) : 17" in out
    assert out.count("EPCI_NOT_IN_COG") == 7 and out.count("COMMUNE_EPCI_MISMATCH") == 10
    assert "Lignes refusées : 12" in out
    assert "communes:12 UNKNOWN_TERRITORY — Le territoire « Territoire imaginaire » (ti-9999)" in out


async def test_the_load_announces_epci_and_communes_after_the_labels_of_the_first_start(
    territory_service, platform_stack, db
):
    async with territory_service():
        await wait_until_relayed(db)
    events = await published(platform_stack.bootstrap_servers, TERRITORY.name, await outbox_ids(db, TERRITORY.name))
    kinds = [(env.type.split(".")[-2], payload.territory_id) for env, payload, _ in events]
    reims = [(env.type.split(".")[-2], payload) for env, payload, _ in events if payload.territory_id.endswith("reims")]

    assert sum(kind == "TerritoryLabelled" for kind, _ in kinds) == 182  # at first start, before the load
    assert sum(kind == "EpciJoined" for kind, _ in kinds) == 7
    assert sum(kind == "CommuneAssigned" for kind, _ in kinds) == 10  # every commune of the file (issue 24)
    assert [kind for kind, _ in reims] == [
        "TerritoryLabelled",
        "EpciJoined",
        "CommuneAssigned",
        "CommuneAssigned",
        "CommuneCodeAliased",  # Reims's former code 51401
    ]
    labelled = reims[0][1]
    assert (labelled.official_id, labelled.epci_sirens, str(labelled.labelled_on)) == (None, [], "2023-11-09")
    assert reims[1][1].epci_siren == "200067403"
    references = await published(
        platform_stack.bootstrap_servers, TERRITORY_REFERENCE.name, await outbox_ids(db, TERRITORY_REFERENCE.name)
    )
    latest = {p.territory_id: p for _, p, _ in sorted(references, key=lambda r: r[1].revision)}
    assert (latest["tdi-44-grand-reims"].revision, latest["tdi-44-grand-reims"].official_id) == (2, "ti-8101")
    assert latest["tdi-04-est-reunion-industries"].official_id == "ti-8107"


async def test_loading_the_same_files_again_changes_nothing_and_publishes_nothing(platform_stack, db, schema):
    before = await db.fetchval("SELECT count(*) FROM outbox")

    code, out, err = await run_cli(platform_stack, *LOAD, schema=schema)

    assert code == 0, err
    assert "EPCI rattachés : 0" in out and "Communes rattachées : 0" in out
    assert "Lignes déjà appliquées : 24" in out
    assert await db.fetchval("SELECT count(*) FROM outbox") == before
