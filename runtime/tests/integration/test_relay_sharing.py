"""Relay replicas share the shards fairly, take over a dead replica's shards, and keep each key in order."""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from dataclasses import dataclass

import asyncpg
import pytest

from tdi_runtime.kafka import create_producer, read_to_end
from tdi_runtime.metrics import Metrics
from tdi_runtime.outbox import Outbox, OutgoingMessage, shard_of
from tdi_runtime.relay import Relay
from tdi_runtime.testing import TEST_TOPICS, decoded, probe_event, until

pytestmark = pytest.mark.integration
SHARDS = 8


def message(topic: str, territory: int, seq: int) -> OutgoingMessage:
    key, value, headers = probe_event(territory, seq)
    return OutgoingMessage(topic, key, value, tuple(headers), f"{territory}-{seq}")


def territories_covering_every_shard() -> list[int]:
    chosen: dict[int, int] = {}
    for territory in range(9000, 10000):
        chosen.setdefault(shard_of(f"ti-{territory}".encode(), SHARDS), territory)
        if len(chosen) == SHARDS:
            return sorted(chosen.values())
    raise AssertionError("no territory set covers every shard")


@dataclass
class Replica:
    relay: Relay
    task: asyncio.Task[None]
    pool: asyncpg.Pool
    producer: object
    metrics: Metrics

    def produced(self) -> float:
        return sum(
            s.value for m in self.metrics.registry.collect() for s in m.samples if s.name.endswith("produced_total")
        )

    async def kill(self) -> None:
        """The replica's process dies: its task stops, its connections and producer go away."""
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        self.pool.terminate()
        await self.producer.stop()


async def start_replica(stack, schema: str, name: str) -> Replica:
    pool = await asyncpg.create_pool(
        stack.database_url, min_size=1, max_size=2, server_settings={"search_path": schema}
    )
    producer = create_producer(stack.bootstrap_servers, name)
    await producer.start()
    metrics = Metrics(name)
    relay = Relay(pool, producer, schema=schema, poll_interval_s=0.05, metrics=metrics)
    return Replica(relay, asyncio.create_task(relay.run()), pool, producer, metrics)


def fair_split(replicas: list[Replica]):
    async def check() -> bool:
        held = [set(r.relay.held) for r in replicas]
        share = math.ceil(SHARDS / len(replicas))
        disjoint = sum(len(h) for h in held) == len(set().union(*held))
        return disjoint and set().union(*held) == set(range(SHARDS)) and all(1 <= len(h) <= share for h in held)

    return check


async def write_round(pool, topic: str, territories: list[int], seqs: range) -> None:
    async def one_aggregate(territory: int) -> None:
        for seq in seqs:
            async with pool.acquire() as conn, conn.transaction():
                await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, territory, seq)])

    await asyncio.gather(*(one_aggregate(t) for t in territories))


def drained(pool, expected: int):
    async def check() -> bool:
        return await pool.fetchval("SELECT count(*) FILTER (WHERE sent_at IS NOT NULL) FROM outbox") == expected

    return check


@pytest.mark.parametrize("replicas", [2, 3])
async def test_replicas_share_the_shards_and_take_over_those_of_a_dead_replica_keeping_each_key_in_order(
    platform_stack, kit_pool, kit_schema, new_topic, replicas
):
    topic, territories, per_round = await new_topic(partitions=6), territories_covering_every_shard(), 15
    running = [await start_replica(platform_stack, kit_schema, f"relay-{i}") for i in range(replicas)]
    try:
        await until(fair_split(running), f"{replicas} relays each holding a fair share of the {SHARDS} shards")
        shares = [r.relay.held for r in running]
        await write_round(kit_pool, topic, territories, range(per_round))
        await until(drained(kit_pool, len(territories) * per_round), "first round published")
        first_round = [r.produced() for r in running]

        dead, running = running[-1], running[:-1]
        await dead.kill()
        await until(fair_split(running), f"{replicas - 1} survivors holding every shard")
        taken_over = [r.relay.held for r in running]
        await write_round(kit_pool, topic, territories, range(per_round, 2 * per_round))
        await until(drained(kit_pool, 2 * len(territories) * per_round), "second round published")
    finally:
        for replica in running:
            await replica.kill()

    records = await read_to_end(platform_stack.bootstrap_servers, topic)
    per_key: dict[bytes, list[int]] = defaultdict(list)
    for record, (_, payload) in zip(records, decoded(records), strict=True):
        per_key[record.key].append(int(payload.epci_name.rsplit(" ", 1)[-1]))
    print(f"\n[{replicas} relays] shares {shares}, after a death {taken_over}; published per relay {first_round}")
    assert all(n > 0 for n in first_round)  # every replica did part of the work
    assert dict(per_key) == {f"ti-{t}".encode(): list(range(2 * per_round)) for t in territories}


async def test_concurrent_writers_of_one_aggregate_are_published_in_the_order_they_committed(
    platform_stack, kit_pool, kit_schema, new_topic
):
    topic, writers, per_writer = await new_topic(partitions=3), 8, 20
    await kit_pool.execute("CREATE TABLE aggregate_versions (territory text PRIMARY KEY, version int NOT NULL)")
    await kit_pool.execute("INSERT INTO aggregate_versions VALUES ('ti-8413', 0)")
    running = [await start_replica(platform_stack, kit_schema, f"relay-{i}") for i in range(2)]

    async def writer() -> None:
        for _ in range(per_writer):
            async with kit_pool.acquire() as conn, conn.transaction():
                version = await conn.fetchval(  # the store loads the aggregate for update, as every use case does
                    "UPDATE aggregate_versions SET version = version + 1 WHERE territory = 'ti-8413' RETURNING version"
                )
                await Outbox(topics=TEST_TOPICS).add(conn, [message(topic, 8413, version)])
                await asyncio.sleep(0)

    try:
        await asyncio.gather(*(writer() for _ in range(writers)))
        await until(drained(kit_pool, writers * per_writer), "every version published")
    finally:
        for replica in running:
            await replica.kill()

    records = await read_to_end(platform_stack.bootstrap_servers, topic)
    versions = [int(p.epci_name.rsplit(" ", 1)[-1]) for _, p in decoded(records)]
    assert versions == list(range(1, writers * per_writer + 1))
