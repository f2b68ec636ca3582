"""The local stack is a real Kafka broker and a real PostgreSQL server, shared by the integration tests."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from faststream.kafka import KafkaBroker

from tdi_localstack.provisioning import create_topics
from tdi_runtime.kafka import faststream_security, security_options

pytestmark = pytest.mark.integration


async def test_a_message_published_through_faststream_reaches_a_faststream_subscriber(platform_stack):
    topic = f"tdi.test.stack-{uuid.uuid4().hex[:8]}.v1"
    await create_topics(platform_stack.bootstrap_servers, [(topic, 1, {})])
    received: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()
    broker = KafkaBroker(platform_stack.bootstrap_servers, security=faststream_security(security_options()))

    @broker.subscriber(topic, group_id=f"g-{topic}", auto_offset_reset="earliest")
    async def on_message(body: dict[str, str]) -> None:
        if not received.done():
            received.set_result(body)

    async with broker:
        await broker.start()
        await broker.publish({"territoire": "Vallée de la Bresle – Vimeu"}, topic, key=b"ti-0001")
        body = await asyncio.wait_for(received, 30)

    assert body == {"territoire": "Vallée de la Bresle – Vimeu"}


async def test_a_row_written_with_asyncpg_is_read_back_from_postgres(platform_stack):
    conn = await asyncpg.connect(platform_stack.database_url)
    try:
        await conn.execute("CREATE TEMP TABLE probe (id int PRIMARY KEY, name text)")
        await conn.execute("INSERT INTO probe VALUES (1, 'Lacq – Pau – Tarbes')")
        assert await conn.fetchval("SELECT name FROM probe WHERE id = 1") == "Lacq – Pau – Tarbes"
        assert int(await conn.fetchval("SHOW server_version_num")) >= 150000
    finally:
        await conn.close()


async def test_each_service_owns_a_schema_it_can_write_with_its_own_role(platform_stack):
    for service, url in platform_stack.service_database_urls.items():
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("CREATE TABLE IF NOT EXISTS probe_owned (id int)")
            schema = await conn.fetchval(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'probe_owned'"
            )
            assert schema == service
        finally:
            await conn.close()


async def test_every_topic_of_the_contracts_catalogue_exists_with_its_partition_count(platform_stack):
    from aiokafka.admin import AIOKafkaAdminClient

    from tdi_contracts.topics import ALL_TOPICS

    admin = AIOKafkaAdminClient(bootstrap_servers=platform_stack.bootstrap_servers, **security_options())
    await admin.start()
    try:
        described = await admin.describe_topics([t.name for t in ALL_TOPICS])
    finally:
        await admin.close()
    partitions = {d["topic"]: len(d["partitions"]) for d in described}
    assert partitions == {t.name: t.partitions for t in ALL_TOPICS}
