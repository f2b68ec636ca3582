"""Outbox and relay against the real broker and database: nothing lost, nothing skipped, order kept."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict

import pytest

from tdi_runtime.kafka import create_producer
from tdi_runtime.outbox import Outbox, OutgoingMessage
from tdi_runtime.relay import Relay
from tdi_runtime.testing import TEST_TOPICS, DetachedConsumer, decoded, probe_consumer, probe_event, read_topic

pytestmark = pytest.mark.integration


def message(topic: str, territory: int, seq: int) -> OutgoingMessage:
    key, value, headers = probe_event(territory, seq)
    return OutgoingMessage(topic, key, value, tuple(headers), f"{territory}-{seq}")


async def relay_for(pool, schema, bootstrap):
    producer = create_producer(bootstrap, "test-relay")
    await producer.start()
    return producer, Relay(pool, producer, schema=schema, batch_size=500)


async def test_an_event_committed_with_its_state_is_published_with_its_cloudevents_headers(
    platform_stack, kit_pool, kit_schema, new_topic
):
    topic = await new_topic()
    async with kit_pool.acquire() as conn, conn.transaction():
        await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, 8413, 1)])
    producer, relay = await relay_for(kit_pool, kit_schema, platform_stack.bootstrap_servers)
    try:
        assert await relay.drain() == 1
    finally:
        await producer.stop()

    records = await read_topic(platform_stack.bootstrap_servers, topic, expect=1)
    [(envelope, payload)] = decoded(records)
    assert records[0].key == b"ti-8413"
    assert envelope.type == "fr.territoires-industrie.territory.EpciJoined.v1"
    assert payload.epci_name == "EPCI n° 1"
    assert await kit_pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0


async def test_an_event_whose_transaction_rolled_back_is_never_published(
    platform_stack, kit_pool, kit_schema, new_topic
):
    topic = await new_topic()
    with pytest.raises(RuntimeError):
        async with kit_pool.acquire() as conn, conn.transaction():
            await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, 8413, 1)])
            raise RuntimeError("the state change failed")
    producer, relay = await relay_for(kit_pool, kit_schema, platform_stack.bootstrap_servers)
    try:
        assert await relay.drain() == 0
    finally:
        await producer.stop()
    assert await read_topic(platform_stack.bootstrap_servers, topic, expect=0) == []


async def test_rows_committed_out_of_order_by_32_writers_are_all_published_in_per_aggregate_order(
    platform_stack, kit_pool, kit_schema, new_topic
):
    topic = await new_topic(partitions=6)
    writers, per_writer = 32, 40
    producer, relay = await relay_for(kit_pool, kit_schema, platform_stack.bootstrap_servers)
    relay.poll_interval_s = 0.05
    relaying = asyncio.create_task(relay.run())
    rng = random.Random(7)

    async def writer(w: int) -> None:
        for seq in range(per_writer):
            async with kit_pool.acquire() as conn, conn.transaction():
                await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, 1000 + w, seq)])
                await asyncio.sleep(rng.random() * 0.01)  # hold the transaction: later ids commit first

    try:
        await asyncio.gather(*(writer(w) for w in range(writers)))
        records = await read_topic(platform_stack.bootstrap_servers, topic, expect=writers * per_writer)
    finally:
        relaying.cancel()
        await asyncio.gather(relaying, return_exceptions=True)
        await producer.stop()

    late = await kit_pool.fetchval(
        "SELECT count(*) FROM (SELECT id, sent_at < lag(sent_at) OVER (ORDER BY id) AS late FROM outbox) x WHERE late"
    )
    per_key: dict[bytes, list[int]] = defaultdict(list)
    for record, (_, payload) in zip(records, decoded(records), strict=True):
        per_key[record.key].append(int(payload.epci_name.rsplit(" ", 1)[-1]))
    print(f"\n[32 writers] {len(records)} records relayed, {late} rows committed after a higher id was sent")
    assert len(records) == writers * per_writer
    assert {k: v for k, v in per_key.items()} == {
        f"ti-{1000 + w}".encode(): list(range(per_writer)) for w in range(writers)
    }


class _CrashAfterAck(Relay):
    """A relay that dies after the broker acknowledged its batch, before marking the rows sent."""

    async def mark_sent(self, conn, ids):
        raise ConnectionResetError("killed between the broker's ack and the UPDATE")


async def test_a_relay_killed_between_the_broker_ack_and_marking_sent_causes_no_duplicate_effect(
    platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    topic, group, n = await new_topic(), await new_group(), 300
    async with kit_pool.acquire() as conn, conn.transaction():
        await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, 2000 + i % 5, i) for i in range(n)])
    producer = create_producer(platform_stack.bootstrap_servers, "test-relay")
    await producer.start()
    try:
        with pytest.raises(ConnectionResetError):
            await _CrashAfterAck(kit_pool, producer, schema=kit_schema, batch_size=n).drain()
        assert await Relay(kit_pool, producer, schema=kit_schema).drain() == n  # the restart re-sends all
    finally:
        await producer.stop()

    records = await read_topic(platform_stack.bootstrap_servers, topic, expect=2 * n)
    consumer = probe_consumer(kit_pool, group)
    for chunk in range(0, len(records), 100):
        await consumer.handle_batch(records[chunk : chunk + 100], DetachedConsumer())
    effects = await kit_pool.fetchval("SELECT count(*) FROM probe_effects")
    distinct = await kit_pool.fetchval("SELECT count(DISTINCT event_id) FROM probe_effects")
    print(f"\n[relay crash] {len(records)} records on the topic for {n} events; {effects} effects applied")
    assert len(records) == 2 * n
    assert effects == distinct == n
