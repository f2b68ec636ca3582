"""Relay batches are capped by bytes as well as rows, and the outbox gauges are fresh under backlog too."""

from __future__ import annotations

import asyncio

import pytest
from relay_helpers import HeldAcks

from tdi_runtime.kafka import create_producer, read_to_end
from tdi_runtime.metrics import Metrics
from tdi_runtime.outbox import Outbox, OutgoingMessage
from tdi_runtime.relay import Relay
from tdi_runtime.testing import TEST_TOPICS, probe_event

pytestmark = pytest.mark.integration


def message(topic: str, territory: int, seq: int, padding: int = 0) -> OutgoingMessage:
    key, value, headers = probe_event(territory, seq)
    value = value[:-1] + b', "padding": "' + b"p" * padding + b'"}' if padding else value
    return OutgoingMessage(topic, key, value, tuple(headers), f"{territory}-{seq}")


async def test_a_relay_batch_stops_at_its_byte_cap_before_its_row_cap(platform_stack, kit_pool, kit_schema, new_topic):
    topic = await new_topic(partitions=1)
    async with kit_pool.acquire() as conn, conn.transaction():
        await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, 7300, s, padding=100_000) for s in range(12)])
    producer = create_producer(platform_stack.bootstrap_servers, "test-relay")
    await producer.start()
    try:
        relay = Relay(kit_pool, producer, schema=kit_schema, batch_size=2000, batch_max_bytes=250_000)
        async with kit_pool.acquire() as conn:
            await relay.claims.claim_free(conn)
            batches = [await relay.publish_batch(conn) for _ in range(5)]
            await relay.claims.release(conn)
    finally:
        await producer.stop()
    assert batches == [3, 3, 3, 3, 0]  # 3 rows of 100 kB start under 250 kB, the 4th waits for the next batch
    assert len(await read_to_end(platform_stack.bootstrap_servers, topic)) == 12


async def test_the_outbox_lag_gauge_shows_the_backlog_while_the_relay_is_still_draining_it(
    platform_stack, kit_pool, kit_schema, new_topic
):
    topic = await new_topic(partitions=1)
    async with kit_pool.acquire() as conn, conn.transaction():
        await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, 7400, s) for s in range(40)])
    producer = create_producer(platform_stack.bootstrap_servers, "test-relay")
    await producer.start()
    held = HeldAcks(producer)  # the first batch stays unacknowledged until the gauge is read
    metrics = Metrics("kit-test")
    relay = Relay(kit_pool, held, schema=kit_schema, batch_size=10, metrics=metrics)
    running = asyncio.create_task(relay.run())
    try:
        for _ in range(1200):  # bounded: fail rather than hang
            if held.sent:
                break
            await asyncio.sleep(0.05)
        pending = metrics.registry.get_sample_value("tdi_outbox_pending_rows", {"service": "kit-test"})
        held.release()
        for _ in range(1200):
            if not await kit_pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL"):
                break
            await asyncio.sleep(0.05)
        relay.stop()
        await running
    finally:
        held.release()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await producer.stop()
    print(f"\n[lag gauge] pending rows shown while the first batch was in flight: {pending}")
    assert pending == 40  # sampled before the first batch, not only once idle
