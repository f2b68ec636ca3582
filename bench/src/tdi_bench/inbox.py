"""Scenario 3, the idempotent consumer: `EventConsumer.handle_batch` with the probe handler vs asyncpg by hand.

Records are fetched from Kafka beforehand and fed in batches of 500. The kit decodes each record, checks the
inbox, runs `apply_probe` (one INSERT into probe_effects per event) and records the inbox rows, one transaction
per batch. Two baselines: `inbox` inserts only the probe_effects rows with one executemany per batch (physical
context: no decoding, no inbox), `inbox-hand` does the kit's work by hand (`handwritten.py`).
"""

from __future__ import annotations

from typing import Any

from tdi_bench.handwritten import apply_batch_by_hand
from tdi_bench.measure import Stopwatch
from tdi_bench.workload import NoKafka, Workload
from tdi_runtime.testing import decoded, probe_consumer, read_topic, unique_name

BATCH = 500
EFFECT = "INSERT INTO probe_effects (event_id, territory, seq) VALUES ($1, $2, $3)"


def batches(items: list[Any], size: int = BATCH) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class InboxScenario:
    key = "inbox"
    title = "handle_batch(apply_probe) / executemany of the effect rows only, 500 per tx"
    goal_ratio: float | None = None  # physical context: the raw side neither decodes nor keeps an inbox
    min_rate: float | None = None

    def __init__(self, workload: Workload, records: int) -> None:
        self.w, self.records = workload, records
        self.fetched: list[Any] = []
        self.effects: list[tuple[str, str, int]] = []

    async def prepare(self) -> None:
        topic = await self.w.new_topic()
        await self.w.publish(topic, self.w.events[: self.records])
        self.fetched = (await read_topic(self.w.bootstrap, topic, expect=self.records))[: self.records]
        self.effects = [
            (envelope.id, payload.territory_id, int(payload.epci_name.rsplit(" ", 1)[-1]))
            for envelope, payload in decoded(self.fetched)
        ]

    async def close(self) -> None:
        return None

    async def platform(self, records: int, watch: Stopwatch) -> int:
        async with self.w.schema() as (_, pool):
            consumer = probe_consumer(pool, unique_name("bench-"))
            kafka = NoKafka()
            watch.start()
            for batch in batches(self.fetched[:records]):
                if not await consumer.handle_batch(batch, kafka):
                    raise RuntimeError("the kit handed a batch back during the benchmark")
            watch.stop()
            applied = await pool.fetchval("SELECT count(*) FROM probe_effects")
        return int(applied)

    async def raw(self, records: int, watch: Stopwatch) -> int:
        async with self.w.schema() as (_, pool):
            watch.start()
            for batch in batches(self.effects[:records]):
                async with pool.acquire() as conn, conn.transaction():
                    await conn.executemany(EFFECT, batch)
            watch.stop()
            applied = await pool.fetchval("SELECT count(*) FROM probe_effects")
        return int(applied)


class InboxHandScenario(InboxScenario):
    """The same `handle_batch` against a hand-written batch doing the same work: the issue's inbox ratio.

    `decode_event` on every record, then one asyncpg transaction per batch of 500: inbox lookup, inbox rows
    and effect rows each by `executemany` (records are fed from memory: no Kafka, so no offset commit).
    """

    key = "inbox-hand"
    title = "handle_batch(apply_probe) / hand-written decode + inbox + effects, 500 per tx"
    goal_ratio: float | None = 0.8

    async def raw(self, records: int, watch: Stopwatch) -> int:
        async with self.w.schema() as (_, pool):
            group = unique_name("bench-hand-")
            watch.start()
            for batch in batches(self.fetched[:records]):
                await apply_batch_by_hand(pool, group, batch, effects=True)
            watch.stop()
            applied = await pool.fetchval("SELECT count(*) FROM probe_effects")
        return int(applied)
