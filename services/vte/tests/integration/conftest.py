"""Fixtures of the vte integration tests: the service in-process on a schema and consumer group of its own,
a territory known to its projection, and Bpifrance played by a plain aiokafka producer."""

from __future__ import annotations

import contextlib
import functools
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tdi_contracts.topics import dlq_topic
from tdi_localstack.provisioning import create_topics
from tdi_runtime.testing import unique_name
from tdi_vte.app import create_app
from tdi_vte.rules import VteRules

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from vte_bpifrance import READER_TOKEN, REGIONAL_44_TOKEN, STAFF_TOKEN  # noqa: E402


async def know_territory(
    conn: Any, territory_id: str, departements: list[str], communes: list[str], regions: tuple[str, ...] = ("44",)
) -> None:
    """The projection's rows, as the territory service's reference and CommuneAssigned events leave them."""
    await conn.execute(
        "INSERT INTO known_territories (territory_id, official_id, name, labelled, regions, departements,"
        " epci_sirens, active_binomes, chefs_de_projet, revision, as_of)"
        " VALUES ($1, NULL, 'Territoire VTE de test', true, $4, $2, '{200067213}', 1, '{}', 1, $3)",
        territory_id,
        departements,
        datetime.now(UTC),
        list(regions),
    )
    for insee in communes:
        await conn.execute(
            "INSERT INTO known_communes (insee, territory_id, epci_siren, departement, assigned_on)"
            " VALUES ($1, $2, '200067213', $3, current_date)",
            insee,
            territory_id,
            insee[:2],
        )


@pytest.fixture
def vte_service(run_service, platform_stack):
    """`async with vte_service() as (app, client, territory_id, group, commune)`: the commune is in the territory."""
    schema, group = unique_name("vte_s"), unique_name("tdi-vtetest")
    territory_id = f"tdi-44-vte-{uuid.uuid4().hex[:6]}"
    commune = f"51{uuid.uuid4().int % 1000:03d}"  # a commune of this run only (old runs' records name others)
    rules = VteRules(pseudonym_key="integration-test-key")  # type: ignore[arg-type]

    @contextlib.asynccontextmanager
    async def _start(**settings: Any) -> Any:
        """`settings`: more service settings (e.g. the JWT keys of a test identity provider)."""
        await create_topics(platform_stack.bootstrap_servers, [(dlq_topic(group), 1, {})])
        async with run_service(
            functools.partial(create_app, rules=rules, consumer_group=group),
            "vte",
            database_url=platform_stack.database_url,
            db_schema=schema,
            api_tokens={STAFF_TOKEN: "staff", READER_TOKEN: "reader", REGIONAL_44_TOKEN: "regional:44"},
            **settings,
        ) as (app, client):
            async with app.state.runtime.pool.acquire() as conn:
                await know_territory(conn, territory_id, ["51"], [commune])
            yield app, client, territory_id, group, commune

    return _start
