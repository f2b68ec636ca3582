"""Monthly series and snapshots (issue 26): the figures at each month's end, per territory, département, region
and nation, read from the snapshots taken at each day's end and every N events; each point equals the as-of answer
for that month's end."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import scenario

from tdi_contracts.events.actions import FicheActionPlanned
from tdi_contracts.events.funding import GrantCommitted
from tdi_reporting.options import ReportingOptions
from tdi_reporting.snapshots import take_due_snapshots

from .conftest import fold_directly, set_tick_times

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def options(isolation) -> ReportingOptions:
    """No background snapshots here: the tests take them at the moments they say."""
    return ReportingOptions(topic_prefix=isolation["prefix"], consumer_group=isolation["group"], snapshot_interval_s=0)


def _fiche(i: int, territory: str) -> Any:
    return FicheActionPlanned.model_validate_json(
        json.dumps(
            {
                "fiche_action_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"series/fiche/{i}")),
                "territory_id": territory,
                "title": f"Action {i}",
                "categories": ["numerique"],
                "planned_on": "2024-01-02",
            }
        )
    )


def _grant(i: int, cents: int) -> Any:
    return GrantCommitted.model_validate_json(
        json.dumps(
            {
                "grant_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"series/grant/{i}")),
                "application_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"series/app/{i}")),
                "territory_id": scenario.CHALONS,
                "envelope_id": scenario.ENVELOPE,
                "programme": "fonds-vert-ti",
                "instrument": "subvention",
                "amount_cents": cents,
                "committed_on": "2024-02-15",
            }
        )
    )


async def _history(pool) -> None:
    """Ticks 1-4 on 10 and 20 January, 15 February and 2 April 2024 (Paris time), as if written then."""
    await fold_directly(pool, scenario.territories())
    await fold_directly(pool, [_fiche(i, scenario.REIMS) for i in range(3)])
    await fold_directly(pool, [_grant(1, 1_000_001), _fiche(3, scenario.CHALONS)])
    await fold_directly(pool, [_grant(2, 250_050), *[_fiche(i, scenario.LACQ) for i in range(4, 9)]])
    await set_tick_times(
        pool, {1: "2024-01-10 09:00", 2: "2024-01-20 17:30", 3: "2024-02-15 23:59:59", 4: "2024-04-02 00:00:01"}
    )


async def test_a_monthly_series_gives_each_month_end_the_figure_known_then_from_the_day_end_snapshots(
    reporting_service,
):
    async with reporting_service() as client:
        pool = client._transport.app.state.runtime.pool
        await _history(pool)
        taken = await take_due_snapshots(pool, every_events=1_000_000, now=datetime(2024, 6, 1, tzinfo=UTC))
        assert taken == [1, 2, 3, 4]  # each day's last tick (10/01, 20/01, 15/02, 02/04)

        params = {"level": "departement", "zone": "51", "measure": "fiches_actions", "from": "2024-01", "to": "2024-05"}
        series = (await client.get("/api/series/actions_axes", params=params)).json()
        assert series["libelle_zone"] == "Marne"
        points = [(p["mois"], p["tick"], p["valeur"], p["source"]) for p in series["points"]]
        assert points == [
            ("2024-01", 2, 3, "instantane"),
            ("2024-02", 3, 4, "instantane"),  # 23:59:59 on 15 February Paris time is still February
            ("2024-03", 3, 4, "instantane"),  # nothing happened in March: February's figure
            ("2024-04", 4, 4, "instantane"),  # April's fiches are in Lacq (64, 65), not in the Marne
            ("2024-05", 4, 4, "instantane"),
        ]
        for point in series["points"]:  # each point is the as-of answer for its month's end
            asked = {"level": "departement", "as_of": point["jusqu_a"]}
            rows = (await client.get("/api/read-models/actions_axes", params=asked)).json()["rows"]
            assert point["valeur"] == sum(r["fiches_actions"] for r in rows if r["code_zone"] == "51")

        money = {"level": "national", "measure": "engage_centimes", "from": "2023-12", "to": "2024-04"}
        national = (await client.get("/api/series/financements", params=money)).json()
        assert [(p["mois"], p["valeur"]) for p in national["points"]] == [
            ("2023-12", 0),  # before the first tick: nothing was known
            ("2024-01", 0),
            ("2024-02", 1_000_001),
            ("2024-03", 1_000_001),
            ("2024-04", 1_250_051),  # to the cent
        ]
        territory = {"level": "territory", "zone": scenario.LACQ, "measure": "fiches_actions", "from": "2024-03"}
        lacq = (await client.get("/api/series/actions_axes", params={**territory, "to": "2024-04"})).json()
        assert [p["valeur"] for p in lacq["points"]] == [0, 5]


async def test_a_snapshot_is_also_taken_every_n_events_and_a_month_without_one_is_computed_from_the_history(
    reporting_service,
):
    async with reporting_service() as client:
        pool = client._transport.app.state.runtime.pool
        before = await pool.fetchval("SELECT coalesce(max(tick), 0) FROM ticks")
        await fold_directly(pool, [_fiche(100 + i, scenario.AJACCIO) for i in range(6)])
        taken = await take_due_snapshots(pool, every_events=5, now=datetime.now(UTC))
        assert taken == [before + 1]  # 6 events since the last snapshot: one more, at the last tick
        assert await take_due_snapshots(pool, every_events=5, now=datetime.now(UTC)) == []  # nothing new since

        month = datetime.now(UTC).strftime("%Y-%m")
        params = {"level": "region", "zone": "94", "measure": "fiches_actions", "from": month, "to": month}
        [point] = (await client.get("/api/series/actions_axes", params=params)).json()["points"]
        assert (point["valeur"], point["provisoire"]) == (6, True)  # the month has not ended yet


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/series/inconnu", {"measure": "x"}, 404, "NOT_FOUND"),
        ("/api/series/vte", {"measure": "nulle_part"}, 422, "INVALID_REQUEST"),
        ("/api/series/vte", {"measure": "contrats_signes", "level": "region"}, 422, "INVALID_REQUEST"),
        ("/api/series/vte", {"measure": "contrats_signes", "from": "2024-13"}, 422, "INVALID_REQUEST"),
        ("/api/series/vte", {"measure": "contrats_signes", "from": "2024-05", "to": "2024-01"}, 422, "INVALID_REQUEST"),
        ("/api/series/vte", {"measure": "contrats_signes", "from": "1990-01", "to": "2024-01"}, 422, "INVALID_REQUEST"),
        ("/api/series/vte", {"measure": "contrats_signes", "from": "0000-01"}, 422, "INVALID_REQUEST"),
        ("/api/series/vte", {"measure": "contrats_signes", "to": "9999-12"}, 422, "INVALID_REQUEST"),
    ],
)
async def test_a_bad_series_request_is_answered_with_a_stable_code_and_a_french_sentence(
    reporting_service, path, params, status, code
):
    async with reporting_service() as client:
        response = await client.get(path, params=params)
        assert response.status_code == status, response.text
        assert response.json()["code"] == code and response.json()["message"]


async def test_a_series_follows_who_sees_what(reporting_service):
    from .conftest import FONDS_VERT_TOKEN, READER_TOKEN, REGIONAL_TOKEN

    async with reporting_service() as client:
        vte = {"measure": "contrats_signes", "from": "2024-01", "to": "2024-02"}
        other = await client.get("/api/series/vte", params=vte, headers={"Authorization": f"Bearer {FONDS_VERT_TOKEN}"})
        assert other.status_code == 403 and other.json()["code"] == "OUT_OF_PROGRAMME"
        regional = {"Authorization": f"Bearer {REGIONAL_TOKEN}"}
        elsewhere = {**vte, "level": "region", "zone": "76"}
        for refused in (elsewhere, vte):  # another region's zone, or the nation
            answer = await client.get("/api/series/vte", params=refused, headers=regional)
            assert (answer.status_code, answer.json()["code"]) == (403, "OUT_OF_REGION")
        own = {**vte, "level": "region", "zone": "44"}
        assert (await client.get("/api/series/vte", params=own, headers=regional)).status_code == 200
        hidden = {"measure": "montant_demande_centimes", "from": "2024-01", "to": "2024-02"}
        as_reader = {"Authorization": f"Bearer {READER_TOKEN}"}
        reader = await client.get("/api/series/financements", params=hidden, headers=as_reader)
        assert [p["valeur"] for p in reader.json()["points"]] == [None, None]  # « non publié » for a reader
