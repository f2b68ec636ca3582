"""Scenario 2, the relay: `Relay.drain()` of an outbox backlog vs aiokafka sending the same records.

Before each run the outbox of a fresh schema is filled with one COPY (and analysed, as a live table would be).
Both sides publish with the kit's producer settings (acks=all, idempotent, linger 5 ms) from a producer
started beforehand; the relay also reads its batches and marks them sent, which is its whole job.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

from aiokafka import AIOKafkaProducer

from tdi_bench.measure import Stopwatch
from tdi_bench.workload import Record, Workload
from tdi_runtime.kafka import PRODUCER_SETTINGS, create_producer, security_options
from tdi_runtime.outbox import shard_of
from tdi_runtime.relay import Relay

COLUMNS = ["shard", "topic", "key", "value", "header_keys", "header_values", "event_id"]


def outbox_row(topic: str, record: Record, shards: int = 8) -> tuple[object, ...]:
    key, value, headers = record
    event_id = next(v.decode() for k, v in headers if k == "ce_id")
    names, values = [k for k, _ in headers], [v for _, v in headers]
    return (shard_of(key, shards), topic, key, value, names, values, event_id)


class RelayScenario:
    key = "relay"
    title = "Relay.drain of a backlog / aiokafka send, same settings"
    goal_ratio: float | None = 0.6
    min_rate: float | None = None  # issue 9 sets the ratio only (an absolute floor measures the machine's load)

    def __init__(self, workload: Workload, records: int) -> None:
        self.w, self.records, self.topic = workload, records, ""
        self._stack = AsyncExitStack()
        self.kit_producer: Any = None
        self.raw_producer: Any = None

    def _backlog(self, records: int) -> list[Record]:
        events = self.w.events
        return [events[i % len(events)] for i in range(records)]  # the relay does not care about repeated ids

    async def prepare(self) -> None:
        self.topic = await self.w.new_topic()
        self.kit_producer = create_producer(self.w.bootstrap, client_id="tdi-bench-relay")
        self.raw_producer = AIOKafkaProducer(
            bootstrap_servers=self.w.bootstrap, client_id="tdi-bench-raw", **PRODUCER_SETTINGS, **security_options()
        )
        for producer in (self.kit_producer, self.raw_producer):
            await producer.start()
            self._stack.push_async_callback(producer.stop)

    async def close(self) -> None:
        await self._stack.aclose()

    async def platform(self, records: int, watch: Stopwatch) -> int:
        rows = [outbox_row(self.topic, r) for r in self._backlog(records)]
        async with self.w.schema() as (schema, pool):
            async with pool.acquire() as conn:
                await conn.copy_records_to_table("outbox", records=rows, columns=COLUMNS, schema_name=schema)
                await conn.execute("ANALYZE outbox")
            relay = Relay(pool, self.kit_producer, schema=schema)
            watch.start()
            sent = await relay.drain()
            watch.stop()
        return sent

    async def raw(self, records: int, watch: Stopwatch) -> int:
        backlog = self._backlog(records)
        producer = self.raw_producer
        watch.start()
        futures = [await producer.send(self.topic, value=v, key=k, headers=h) for k, v, h in backlog]
        await asyncio.gather(*futures)
        watch.stop()
        return len(futures)
