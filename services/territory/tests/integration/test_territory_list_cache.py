"""`GET /territories` served from a versioned body (issue 27): a strong ETag, 304 on a match, and never a body older
than a committed change, whichever replica (or plain SQL) made it, nor one built for a caller with other rights."""

from __future__ import annotations

import json

import pytest

from tdi_runtime.testing import unique_name

from .conftest import BRETAGNE_TOKEN, READER_TOKEN, STAFF_TOKEN

pytestmark = pytest.mark.integration

NATIONAL = {"Authorization": f"Bearer {STAFF_TOKEN}"}
BRETAGNE = {"Authorization": f"Bearer {BRETAGNE_TOKEN}"}
READER = {"Authorization": f"Bearer {READER_TOKEN}"}


@pytest.fixture
def schema() -> str:
    return unique_name("territory_c")


def status_of(answer, territory_id: str) -> str:
    return next(t["status"] for t in answer.json()["territories"] if t["id"] == territory_id)


async def test_the_list_has_a_strong_etag_and_a_matching_if_none_match_gets_304(territory_service):
    async with territory_service(as_staff=False) as (_, client):
        first = await client.get("/territories", headers=NATIONAL)
        again = await client.get("/territories", headers=NATIONAL)
        unchanged = await client.get("/territories", headers={**NATIONAL, "If-None-Match": first.headers["ETag"]})
        listed = await client.get(
            "/territories", headers={**NATIONAL, "If-None-Match": f'W/"x", {first.headers["ETag"]}'}
        )
        other = await client.get("/territories", headers={**NATIONAL, "If-None-Match": '"something-else"'})

    assert first.status_code == 200, first.text
    assert first.json()["count"] == 182
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert again.headers["ETag"] == etag and again.content == first.content
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["ETag"] == etag
    assert listed.status_code == 304
    assert other.status_code == 200 and other.content == first.content


async def test_a_change_made_by_another_replica_is_listed_at_once_with_a_new_etag(territory_service, db):
    async with territory_service() as (_, one), territory_service() as (_, two):
        before = await one.get("/territories", params={"region": "44"})
        withdrawn = await two.post(
            "/territories/tdi-44-grand-reims/withdraw-label", json={"withdrawn_on": "2025-12-31"}
        )
        after = await one.get("/territories", params={"region": "44"})
        stale = await one.get(
            "/territories", params={"region": "44"}, headers={"If-None-Match": before.headers["ETag"]}
        )
        # a change no command made (a script, a restore, another tool): the database says it, the cache follows
        await db.execute("UPDATE territories SET official_id = 'ti-4444' WHERE id = 'tdi-44-grand-reims'")
        by_sql = await one.get("/territories", params={"region": "44"})

    assert withdrawn.status_code == 200, withdrawn.text
    assert status_of(before, "tdi-44-grand-reims") != status_of(after, "tdi-44-grand-reims")
    grand_reims = next(t for t in after.json()["territories"] if t["id"] == "tdi-44-grand-reims")
    assert grand_reims["label_withdrawn_on"] == "2025-12-31"
    assert after.headers["ETag"] != before.headers["ETag"]
    assert stale.status_code == 200 and stale.json() == after.json()
    assert next(t for t in by_sql.json()["territories"] if t["id"] == "tdi-44-grand-reims")["official_id"] == "ti-4444"
    assert by_sql.headers["ETag"] != after.headers["ETag"]


async def test_a_regional_caller_never_gets_a_list_cached_for_a_national_one(territory_service):
    async with territory_service(as_staff=False) as (_, client):
        national = await client.get("/territories", headers=NATIONAL)
        regional = await client.get("/territories", headers=BRETAGNE)
        with_national_etag = await client.get(
            "/territories", headers={**BRETAGNE, "If-None-Match": national.headers["ETag"]}
        )
        other_region = await client.get("/territories", params={"region": "44"}, headers=BRETAGNE)
        national_again = await client.get("/territories", headers=NATIONAL)

    assert national.json()["count"] == 182
    assert regional.status_code == 200
    assert regional.json()["count"] < 182
    assert all("53" in t["regions"] for t in regional.json()["territories"])
    assert regional.headers["ETag"] != national.headers["ETag"]
    assert with_national_etag.status_code == 200 and with_national_etag.json() == regional.json()
    assert other_region.status_code == 403 and other_region.json()["code"] == "OUT_OF_REGION"
    assert national_again.json() == national.json()


async def test_filters_give_the_same_answers_from_the_cache_as_from_the_database(territory_service, db):
    queries = [
        {},
        {"region": "44"},
        {"region": "Grand Est"},
        {"departement": "marne"},
        {"interregional": "true"},
        {"q": "epernay"},
        {"q": "REIMS", "region": "44"},
    ]
    async with territory_service(as_staff=False) as (_, client):
        first = [await client.get("/territories", params=p, headers=READER) for p in queries]
        second = [await client.get("/territories", params=p, headers=READER) for p in queries]

    for params, a, b in zip(queries, first, second, strict=True):
        assert a.status_code == 200, (params, a.text)
        assert b.content == a.content, params
        assert a.json()["count"] == len(a.json()["territories"])
    by_query = {json.dumps(p, sort_keys=True): a.json() for p, a in zip(queries, first, strict=True)}
    in_grand_est = await db.fetchval("SELECT count(*) FROM territories WHERE '44' = ANY (regions)")
    assert by_query['{"region": "44"}']["count"] == in_grand_est
    assert by_query['{"region": "Grand Est"}'] == by_query['{"region": "44"}']
    in_marne = await db.fetchval("SELECT count(*) FROM territories WHERE '51' = ANY (departements)")
    assert by_query['{"departement": "marne"}']["count"] == in_marne
    assert all(t["interregional"] for t in by_query['{"interregional": "true"}']["territories"])
    assert [t["id"] for t in by_query['{"q": "epernay"}']["territories"]] == [
        "tdi-44-pays-d-epervain-terres-de-champagne"
    ]
    assert [t["id"] for t in by_query['{"q": "REIMS", "region": "44"}']["territories"]] == ["tdi-44-grand-reims"]
