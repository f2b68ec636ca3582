"""Fixtures of the actions service's integration tests: a schema and a consumer group of their own per test
module, territories made known the real way (TerritoryReferenceUpdated on the reference topic, consumed by the
service's projection), and the service started in-process on that schema."""

from __future__ import annotations

import contextlib
import functools
import random
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from tdi_actions.app import create_app
from tdi_contracts.envelope import encode_event, envelope_for
from tdi_contracts.events.territory import TerritoryReferenceUpdated
from tdi_contracts.reference import Departement, Region
from tdi_contracts.topics import TERRITORY_REFERENCE
from tdi_runtime.testing import publish_records, unique_name, until

STAFF_TOKEN = "test-staff-token"
READER_TOKEN = "test-reader-token"
TERRITORY_TOKEN = "test-territory-token"
"""A territory's chef de projet (issue 24): Grand Reims only."""
MARNE = [
    ("tdi-44-grand-reims", "Grand Reims", ["51"]),
    ("tdi-44-ouest-champenois", "Ouest Champenois", ["10", "51"]),
    ("tdi-44-pays-d-epervain-terres-de-champagne", "Pays d'Épernay Terres de Champagne", ["51"]),
    ("tdi-44-pays-de-chalons", "Pays de Châlons", ["51"]),
    ("tdi-44-vitry-le-francois", "Vitry-le-François", ["51"]),
]


@pytest.fixture(scope="session")
def schema() -> str:
    """Shared by the modules that do not count the national plan: the projection catches up once (reading the
    territory topics from their start is most of a service's first start). The demo module has its own."""
    return unique_name("actions_t")


@pytest.fixture(scope="session")
def suffix() -> str:
    return unique_name("")


@pytest.fixture(scope="session")
def territories(suffix) -> dict[str, TerritoryReferenceUpdated]:
    return make_territories(suffix)


def make_territories(suffix: str) -> dict[str, TerritoryReferenceUpdated]:
    """The Marne's five territories, others elsewhere, one that lost its label, one with an official id."""
    rng = random.Random(suffix)
    specs = [(tid, name, deps, "44", True, None) for tid, name, deps in MARNE]
    specs += [(f"tdi-75-essai-{suffix}-{i}", f"Essai {i}", ["33"], "75", True, None) for i in range(8)]
    specs += [(f"tdi-44-retire-{suffix}", "Territoire retiré", ["08"], "44", False, None)]
    specs += [(f"tdi-11-officiel-{suffix}", "Officiel", ["78"], "11", True, f"ti-{rng.randrange(100000, 999999)}")]
    return {
        tid: TerritoryReferenceUpdated(
            territory_id=tid,
            revision=1,
            name=name,
            labelled=labelled,
            regions=[Region(region)],
            departements=[Departement(d) for d in deps],
            epci_sirens=[],
            active_binomes=0,
            chefs_de_projet=[],
            as_of=datetime(2023, 11, 9, tzinfo=UTC),
            official_id=official,
        )
        for tid, name, deps, region, labelled, official in specs
    }


@pytest.fixture
async def db(platform_stack, schema):
    pool = await asyncpg.create_pool(
        platform_stack.database_url, min_size=1, max_size=2, server_settings={"search_path": schema}
    )
    yield pool
    await pool.close()


async def wait_for(condition: Any, what: str, timeout: float = 90.0) -> None:
    """Poll `condition()` (async) until true: the kit's `until` (the bound is only there to fail instead of hang)."""
    await until(condition, what, timeout_s=timeout, every_s=0.2)


@pytest.fixture
def actions_service(run_service, platform_stack, schema, suffix, territories):
    """`async with actions_service() as (app, client):` runs the service on the module's schema once the
    module's territories are published and known to its projection; the client is staff unless told not."""

    @contextlib.asynccontextmanager
    async def _start(as_staff: bool = True) -> Any:
        records = [encode_event(envelope_for(t, "territory"), t) for t in territories.values()]
        await publish_records(platform_stack.bootstrap_servers, TERRITORY_REFERENCE.name, records)
        factory = functools.partial(create_app, consumer_group=f"tdi-actions-{suffix}")
        tokens = {STAFF_TOKEN: "staff", READER_TOKEN: "reader", TERRITORY_TOKEN: "territory:tdi-44-grand-reims"}
        async with run_service(
            factory, "actions", database_url=platform_stack.database_url, db_schema=schema, api_tokens=tokens
        ) as (app, client):
            pool = app.state.runtime.pool

            async def known() -> bool:
                found = await pool.fetchval(
                    "SELECT count(*) FROM known_territories WHERE territory_id = ANY($1)", list(territories)
                )
                return bool(found == len(territories))

            await wait_for(known, "the territories never reached the service's projection")
            if as_staff:
                client.headers["Authorization"] = f"Bearer {STAFF_TOKEN}"
            yield app, client

    return _start
