"""One bad row never stops a shard: refused when written, parked when refused, the rest published in order."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections import defaultdict

import httpx
import pytest
from aiokafka import errors as kafka_errors
from fastapi import FastAPI
from typer.testing import CliRunner

from tdi_contracts.topics import MAX_MESSAGE_BYTES, dlq_topic
from tdi_runtime import outbox_cli
from tdi_runtime.http import install_error_handlers
from tdi_runtime.kafka import create_producer, read_to_end
from tdi_runtime.metrics import Metrics
from tdi_runtime.outbox import Outbox, OutgoingMessage, shard_of
from tdi_runtime.outbox_cli import list_parked, retry_parked
from tdi_runtime.relay import Relay
from tdi_runtime.testing import (
    TEST_TOPICS,
    DetachedConsumer,
    decoded,
    probe_consumer,
    probe_event,
    publish_records,
    read_topic,
)

pytestmark = pytest.mark.integration


def message(topic: str, territory: int, seq: int) -> OutgoingMessage:
    key, value, headers = probe_event(territory, seq)
    return OutgoingMessage(topic, key, value, tuple(headers), f"{territory}-{seq}")


def oversized(topic: str, territory: int, size: int) -> OutgoingMessage:
    """A record no broker takes: what a handler copying a partner's huge document would write."""
    good = message(topic, territory, 999)
    return OutgoingMessage(topic, good.key, b'{"x": "' + b"x" * size + b'"}', good.headers, f"{territory}-huge")


async def insert_directly(pool, messages: list[OutgoingMessage]) -> None:
    """Rows written past `Outbox.add`'s check (an older version of the kit, or a hand-written INSERT)."""
    await pool.executemany(
        "INSERT INTO outbox (shard, topic, key, value, header_keys, header_values, event_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            (
                shard_of(m.key, 8),
                m.topic,
                m.key,
                m.value,
                [k for k, _ in m.headers],
                [v for _, v in m.headers],
                m.event_id,
            )
            for m in messages
        ],
    )


def seqs_by_key(records) -> dict[bytes, list[int]]:
    per_key: dict[bytes, list[int]] = defaultdict(list)
    for record, (_, payload) in zip(records, decoded(records), strict=True):
        per_key[record.key].append(int(payload.epci_name.rsplit(" ", 1)[-1]))
    return dict(per_key)


async def test_a_command_whose_event_could_never_be_published_fails_with_a_code_and_writes_nothing(kit_pool, new_topic):
    topic = await new_topic()
    outbox = Outbox(topics=TEST_TOPICS.with_topics({topic: 4096}))
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/epci/{territory}")
    async def join(territory: int, size: int = 0) -> dict[str, str]:
        async with kit_pool.acquire() as conn, conn.transaction():
            m = oversized(topic, territory, size) if size else message(topic, territory, 1)
            await outbox.add(conn, [m])
        return {"status": "ok"}

    @app.post("/elsewhere")
    async def elsewhere() -> dict[str, str]:
        async with kit_pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, [message("tdi.nowhere.v1", 1, 1)])
        return {"status": "ok"}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        fits = await client.post("/epci/8413", params={"size": 3000})
        too_large = await client.post("/epci/8413", params={"size": 5000})
        undeclared = await client.post("/elsewhere")

    assert fits.status_code == 200
    assert too_large.status_code == 422
    assert too_large.json()["code"] == "OUTBOX_RECORD_TOO_LARGE"
    assert "4096 octets" in too_large.json()["message"]
    assert (undeclared.status_code, undeclared.json()["code"]) == (422, "UNKNOWN_TOPIC")
    assert "tdi.nowhere.v1" in undeclared.json()["message"]
    assert await kit_pool.fetchval("SELECT count(*) FROM outbox") == 1  # only the command that fits


async def test_an_oversized_row_in_the_middle_of_a_batch_is_parked_and_every_other_row_arrives_once_in_key_order(
    platform_stack, kit_pool, kit_schema, new_topic
):
    bootstrap = platform_stack.bootstrap_servers
    topic, keys, per_key = await new_topic(partitions=3), 5, 30
    good = [message(topic, 7000 + k, seq) for seq in range(per_key) for k in range(keys)]
    middle = len(good) // 2
    await insert_directly(kit_pool, [*good[:middle], oversized(topic, 7002, MAX_MESSAGE_BYTES), *good[middle:]])
    metrics = Metrics("kit-test")
    producer = create_producer(bootstrap, "test-relay")
    await producer.start()
    try:
        relay = Relay(kit_pool, producer, schema=kit_schema, batch_size=500, max_attempts=3, metrics=metrics)
        assert await relay.drain() == keys * per_key
        assert await relay.drain() == 0  # the parked row is not sent again, and nothing else is pending
    finally:
        await producer.stop()

    records = await read_to_end(bootstrap, topic)
    async with kit_pool.acquire() as conn:
        parked = await list_parked(conn)
    print(f"\n[oversized row] {len(records)} records on the topic for {len(good)} good rows; parked: {parked}")
    assert len(records) == keys * per_key  # every good row exactly once: no endless re-sends
    assert seqs_by_key(records) == {f"ti-{7000 + k}".encode(): list(range(per_key)) for k in range(keys)}
    assert [(p.event_id, p.attempts) for p in parked] == [("7002-huge", 3)]
    assert "max.message.bytes" in parked[0].last_error
    assert (
        metrics.registry.get_sample_value("tdi_outbox_rows_parked_total", {"service": "kit-test", "topic": topic}) == 1
    )


async def test_a_parked_row_is_listed_and_once_its_cause_is_fixed_retried_and_published(
    platform_stack, kit_pool, kit_schema, new_topic
):
    bootstrap = platform_stack.bootstrap_servers
    topic = await new_topic(partitions=1)
    await insert_directly(kit_pool, [message(topic, 7100, 0), oversized(topic, 7100, 6000), message(topic, 7100, 2)])
    producer = create_producer(bootstrap, "test-relay")
    await producer.start()
    try:
        strict = TEST_TOPICS.with_topics({topic: 4096})  # the topic's limit, as first declared
        assert await Relay(kit_pool, producer, schema=kit_schema, max_attempts=2, topics=strict).drain() == 2
        env = {"DATABASE_URL": platform_stack.database_url}
        listed = await asyncio.to_thread(CliRunner().invoke, outbox_cli.app, ["parked", kit_schema], env=env)
        listing = listed.output
        async with kit_pool.acquire() as conn:
            assert await retry_parked(conn) == 1  # the limit was raised: hand the row back to the relay
        raised = TEST_TOPICS.with_topics({topic: 16384})
        assert await Relay(kit_pool, producer, schema=kit_schema, topics=raised).drain() == 1
    finally:
        await producer.stop()

    print(f"\n[parked rows]\n{listing}")
    assert "7100-huge" in listing and "1 parked outbox rows" in listing
    records = await read_to_end(bootstrap, topic)
    assert [len(r.value) > 6000 for r in records] == [False, False, True]  # published last, once retried
    async with kit_pool.acquire() as conn:
        assert await list_parked(conn) == []


class RefusesOneAck:
    """The real producer, except that the broker refuses the third record of one key the first time."""

    def __init__(self, producer, key: bytes) -> None:
        self.producer, self.key, self.seen, self.refused = producer, key, 0, False

    async def partitions_for(self, topic):
        return await self.producer.partitions_for(topic)

    async def send(self, topic, *, value, key, partition, headers):
        if key == self.key:
            self.seen += 1
            if self.seen == 3 and not self.refused:
                self.refused = True
                refusal = asyncio.get_running_loop().create_future()
                refusal.set_exception(kafka_errors.CorruptRecordException())
                return refusal
        return await self.producer.send(topic, value=value, key=key, partition=partition, headers=headers)


async def test_after_a_refused_ack_only_the_acknowledged_prefix_of_its_partition_is_marked_and_the_rest_is_sent_again(
    platform_stack, kit_pool, kit_schema, new_topic
):
    bootstrap = platform_stack.bootstrap_servers
    topic, per_key = await new_topic(partitions=1), 10
    async with kit_pool.acquire() as conn, conn.transaction():
        await Outbox(topics=TEST_TOPICS).add(
            conn, [message(topic, 7200 + k, s) for s in range(per_key) for k in (0, 1)]
        )
    producer = create_producer(bootstrap, "test-relay")
    await producer.start()
    try:
        relay = Relay(kit_pool, RefusesOneAck(producer, b"ti-7200"), schema=kit_schema, max_attempts=3)
        assert await relay.drain() == 2 * per_key
    finally:
        await producer.stop()

    records = await read_to_end(bootstrap, topic)
    per_key_seqs = seqs_by_key(records)
    attempts = await kit_pool.fetchval("SELECT sum(attempts) FROM outbox")
    print(f"\n[refused ack] {len(records)} records for {2 * per_key} rows: {per_key_seqs}")
    # ti-7200 #2 was refused: it and everything after it in the partition went out again, in order
    assert per_key_seqs[b"ti-7200"] == [0, 1, *range(3, per_key), *range(2, per_key)]
    assert per_key_seqs[b"ti-7201"] == [*range(per_key), *range(2, per_key)]
    assert len(records) == (2 * per_key - 1) + (2 * per_key - 4)  # the first pass, then the re-sent tail once
    assert attempts == 1  # only the refused row is charged, not the rows behind it


async def test_a_huge_refused_record_becomes_a_bounded_dead_letter_that_is_published(
    platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    bootstrap = platform_stack.bootstrap_servers
    topic, group = await new_topic(partitions=1), await new_group()
    key, value, headers = probe_event(7500, 1)
    huge = json.dumps({**json.loads(value), "epci_name": "x" * 900_000}).encode()  # refused: name too long
    await publish_records(bootstrap, topic, [(key, huge, headers)])
    consumer = probe_consumer(kit_pool, group)
    assert await consumer.handle_batch(await read_topic(bootstrap, topic, expect=1), DetachedConsumer())
    producer = create_producer(bootstrap, "test-relay")
    await producer.start()
    try:
        assert await Relay(kit_pool, producer, schema=kit_schema).drain() == 1
    finally:
        await producer.stop()

    [letter] = await read_to_end(bootstrap, dlq_topic(group))
    body = json.loads(letter.value)
    print(f"\n[bounded dead letter] {len(huge)} bytes refused -> dead letter of {len(letter.value)} bytes")
    assert body["code"] == "INVALID_PAYLOAD"
    assert base64.b64decode(body["original_value_base64"]) == b""  # refused by its contract: nothing kept
    assert (body["original_value_bytes"], body["original_value_sha256"]) == (
        len(huge),
        hashlib.sha256(huge).hexdigest(),
    )
    assert len(letter.value) < 256 * 1024
