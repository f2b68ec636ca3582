"""Scenario 1, the consume path: FastStream batch subscriber + kit EventConsumer (inbox, no-op handler) vs aiokafka.

Both sides read the same pre-produced topic from the earliest offset in a fresh consumer group, in batches of
at most 500 records. The clock starts when the first batch arrives (group join is the same aiokafka code on
both sides) and stops when every record is handled: for the kit, decoded, checked and recorded in the inbox
in one transaction per batch, offsets committed every 0.5 s after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

from aiokafka import AIOKafkaConsumer
from faststream.kafka import KafkaBroker

from tdi_bench.handwritten import apply_batch_by_hand
from tdi_bench.measure import Stopwatch
from tdi_bench.workload import Workload
from tdi_contracts.events.territory import EpciJoined
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.kafka import faststream_security, security_options
from tdi_runtime.offsets import OffsetCommitter
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline.uow import UnitOfWork
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.subscription import ConsumerSpec, subscribe
from tdi_runtime.testing import TEST_TOPICS, ProbeHandler, probe_registry, unique_name

TIMEOUT_S = 600.0  # generous: the machine may be shared with much other work


async def do_nothing(event: EpciJoined, uow: UnitOfWork) -> None:
    """No business logic: only the kit's own work is measured."""


class _CountingConsumer(EventConsumer):
    """The kit's consumer, telling the benchmark when the first batch arrived and when the last was applied."""

    def __init__(self, *, expect: int, watch: Stopwatch, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expect, self.watch, self.handled, self.done = expect, watch, 0, asyncio.Event()

    async def handle_batch(self, records: Sequence[Any], consumer: Any) -> bool:
        self.watch.start()
        applied = await super().handle_batch(records, consumer)
        if applied:
            self.handled += len(records)
            if self.handled >= self.expect:
                self.watch.stop()
                self.done.set()
        return applied


class ConsumeScenario:
    key = "consume"
    title = "FastStream + EventConsumer (inbox, no-op handler) / aiokafka getmany (no decoding, no inbox)"
    goal_ratio: float | None = None  # physical context: the raw side does a fraction of the work
    min_rate: float | None = None
    handler: ProbeHandler = staticmethod(do_nothing)
    """What the kit's consumer does with each event inside the batch's transaction."""

    def __init__(self, workload: Workload, records: int) -> None:
        self.w, self.records, self.topic = workload, records, ""
        self._stack = AsyncExitStack()
        self.pool: Any = None

    async def prepare(self) -> None:
        self.topic = await self.w.new_topic()
        await self.w.publish(self.topic, self.w.events[: self.records])
        _, self.pool = await self._stack.enter_async_context(self.w.schema())

    async def close(self) -> None:
        await self._stack.aclose()

    async def platform(self, records: int, watch: Stopwatch) -> int:
        settings = ServiceSettings.for_service(
            "bench", kafka_bootstrap_servers=self.w.bootstrap, database_url=self.w.database_url
        )
        group = unique_name("bench-")
        registry = probe_registry(self.handler)
        committer = OffsetCommitter(settings.commit_interval_s)
        consumer = _CountingConsumer(
            expect=records,
            watch=watch,
            service="bench",
            group=group,
            pool=self.pool,
            outbox=Outbox(settings.relay_shards, topics=TEST_TOPICS),
            registry=registry,
            committer=committer,
        )
        broker = KafkaBroker(
            self.w.bootstrap,
            client_id="tdi-bench",
            log_level=logging.DEBUG,
            security=faststream_security(security_options()),
        )  # as service.py
        subscribe(broker, ConsumerSpec(group, [self.topic], registry=registry), consumer, settings)
        await broker.start()
        committer.start()
        try:
            await asyncio.wait_for(consumer.done.wait(), TIMEOUT_S)
        finally:  # the order of the kit's own shutdown (service._stop)
            consumer.stopping = True
            committer.closing = True
            await committer.flush()
            await broker.stop()
            await committer.close()
        return consumer.handled

    async def started_consumer(self, group: str) -> AIOKafkaConsumer:
        """The baselines' plain aiokafka consumer of the scenario's topic, in a group of its own."""
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.w.bootstrap,
            group_id=group,
            **security_options(),
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        return consumer

    async def raw(self, records: int, watch: Stopwatch) -> int:
        consumer = await self.started_consumer(unique_name("bench-raw-"))
        handled = 0
        try:
            async with asyncio.timeout(TIMEOUT_S):
                while handled < records:
                    batch = await consumer.getmany(timeout_ms=100, max_records=500)
                    if batch:
                        watch.start()
                        handled += sum(len(part) for part in batch.values())
                await consumer.commit()
                watch.stop()
        finally:
            await consumer.stop()
        return handled


class ConsumeHandScenario(ConsumeScenario):
    """The same consume path against a hand-written consumer doing the same work: the issue's consume ratio.

    aiokafka `getmany(max_records=500)`, `decode_event` on every record, one asyncpg transaction per batch
    (inbox lookup, inbox rows by `executemany`; no effect rows, the kit's handler is a no-op too), then an
    offset commit after every batch.
    """

    key = "consume-hand"
    title = "FastStream + EventConsumer / hand-written getmany + decode + inbox tx + commit"
    goal_ratio: float | None = 0.8

    async def raw(self, records: int, watch: Stopwatch) -> int:
        group = unique_name("bench-hand-")
        consumer = await self.started_consumer(group)
        handled = 0
        try:
            async with asyncio.timeout(TIMEOUT_S):
                while handled < records:
                    batch = await consumer.getmany(timeout_ms=100, max_records=500)
                    if batch:
                        watch.start()
                        fetched = [record for part in batch.values() for record in part]
                        await apply_batch_by_hand(self.pool, group, fetched, effects=False)
                        await consumer.commit()
                        handled += len(fetched)
                watch.stop()
        finally:
            await consumer.stop()
        return handled
