"""The territory role on reporting's live routes (issue 24, « voir les chiffres de leur territoire »): a territory's
chef de projet reads the live feed, the monthly series, the money ledger and the alerts of its own territory, and
gets 403 OUT_OF_TERRITORY for another territory's (or for a zone wider than its territory); never an undecided
amount."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest

from .conftest import TERRITORY_TOKEN
from .test_territory_role import MINE, OTHER, _two_territories_of_the_marne

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

AS_TERRITORY = {"Authorization": f"Bearer {TERRITORY_TOKEN}"}


async def _first_figures(stream) -> dict:
    event = ""
    async for line in stream.aiter_lines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "figures":
            return json.loads(line[5:])
    raise AssertionError("the feed ended")


async def test_a_territory_token_reads_its_own_live_feed_series_ledger_and_alerts_and_no_other(reporting_service):
    async with reporting_service() as client:
        async with client._transport.app.state.runtime.pool.acquire() as conn:
            await _two_territories_of_the_marne(conn)
            for territory in (MINE, OTHER):
                await conn.execute(
                    "INSERT INTO alerts (kind, subject, raised_at, details) VALUES ('territoire-sans-chef-de-projet',"
                    " $1, $2, $3::jsonb) ON CONFLICT DO NOTHING",
                    territory,
                    datetime.now(UTC),
                    json.dumps({"regions": ["44"], "depuis": "2024-01-01"}),
                )
        client.headers.update(AS_TERRITORY)
        series = await client.get(
            "/api/series/financements", params={"measure": "engage_centimes", "level": "territory", "zone": MINE}
        )
        undecided = {"measure": "montant_demande_centimes", "level": "territory", "zone": MINE}
        asked = await client.get("/api/series/financements", params=undecided)
        ledger = await client.get("/api/ledger")
        alerts = await client.get("/api/alerts")
        refused = {
            "feed": await client.get("/api/feed", params={"territory": OTHER}),
            "series of another": await client.get(
                "/api/series/financements", params={"measure": "engage_centimes", "level": "territory", "zone": OTHER}
            ),
            "series of France": await client.get("/api/series/financements", params={"measure": "engage_centimes"}),
            "series of its region": await client.get(
                "/api/series/financements", params={"measure": "engage_centimes", "level": "region", "zone": "44"}
            ),
            "ledger": await client.get("/api/ledger", params={"territory": OTHER}),
        }

    assert series.status_code == 200 and series.json()["zone"] == MINE, series.text
    assert asked.status_code == 200, asked.text
    assert all(p["valeur"] is None for p in asked.json()["points"]), "an undecided amount is not the territory's"
    assert ledger.status_code == 200 and ledger.json()["filtres"]["territoire"] == MINE, ledger.text
    assert all(line["territoire"] == MINE for line in ledger.json()["lignes"])
    assert alerts.status_code == 200, alerts.text
    assert {a["sujet"] for a in alerts.json()["alertes"]} == {MINE}, "its own territory's alerts only"
    for name, answer in refused.items():
        assert (answer.status_code, answer.json()["code"]) == (403, "OUT_OF_TERRITORY"), (name, answer.text)


async def test_a_territory_token_follows_the_live_feed_of_its_own_territory(served, settings):
    async with served() as base, httpx.AsyncClient(base_url=base, timeout=60, headers=AS_TERRITORY) as client:
        conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": settings.db_schema})
        try:
            await _two_territories_of_the_marne(conn)
        finally:
            await conn.close()
        async with client.stream("GET", "/api/feed") as stream:
            assert stream.status_code == 200, await stream.aread()
            fed = await _first_figures(stream)
    assert (fed["filtres"]["territoire"], fed["fiches_actions"]) == (MINE, 1), "the feed narrowed to its territory"
