"""The relay reads its next batch while the broker acknowledges the last one, with the same guarantees.

Each test drives the relay through a producer whose acknowledgements the test holds back or watches, so what
happens "while the acks are pending" is the test's choice, not the machine's timing.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import asyncpg
import pytest
from relay_helpers import HeldAcks

from tdi_runtime.kafka import create_producer, read_to_end
from tdi_runtime.outbox import Outbox, OutgoingMessage, shard_of
from tdi_runtime.relay import Relay
from tdi_runtime.testing import TEST_TOPICS, decoded, probe_event

pytestmark = pytest.mark.integration

PENDING_READ = "FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL"


def message(topic: str, territory: int, seq: int) -> OutgoingMessage:
    key, value, headers = probe_event(territory, seq)
    return OutgoingMessage(topic, key, value, tuple(headers), f"{territory}-{seq}")


async def logged_pool(database_url: str, schema: str, log: list[str]) -> asyncpg.Pool:
    """A pool whose connections note every statement they run (asyncpg's query logger)."""

    async def init(conn: asyncpg.Connection) -> None:
        conn.add_query_logger(lambda record: log.append(" ".join(record.query.split())))

    pool = await asyncpg.create_pool(
        database_url, min_size=1, max_size=4, server_settings={"search_path": schema}, init=init
    )
    assert pool is not None
    return pool


def seqs_by_key(records: list[Any]) -> dict[bytes, list[int]]:
    per_key: dict[bytes, list[int]] = defaultdict(list)
    for record, (_, payload) in zip(records, decoded(records), strict=True):
        per_key[record.key].append(int(payload.epci_name.rsplit(" ", 1)[-1]))
    return dict(per_key)


async def test_the_relay_reads_its_next_batch_while_the_broker_has_not_acknowledged_the_last_one(
    platform_stack, kit_pool, kit_schema, new_topic
):
    topic = await new_topic(partitions=2)
    async with kit_pool.acquire() as conn, conn.transaction():
        await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, 7700 + s % 3, s) for s in range(30)])
    statements: list[str] = []
    pool = await logged_pool(platform_stack.database_url, kit_schema, statements)
    producer = create_producer(platform_stack.bootstrap_servers, "test-relay")
    await producer.start()
    held = HeldAcks(producer)
    relay = Relay(pool, held, schema=kit_schema, batch_size=10)
    try:
        draining = asyncio.create_task(relay.drain())
        for _ in range(600):  # bounded: fail rather than hang
            reads = [s for s in statements if PENDING_READ in s and "SELECT id" in s]
            if len(reads) >= 2 or draining.done():
                break
            await asyncio.sleep(0.05)
        marks_before_release = [s for s in statements if s.startswith("UPDATE outbox SET sent_at")]
        reads_before_release = len(reads)
        held.release()
        sent = await draining
    finally:
        held.release()
        await producer.stop()
        await pool.close()
    assert reads_before_release == 2, "the next batch was read while the first one's acks were held back"
    assert marks_before_release == [], "nothing was marked sent before the broker acknowledged it"
    assert held.sent == 30 and sent == 30  # every row sent once
    assert await kit_pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
    assert len(await read_to_end(platform_stack.bootstrap_servers, topic)) == 30


async def test_a_row_committed_late_while_acks_are_pending_is_never_overtaken_by_a_later_row_of_its_key(
    platform_stack, kit_pool, kit_schema, new_topic
):
    """A transaction that took its outbox id early commits while the relay waits for a batch's acks; then its
    key gets a newer row. The batch read meanwhile must not send the newer row before the late one."""
    topic = await new_topic(partitions=1)
    outbox = Outbox(topics=TEST_TOPICS)
    late = await kit_pool.acquire()
    late_tx = late.transaction()
    await late_tx.start()
    await outbox.add(late, [message(topic, 7800, 0)])  # id taken now, committed later
    async with kit_pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [message(topic, 7801, s) for s in range(10)])

    async def commit_late_then_write_newer() -> None:
        await late_tx.commit()
        async with kit_pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, [message(topic, 7800, 1)])

    producer = create_producer(platform_stack.bootstrap_servers, "test-relay")
    await producer.start()
    held = HeldAcks(producer)
    held.release()  # acks flow; the late commit happens while the first batch is being sent
    held.on_first_send = commit_late_then_write_newer
    try:
        sent = await Relay(kit_pool, held, schema=kit_schema, batch_size=10).drain()
    finally:
        await kit_pool.release(late)
        await producer.stop()
    records = await read_to_end(platform_stack.bootstrap_servers, topic)
    assert sent == 12 and held.sent == 12  # each row sent once: nothing re-sent
    assert seqs_by_key(records) == {b"ti-7800": [0, 1], b"ti-7801": list(range(10))}


async def test_a_row_refused_in_one_batch_holds_back_its_keys_rows_already_read_for_the_next_batch(
    platform_stack, kit_pool, kit_schema, new_topic
):
    topic = await new_topic(partitions=1)
    good = [message(topic, 7900 + s % 2, s) for s in range(30)]
    huge = message(topic, 7900, 999)
    huge = OutgoingMessage(topic, huge.key, b'{"x": "' + b"x" * 5000 + b'"}', huge.headers, "7900-huge")
    rows = [*good[:15], huge, *good[15:]]  # the 16th row: in the second batch of 10, its key's next rows after
    await kit_pool.executemany(
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
            for m in rows
        ],
    )
    producer = create_producer(platform_stack.bootstrap_servers, "test-relay")
    await producer.start()
    relay = Relay(kit_pool, producer, schema=kit_schema, batch_size=10, topics=TEST_TOPICS.with_topics({topic: 4096}))
    try:
        for _ in range(relay.max_attempts):
            await relay.drain()
    finally:
        await producer.stop()
    records = await read_to_end(platform_stack.bootstrap_servers, topic)
    per_key = seqs_by_key(records)
    assert per_key == {b"ti-7900": list(range(0, 30, 2)), b"ti-7901": list(range(1, 30, 2))}
    assert await kit_pool.fetchval("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL") == 1


async def test_a_row_written_before_headers_were_stored_ready_to_send_is_relayed_with_the_same_headers(
    platform_stack, new_topic
):
    """Migration 0006 turns the header texts of rows still pending into the bytes the relay sends."""
    from tdi_runtime.db import KIT_MIGRATIONS, _migration_files, migrate
    from tdi_runtime.testing import unique_name

    topic, schema = await new_topic(partitions=1), unique_name("kit_")
    pool = await asyncpg.create_pool(platform_stack.database_url, min_size=1, max_size=2)
    assert pool is not None
    try:
        await pool.execute(f"CREATE SCHEMA {schema}")
        await pool.execute(
            f"CREATE TABLE {schema}.schema_migrations (package text NOT NULL, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (package, name))"
        )
        async with pool.acquire() as conn:
            await conn.execute(f"SET search_path = {schema}")
            for name, file in _migration_files(KIT_MIGRATIONS):
                if name >= "0006":
                    break
                await conn.execute(file.read_text(encoding="utf-8"))
                await conn.execute("INSERT INTO schema_migrations VALUES ($1, $2)", KIT_MIGRATIONS, name)
            key, value, headers = probe_event(7950, 1)
            headers = [*headers, ("tdi_dlq_reason", "Événement refusé : « trop tôt ».".encode())]
            await conn.execute(
                "INSERT INTO outbox (shard, topic, key, value, header_keys, header_values, event_id)"
                " VALUES ($1, $2, $3, $4, $5, $6::text[], 'e-1')",
                shard_of(key, 8), topic, key, value, [k for k, _ in headers], [v.decode() for _, v in headers],
            )  # fmt: skip
            await conn.execute("RESET search_path")
        scoped = await asyncpg.create_pool(
            platform_stack.database_url, min_size=1, max_size=2, server_settings={"search_path": schema}
        )
        assert scoped is not None
        producer = create_producer(platform_stack.bootstrap_servers, "test-relay")
        await producer.start()
        try:
            await migrate(scoped, schema, [KIT_MIGRATIONS])
            assert await Relay(scoped, producer, schema=schema).drain() == 1
        finally:
            await producer.stop()
            await scoped.close()
        [record] = await read_to_end(platform_stack.bootstrap_servers, topic)
        assert list(record.headers) == headers
        assert record.key == key and record.value == value
    finally:
        await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await pool.close()
