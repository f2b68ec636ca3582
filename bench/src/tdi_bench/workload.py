"""What every scenario draws on: the servers' addresses, contract events made once, fresh schemas and topics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from tdi_localstack.provisioning import create_topics
from tdi_runtime.kafka import PRODUCER_SETTINGS, security_options
from tdi_runtime.testing import prepare_schema, probe_event, unique_name

Record = tuple[bytes | None, bytes, list[tuple[str, bytes]]]
"""(key, value, headers) of one contract event as it travels on Kafka."""


def make_events(count: int, territories: int = 40) -> list[Record]:
    """`count` distinct EpciJoined events (distinct ids, so the inbox applies every one)."""
    return [probe_event(5000 + i % territories, i) for i in range(count)]


@dataclass
class Workload:
    bootstrap: str
    database_url: str
    events: list[Record]
    _topics: list[str] = field(default_factory=list)

    async def new_topic(self, partitions: int = 3) -> str:
        topic = f"tdi.bench.{unique_name('t')}.v1"
        await create_topics(self.bootstrap, [(topic, partitions, {})])
        self._topics.append(topic)
        return topic

    def adopt_topics(self, topics: list[str]) -> None:
        """Topics a scenario created itself, deleted with the others at the end of the run."""
        self._topics.extend(topics)

    async def publish(self, topic: str, records: list[Record]) -> None:
        """Pre-produce records (untimed): everything in flight at once, then wait for every ack."""
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, **PRODUCER_SETTINGS, **security_options())
        await producer.start()
        try:
            futures = [await producer.send(topic, value=v, key=k, headers=h) for k, v, h in records]
            await asyncio.gather(*futures)
        finally:
            await producer.stop()

    @asynccontextmanager
    async def schema(self, max_size: int = 10) -> AsyncIterator[tuple[str, asyncpg.Pool]]:
        """A fresh schema (kit tables, probe_effects) and a pool working in it; dropped afterwards."""
        name = unique_name("bench_")
        await prepare_schema(self.database_url, name)
        pool = await asyncpg.create_pool(
            self.database_url, min_size=max_size, max_size=max_size, server_settings={"search_path": name}
        )
        assert pool is not None
        try:
            yield name, pool
        finally:
            await pool.close()
            conn = await asyncpg.connect(self.database_url)
            try:
                await conn.execute(f"DROP SCHEMA {name} CASCADE")
            finally:
                await conn.close()

    async def delete_topics(self) -> None:
        if not self._topics:
            return
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, **security_options())
        await admin.start()
        try:
            await admin.delete_topics(self._topics)
            self._topics.clear()
        except Exception as error:  # best effort: a leftover topic only costs disk
            print(f"[bench] could not delete topics: {error!r}")
        finally:
            await admin.close()


class NoKafka:
    """Stands for the Kafka consumer when a scenario feeds fetched records straight to `handle_batch`."""

    def assignment(self) -> set[Any]:
        return set()

    def seek(self, tp: Any, offset: int) -> None:
        raise AssertionError(f"the batch was rewound to {tp}@{offset}: the kit failed during the benchmark")
