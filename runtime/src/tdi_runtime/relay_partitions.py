"""The partition of each outbox row, chosen by the relay as the producer would (murmur2 of the key).

Knowing it lets the relay keep each partition's order on a failure: nothing after a failed row of a partition
is sent or marked sent in that batch. The choice is cached per key (a few hundred territories), which also
spares the producer its pure-Python murmur2 on every record.
"""

from __future__ import annotations

import random
from typing import Any

from aiokafka.partitioner import DefaultPartitioner

_PARTITIONER = DefaultPartitioner()


class Partitions:
    """Partition lists per topic for one batch, partition per key across batches."""

    def __init__(self, producer: Any, cache_limit: int = 100_000) -> None:
        self.producer = producer
        self.cache_limit = cache_limit
        self._of_key: dict[tuple[bytes, int], int] = {}
        self._of_topic: dict[str, list[int] | BaseException] = {}

    def new_batch(self) -> None:
        """Topics may have gained partitions since the last batch: ask the producer's metadata again."""
        self._of_topic = {}

    async def of_topic(self, topic: str) -> list[int] | BaseException:
        if topic not in self._of_topic:
            try:
                self._of_topic[topic] = sorted(await self.producer.partitions_for(topic))
            except Exception as error:  # no such topic: aiokafka waited request_timeout_ms for it
                self._of_topic[topic] = error
        return self._of_topic[topic]

    def of_key(self, key: bytes | None, partitions: list[int]) -> int:
        if key is None:
            return random.choice(partitions)  # noqa: S311 (spreading load, not secrecy)
        found = self._of_key.get((key, len(partitions)))
        if found is None:
            if len(self._of_key) >= self.cache_limit:
                self._of_key.clear()
            found = self._of_key[(key, len(partitions))] = _PARTITIONER(key, partitions, partitions)
        return found
