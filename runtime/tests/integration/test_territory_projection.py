"""A consuming service's projection of the territory events: latest revision wins, communes follow their EPCI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from types import SimpleNamespace

import asyncpg
import pytest

from tdi_contracts.envelope import Envelope, encode_event, spec_for
from tdi_contracts.events.territory import (
    CommuneAssigned,
    CommuneCodeAliased,
    EpciLeft,
    TerritoryReferenceUpdated,
)
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.db import KIT_MIGRATIONS, migrate
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline import Registry
from tdi_runtime.territories import (
    TERRITORY_MIGRATIONS,
    TERRITORY_PROJECTION,
    CommuneTerritories,
    KnownTerritories,
    find_territories,
    find_territory,
    list_territories,
    locate_commune,
    locate_communes,
    territories_of_communes,
    territory_of_commune,
)
from tdi_runtime.testing import DetachedConsumer, unique_name

pytestmark = pytest.mark.integration

REIMS = "tdi-44-grand-reims"


def reference(revision: int, **changes):
    values = dict(
        territory_id=REIMS,
        revision=revision,
        name="Grand Reims",
        labelled=True,
        regions=["44"],
        departements=["51"],
        epci_sirens=["200067213"],
        active_binomes=2,
        chefs_de_projet=[],
        as_of=datetime(2024, 1, revision, tzinfo=UTC),
        official_id="ti-8413",
    )
    values.update(changes)
    return TerritoryReferenceUpdated.model_validate_json(json.dumps(values, default=str))  # the wire form


def record(payload, offset: int, topic: str = "tdi.territory.reference.v1"):
    spec = spec_for(payload)
    envelope = Envelope.new(spec.type, spec.subject_of(payload), "territory")
    key, value, headers = encode_event(envelope, payload)
    return SimpleNamespace(topic=topic, partition=0, offset=offset, key=key, value=value, headers=headers)


@pytest.fixture
async def pool(platform_stack):
    schema = unique_name("proj_")
    pool = await asyncpg.create_pool(
        platform_stack.database_url, min_size=1, max_size=4, server_settings={"search_path": schema}
    )
    await migrate(pool, schema, [KIT_MIGRATIONS, TERRITORY_MIGRATIONS])
    yield pool
    await pool.close()


@pytest.fixture
def projection(pool) -> EventConsumer:
    """The projection as a service's registry includes it."""
    return EventConsumer(
        service="funding", group="tdi-funding", pool=pool, outbox=Outbox(), registry=Registry(TERRITORY_PROJECTION)
    )


async def test_the_latest_revision_of_a_territory_wins_whatever_the_order_it_arrives_in(pool, projection):
    c = projection
    await c.handle_batch([record(reference(3, epci_sirens=["200067213", "245100615"]), 0)], DetachedConsumer())
    await c.handle_batch([record(reference(2, labelled=False), 1)], DetachedConsumer())
    async with pool.acquire() as conn:
        by_platform_id = await find_territory(conn, REIMS)
        by_official_id = await find_territory(conn, "ti-8413")
    assert by_platform_id == by_official_id
    assert by_platform_id is not None
    assert (by_platform_id.revision, by_platform_id.labelled, by_platform_id.epci_count) == (3, True, 2)


async def test_a_commune_is_in_its_territory_until_its_epci_leaves(pool, projection):
    c = projection
    wire = {"territory_id": REIMS, "commune_insee": "51454", "epci_siren": "200067213", "departement": "51"}
    assigned = CommuneAssigned.model_validate_json(json.dumps({**wire, "assigned_on": "2024-01-05"}))
    topic = "tdi.territory.territory.v1"
    await c.handle_batch([record(reference(1), 0), record(assigned, 0, topic)], DetachedConsumer())
    async with pool.acquire() as conn:
        found = await territory_of_commune(conn, "51454")
        assert found is not None and found.territory_id == REIMS
        assert [t.territory_id for t in await list_territories(conn, region="44", departement="51")] == [REIMS]
        assert await list_territories(conn, region="75") == []
    left = EpciLeft(territory_id=REIMS, epci_siren="200067213", left_on=date(2025, 6, 30))  # the Python form
    await c.handle_batch([record(left, 1, topic)], DetachedConsumer())
    async with pool.acquire() as conn:
        assert await territory_of_commune(conn, "51454") is None


async def test_the_batch_lookups_find_what_the_single_lookups_find_in_one_query_each(pool, projection):
    c = projection
    wire = {"territory_id": REIMS, "epci_siren": "200067213", "departement": "51", "assigned_on": "2024-01-05"}
    communes = [
        CommuneAssigned.model_validate_json(json.dumps({**wire, "commune_insee": i})) for i in ("51454", "51250")
    ]
    topic = "tdi.territory.territory.v1"
    batch = [record(reference(1), 0), *(record(a, n, topic) for n, a in enumerate(communes))]
    await c.handle_batch(batch, DetachedConsumer())
    async with pool.acquire() as conn:
        by_commune = await territories_of_communes(conn, ["51454", "51250", "75056", "51454"])
        assert by_commune == {i: await territory_of_commune(conn, i) for i in ("51454", "51250")}
        by_id = await find_territories(conn, [REIMS, "ti-8413", "ti-0000"])
        assert by_id == {REIMS: await find_territory(conn, REIMS), "ti-8413": await find_territory(conn, "ti-8413")}
        assert await territories_of_communes(conn, []) == {} and await find_territories(conn, []) == {}
        communes, territories = CommuneTerritories(conn), KnownTerritories(conn)  # a unit of work's lookups
        assert await communes.get_many(["51454", "75056"]) == {"51454": by_commune["51454"], "75056": None}
        assert await territories.get("ti-8413") == by_id["ti-8413"] and await territories.get("ti-0000") is None


AMP = "tdi-93-aix-marseille-provence"
TOPIC = "tdi.territory.territory.v1"


def amp_reference(revision: int, **changes):
    return reference(
        revision,
        territory_id=AMP,
        name="Aix-Marseille-Provence",
        regions=["93"],
        departements=["13"],
        epci_sirens=["200054807"],
        official_id=None,
        **changes,
    )


def amp_event(model, **fields):
    wire = {"territory_id": AMP, "epci_siren": "200054807", "departement": "13", **fields}
    return model.model_validate_json(json.dumps(wire))


async def test_an_arrondissement_of_marseille_locates_in_aix_marseille_provence_until_its_epci_leaves(pool, projection):
    """Issue 24 (A3), `P:673` « les entreprises situées en Territoires d'industrie »: SIRENE gives 13203 for an
    establishment in Marseille; the territory's EPCI lists 13055."""
    c = projection
    assigned = amp_event(CommuneAssigned, commune_insee="13055", assigned_on="2024-01-15")
    aliased = amp_event(
        CommuneCodeAliased, alias_insee="13203", commune_insee="13055", kind="arrondissement", aliased_on="2024-01-15"
    )
    batch = [record(amp_reference(2, perimeter_known=True), 0), record(assigned, 0, TOPIC), record(aliased, 1, TOPIC)]
    await c.handle_batch(batch, DetachedConsumer())
    async with pool.acquire() as conn:
        found = await territory_of_commune(conn, "13203")
        place = await locate_commune(conn, "13203")
    assert found is not None and found.territory_id == AMP and found.perimeter_known
    assert (place.commune_insee, place.alias_kind, place.territory_id) == ("13055", "arrondissement", AMP)
    left = EpciLeft(territory_id=AMP, epci_siren="200054807", left_on=date(2025, 6, 30))
    await c.handle_batch([record(left, 2, TOPIC)], DetachedConsumer())
    async with pool.acquire() as conn:
        assert await territory_of_commune(conn, "13203") is None and await territory_of_commune(conn, "13055") is None


async def test_a_commune_outside_every_known_perimeter_of_its_departement_is_outside_every_territory(pool, projection):
    """Every territory of département 13 that could hold 13201… has a known perimeter: 13999 is in none of them,
    even though its département has a territory (never by département, issue 24; `P:673`)."""
    c = projection
    await c.handle_batch([record(amp_reference(2, perimeter_known=True), 0)], DetachedConsumer())
    async with pool.acquire() as conn:
        place = await locate_commune(conn, "13999")
    assert place.territory is None and place.candidates == (AMP,) and place.perimeter_known and not place.waiting_for


async def test_a_commune_whose_departement_has_a_territory_of_unknown_perimeter_waits_for_it(pool, projection):
    c = projection
    await c.handle_batch([record(amp_reference(2), 0)], DetachedConsumer())  # older event: perimeter_known absent
    async with pool.acquire() as conn:
        place = await locate_commune(conn, "13999", quoted=REIMS)
        places = await locate_communes(conn, ["13999", "13203"])
    assert place.territory is None and not place.perimeter_known
    assert place.waiting_for == (AMP,)  # the quoted Grand Reims is not known to this projection
    assert set(places) == {"13999", "13203"} and places["13203"].waiting_for == (AMP,)


async def test_a_perimeter_whose_reference_arrives_before_its_communes_is_waited_for_until_they_all_arrived(
    pool, projection
):
    """Issue 24: the reference (reference topic) and the communes (territory topic) reach a consumer in any order.
    The reference counts the communes of the known perimeter; until the projection holds that many, a commune of
    the département is not outside every territory, it waits (a VTE contract there is held, not refused)."""
    c = projection
    await c.handle_batch([record(amp_reference(2, perimeter_known=True, perimeter_communes=2), 0)], DetachedConsumer())
    first = amp_event(CommuneAssigned, commune_insee="13055", assigned_on="2024-01-15")
    second = amp_event(CommuneAssigned, commune_insee="13001", assigned_on="2024-01-15")
    aliased = amp_event(
        CommuneCodeAliased, alias_insee="13203", commune_insee="13055", kind="arrondissement", aliased_on="2024-01-15"
    )
    await c.handle_batch([record(first, 0, TOPIC), record(aliased, 1, TOPIC)], DetachedConsumer())
    async with pool.acquire() as conn:
        before = await locate_commune(conn, "13999")
    assert before.territory is None and before.waiting_for == (AMP,), "an alias is not one of the communes counted"
    await c.handle_batch([record(second, 2, TOPIC)], DetachedConsumer())
    async with pool.acquire() as conn:
        after = await locate_commune(conn, "13999")
        inside = await locate_commune(conn, "13001")
    assert after.territory is None and after.perimeter_known and not after.waiting_for
    assert inside.territory_id == AMP
