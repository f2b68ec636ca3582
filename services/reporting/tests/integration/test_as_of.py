"""Figures as of any date (issue 26, done-when): the live figures recorded at three moments while events flow come
back, later, to the cent, when asked as of those moments; the territory map of the time is used, not today's."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import scenario

from tdi_contracts.events.actions import FicheActionPlanned
from tdi_contracts.events.funding import GrantCommitted, PaymentMade
from tdi_contracts.events.territory import TerritoryReferenceUpdated
from tdi_runtime.testing import caught_up

from .conftest import eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def _wire(model: type[Any], **values: Any) -> Any:
    return model.model_validate_json(json.dumps(values, default=str))


def _id(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"as-of/{seed}"))


def _chunks() -> list[list[Any]]:
    """The scenario, then 12 waves of fiches, grants and payments, with Pays de Châlons gaining an EPCI and a chef
    de projet halfway (a new revision of the territory map)."""
    territories = scenario.territories()
    waves: list[list[Any]] = [territories + scenario.programme()[len(territories) :]]
    for w in range(12):
        wave: list[Any] = [
            _wire(
                FicheActionPlanned,
                fiche_action_id=_id(f"fiche-{w}-{i}"),
                territory_id=[scenario.REIMS, scenario.CHALONS, scenario.LACQ][i % 3],
                title=f"Action {w}.{i}",
                categories=["numerique"] if i % 2 else ["gestion-eau", "soutien-filieres"],
                planned_on="2024-04-02",
            )
            for i in range(10)
        ]
        grant = _id(f"grant-{w}")
        wave.append(
            _wire(
                GrantCommitted,
                grant_id=grant,
                application_id=_id(f"app-{w}"),
                territory_id=scenario.CHALONS,
                envelope_id=scenario.ENVELOPE,
                programme="fonds-vert-ti",
                instrument="subvention",
                amount_cents=1_234_567 + w,
                committed_on="2024-05-02",
            )
        )
        wave.append(
            _wire(
                PaymentMade,
                payment_id=_id(f"pay-{w}"),
                grant_id=grant,
                territory_id=scenario.CHALONS,
                amount_cents=100_001 * (w + 1),
                paid_on="2024-06-03",
            )
        )
        if w == 6:
            wave.append(
                _wire(
                    TerritoryReferenceUpdated,
                    territory_id=scenario.CHALONS,
                    revision=2,
                    name="Pays de Châlons",
                    labelled=True,
                    regions=["44"],
                    departements=["51"],
                    epci_sirens=["200066793", "200069177", "245100615"],
                    active_binomes=1,
                    chefs_de_projet=[_id("chef-chalons")],
                    as_of=datetime(2024, 6, 1, tzinfo=UTC),
                )
            )
        waves.append(wave)
    return waves


async def _publish_slowly(publish, chunks: list[list[Any]]) -> None:
    for chunk in chunks:
        await publish(chunk)
        await asyncio.sleep(0.4)


def _without_situation(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "situation"}


READS = [
    ("/api/figures", {}),
    ("/api/figures", {"departement": "51"}),
    ("/api/read-models/financements", {"level": "region"}),
    ("/api/read-models/territoires", {"level": "territory", "region": "44"}),
]


async def test_live_figures_recorded_at_three_moments_while_events_flow_come_back_to_the_cent_as_of_those_moments(
    reporting_service, publish, platform_stack, options
):
    async with reporting_service() as client:
        flow = asyncio.create_task(_publish_slowly(publish, _chunks()))
        recorded: list[list[tuple[str, dict[str, Any], dict[str, Any]]]] = []
        last_tick = 0
        try:
            while len(recorded) < 3:
                figures = (await client.get("/api/figures")).json()
                tick = figures["situation"]["tick"]
                if tick > last_tick and figures["fiches_actions"] > 0:
                    moment = [("/api/figures", {}, figures)]
                    for path, params in READS[1:]:
                        moment.append((path, params, (await client.get(path, params=params)).json()))
                    recorded.append(moment)
                    last_tick = max(r[2]["situation"]["tick"] for r in moment)
                await asyncio.sleep(0.15)
        finally:
            await flow
        await eventually(lambda: caught_up(platform_stack.bootstrap_servers, options.consumer_group, options.topics))
        final = (await client.get("/api/figures")).json()
        assert final["situation"]["tick"] > last_tick  # events kept coming after the three moments

        for moment in recorded:
            for path, params, live in moment:
                instant = live["situation"]["instant"]
                later = (await client.get(path, params={**params, "as_of": instant})).json()
                assert later["situation"]["tick"] == live["situation"]["tick"], (path, params)
                assert later["situation"]["demande"] == instant
                assert _without_situation(later) == _without_situation(live), (path, params, instant)

        money = [m[0][2]["financements_total"]["verse_centimes"] for m in recorded]
        print(f"\nrecorded at ticks {[m[0][2]['situation']['tick'] for m in recorded]}: paid {money} cents")
        assert len({m[0][2]["situation"]["tick"] for m in recorded}) == 3


def _vitry(revision: int, epci: list[str], chefs: list[str]) -> Any:
    return _wire(
        TerritoryReferenceUpdated,
        territory_id=VITRY,
        revision=revision,
        name="Vitry-le-François (essai)",
        labelled=True,
        regions=["44"],
        departements=["51"],
        epci_sirens=epci,
        active_binomes=1,
        chefs_de_projet=chefs,
        as_of=datetime(2024, revision, 1, tzinfo=UTC),
    )


VITRY = "tdi-44-vitry-essai"


async def test_as_of_a_moment_before_a_territory_changed_uses_the_territory_map_of_that_moment(
    reporting_service, publish, platform_stack, options
):
    async with reporting_service() as client:
        await publish([_vitry(1, ["200040418"], [])])
        await eventually(lambda: _known(client, VITRY))
        before = (await client.get("/api/figures", params={"territory": VITRY})).json()
        await publish([_vitry(2, ["200040418", "245100615"], [_id("chef-vitry")])])  # an EPCI and a chef de projet
        await eventually(lambda: _has_chef(client))

        then = (await client.get("/api/figures", params={"territory": VITRY, "as_of": _instant(before)})).json()
        assert (
            then["territoires"]
            == before["territoires"]
            == {
                "territoires_labellises": 1,
                "epci": 1,
                "binomes": 1,
                "binomes_synthetiques": 0,
                "chefs_de_projet": 0,
                "territoires_sans_chef_de_projet": 1,
            }
        )
        now = (await client.get("/api/figures", params={"territory": VITRY})).json()
        assert (now["territoires"]["epci"], now["territoires"]["chefs_de_projet"]) == (2, 1)


async def test_a_date_is_the_end_of_that_day_and_before_the_first_event_nothing_was_known(
    reporting_service, publish, platform_stack, options
):
    async with reporting_service() as client:
        await publish(scenario.programme())
        await eventually(lambda: caught_up(platform_stack.bootstrap_servers, options.consumer_group, options.topics))
        live = (await client.get("/api/figures")).json()

        tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
        ahead = (await client.get("/api/figures", params={"as_of": tomorrow})).json()
        assert _without_situation(ahead) == _without_situation(live)
        assert ahead["situation"]["definitive"] is False  # that day has not ended: the figures may still change

        long_ago = (await client.get("/api/figures", params={"as_of": "2020-01-01"})).json()
        assert long_ago["situation"] == {
            "tick": 0,
            "instant": None,
            "demande": "2020-01-01",
            "jusqu_a": "2020-01-01T22:59:59.999999+00:00",
            "definitive": True,
        }
        assert long_ago["fiches_actions"] == 0 and long_ago["financements_total"]["engage_centimes"] == 0
        assert long_ago["liste_territoires"] == []

        export = await client.get("/api/exports/financements.csv", params={"as_of": "2020-01-01"})
        assert export.status_code == 200
        assert export.headers["x-tdi-situation-tick"] == "0"
        assert 'filename="tdi-financements-national-au-2020-01-01.csv"' in export.headers["content-disposition"]

        refused = await client.get("/api/figures", params={"as_of": "le 15 mars"})
        assert refused.status_code == 422 and refused.json()["code"] == "INVALID_REQUEST"
        assert "date de situation" in refused.json()["message"]


async def _known(client, territory: str) -> bool:
    return (await client.get("/api/figures", params={"territory": territory})).status_code == 200


async def _has_chef(client) -> bool:
    f = (await client.get("/api/figures", params={"territory": VITRY})).json()
    return f["territoires"]["chefs_de_projet"] == 1


def _instant(document: dict[str, Any]) -> str:
    instant: str = document["situation"]["instant"]
    return instant
