"""At first start the service holds and publishes the 182 reference territories; a restart publishes nothing."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tdi_contracts.topics import TERRITORY, TERRITORY_REFERENCE

from .conftest import outbox_ids, published, wait_until_relayed

pytestmark = pytest.mark.integration

PER_REGION = {
    "01": 2, "02": 2, "03": 2, "04": 2, "06": 1, "11": 11, "24": 12, "27": 10, "28": 10,
    "32": 18, "44": 21, "52": 18, "53": 10, "75": 16, "76": 15, "84": 25, "93": 8, "94": 2,
}  # fmt: skip


async def test_after_start_the_marne_has_5_territories_and_grand_est_21_from_the_services_own_database(
    territory_service,
):
    async with territory_service() as (_, client):
        marne = (await client.get("/territories", params={"departement": "51"})).json()
        grand_est = (await client.get("/territories", params={"region": "44"})).json()
        everything = (await client.get("/territories")).json()

    assert marne["count"] == 5
    assert "Grand Reims" in {t["name"] for t in marne["territories"]}
    assert all("51" in t["departements"] for t in marne["territories"])
    assert grand_est["count"] == 21
    assert everything["count"] == 182
    assert Counter(r for t in everything["territories"] for r in t["regions"]) == PER_REGION


async def test_every_reference_territory_reaches_the_reference_topic_keyed_by_its_platform_id(
    territory_service, platform_stack, db
):
    async with territory_service():
        await wait_until_relayed(db)
    ids = await outbox_ids(db, TERRITORY_REFERENCE.name)

    records = await published(platform_stack.bootstrap_servers, TERRITORY_REFERENCE.name, ids)

    assert len(records) == len(ids) == 182
    by_id = {payload.territory_id: (payload, key) for _, payload, key in records}
    reims, key = by_id["tdi-44-grand-reims"]
    assert key == b"tdi-44-grand-reims"
    assert (reims.name, reims.revision, reims.official_id, reims.labelled) == ("Grand Reims", 1, None, True)
    bresle, _ = by_id["tdi-28-vallee-de-la-bresle-vimeu"]
    assert bresle.is_interregional()
    labels = await published(platform_stack.bootstrap_servers, TERRITORY.name, await outbox_ids(db, TERRITORY.name))
    assert sorted(p.territory_id for _, p, _ in labels) == sorted(by_id)
    assert {type(p).__name__ for _, p, _ in labels} == {"TerritoryLabelled"}


async def test_a_restart_publishes_the_reference_again_never(territory_service, db):
    async with territory_service():
        pass
    before = await db.fetchval("SELECT count(*) FROM outbox")

    async with territory_service() as (_, client):
        answer = await client.get("/territories", params={"q": "GRAND reims"})

    assert await db.fetchval("SELECT count(*) FROM outbox") == before
    assert await db.fetchval("SELECT count(*) FROM territories") == 182
    assert [t["id"] for t in answer.json()["territories"]] == ["tdi-44-grand-reims"]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"q": "coeur de maine"}, ["Cœur de Maine"]),
        ({"q": "épernay"}, ["Pays d'Épernay Terres de Champagne"]),
        ({"q": "EPERNAY"}, ["Pays d'Épernay Terres de Champagne"]),
        ({"q": "chatellerault"}, ["Grand Châtellerault"]),
        ({"q": "SAÔNOISES"}, ["Vosges Saônoises"]),
        ({"q": "epinal"}, ["Épinal – Rambervillers"]),
        ({"q": "pays d evian"}, ["Pays d'Évian – vallée d'Abondance"]),
        ({"q": "VALLÉE DE LA BRESLE - vimeu"}, ["Vallée de la Bresle – Vimeu"]),
        (
            {"interregional": "true"},
            ["Aurillac – Figeac – Rodez", "Lacq – Pau – Tarbes", "Vallée de la Bresle – Vimeu"],
        ),
    ],
)
async def test_names_are_found_whatever_their_accents_case_and_dashes(territory_service, params, names):
    async with territory_service() as (_, client):
        answer = await client.get("/territories", params=params)
    assert [t["name"] for t in answer.json()["territories"]] == names


async def test_an_erratum_reaches_a_database_seeded_before_it_with_a_new_revision_at_the_next_start(
    territory_service, db
):
    async with territory_service():
        pass
    # The database as the first release seeded it, from the annex as printed.
    await db.execute(
        "UPDATE territories SET name = 'Pays d''Epervain Terres de Champagne',"
        " name_normalised = 'pays d epervain terres de champagne'"
        " WHERE id = 'tdi-44-pays-d-epervain-terres-de-champagne'"
    )
    await db.execute("UPDATE territories SET departements = '{42}' WHERE id = 'tdi-84-lezoux-thiers-ambert-montbrison'")
    before = await db.fetchval("SELECT max(id) FROM outbox")

    async with territory_service() as (_, client):
        found = (await client.get("/territories", params={"q": "epernay"})).json()
        lezoux = (await client.get("/territories", params={"departement": "63"})).json()
    async with territory_service():
        pass  # a further start corrects nothing more

    assert [t["id"] for t in found["territories"]] == ["tdi-44-pays-d-epervain-terres-de-champagne"]
    assert "tdi-84-lezoux-thiers-ambert-montbrison" in [t["id"] for t in lezoux["territories"]]
    rows = await db.fetch("SELECT key, value FROM outbox WHERE id > $1 ORDER BY id", before)
    revisions = {r["key"].decode(): json.loads(r["value"]) for r in rows}
    assert set(revisions) == {"tdi-44-pays-d-epervain-terres-de-champagne", "tdi-84-lezoux-thiers-ambert-montbrison"}
    epernay = revisions["tdi-44-pays-d-epervain-terres-de-champagne"]
    assert (epernay["name"], epernay["revision"]) == ("Pays d'Épernay Terres de Champagne", 2)
    assert revisions["tdi-84-lezoux-thiers-ambert-montbrison"]["departements"] == ["42", "63"]
