"""A service given several brokers (`KAFKA_BOOTSTRAP_SERVERS=h1:p1,h2:p2,h3:p3`, as the local cluster gives them)
starts, consumes and relays: every client of the kit reads the list, not one host named `h1:p1,h2:p2`."""

from __future__ import annotations

import asyncio

import pytest

from tdi_runtime.probe import create_probe_app
from tdi_runtime.testing import probe_event, publish_records

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


async def test_a_service_given_a_list_of_brokers_starts_and_consumes(
    run_service, platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    topic, group = await new_topic(), await new_group()
    broker = platform_stack.bootstrap_servers
    several = f"{broker},{broker}"  # the same broker twice: a list of two addresses all the same
    app_of = lambda s: create_probe_app(s, group, [topic])  # noqa: E731
    async with run_service(app_of, "probe", db_schema=kit_schema, kafka_bootstrap_servers=several) as (_, client):
        assert (await client.get("/readyz")).status_code == 200
        await publish_records(broker, topic, [probe_event(7000, i) for i in range(20)])
        for _ in range(600):
            if await kit_pool.fetchval("SELECT count(DISTINCT event_id) FROM probe_effects") == 20:
                break
            await asyncio.sleep(0.1)
        assert await kit_pool.fetchval("SELECT count(DISTINCT event_id) FROM probe_effects") == 20
