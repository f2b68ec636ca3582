"""Kafka offsets committed on a short interval, always after the database commit of what they cover.

A per-message commit costs 100-500 ms against one broker (it waits behind the fetch), so the consumer
marks what its transaction committed and this committer sends the offsets every `interval_s`; a redelivery
after a crash in between is harmless because the inbox drops events already handled.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Any

import structlog
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

log = structlog.get_logger(__name__)


FLOOR_TIMEOUT_S = 10.0  # reading the group's offset of a newly assigned partition (the broker away: next flush)


class OffsetCommitter:
    """Offsets marked after each database commit, sent every `interval_s`; a rebalance listener of its consumer.

    Whoever applied a record, its effects are in the database: committing any offset this member marked is safe, as
    long as it never takes the group back behind another member's commit (then the group would stay behind, with no
    record to come that would move it). So after each assignment, the group's offset of each partition is read once
    (no other member can commit after our assignment: its generation is over) and a mark at or below it is dropped
    (its records are the other member's, or ours re-read). Nothing is committed between the revocation and the
    listener's assignment call; marks are never dropped for a rebalance alone (a batch of the new assignment may be
    marked before the listener runs: aiokafka fetches first)."""

    def __init__(self, interval_s: float = 0.5) -> None:
        self.interval_s = interval_s
        self.pending: dict[TopicPartition, int] = {}
        self.consumer: Any = None
        self.closing = False
        self._rebalancing = False  # from the revocation to the assignment: no commit
        self._generation = 0  # counts assignments: a floor read across one is not kept
        self._floors: dict[TopicPartition, int] = {}  # the group's offset when the partition became ours
        self._unchecked: set[TopicPartition] = set()  # assigned, floor not read yet (read at the next flush)
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def mark(self, consumer: Any, records: Iterable[Any]) -> None:
        """Records whose effects are committed in the database: their offsets may now be committed."""
        self.consumer = consumer
        last: dict[tuple[str, int], int] = {}
        for record in records:  # a plain tuple per record; a TopicPartition per partition only (measured: ~3x)
            key = (record.topic, record.partition)
            if record.offset >= last.get(key, -1):
                last[key] = record.offset
        for (topic, partition), offset in last.items():
            tp = TopicPartition(topic, partition)
            self.pending[tp] = max(self.pending.get(tp, 0), offset + 1)

    async def revoked(self, partitions: Iterable[TopicPartition]) -> None:
        """Rebalance listener: commit what is applied while the partitions are still ours; then wait for the
        assignment before committing anything else."""
        with contextlib.suppress(Exception):
            await self._flush(read_floors=False)
        self._rebalancing = True
        self._floors.clear()

    def assigned(self, partitions: Iterable[TopicPartition]) -> None:
        """Rebalance listener: the group's offset of every assigned partition is read before its next commit."""
        self._generation += 1
        self._floors.clear()
        self._unchecked = set(partitions)
        self._rebalancing = False

    async def flush(self) -> None:
        await self._flush(read_floors=True)

    async def _flush(self, *, read_floors: bool) -> None:
        async with self._lock:
            if not self.pending or self.consumer is None or self._rebalancing:
                return
            assigned = self.consumer.assignment()
            offsets = {tp: off for tp, off in self.pending.items() if tp in assigned}
            if not offsets:
                return  # mid-rebalance: kept until the partitions are ours again (or the process ends)
            if read_floors:
                try:
                    await self._read_floors(offsets)
                except (KafkaError, TimeoutError) as error:
                    log.warning("offset_floor_retried", error=repr(error))  # kept: sent at the next flush
                    return
            # A partition whose floor is unknown waits (a revocation does not read it); one at or below it is void.
            offsets = {tp: off for tp, off in offsets.items() if tp not in self._unchecked and not self._rebalancing}
            for tp, off in list(offsets.items()):
                if self.pending.get(tp) == off:
                    del self.pending[tp]
                if off <= self._floors.get(tp, -1):
                    del offsets[tp]
            if not offsets:
                return
            try:
                await self.consumer.commit(offsets)
            except Exception as error:
                # Sent again at the next flush: dropped, a partition receiving no new record would stay behind
                # forever (lag never zero, everything redelivered after the next restart).
                for tp, offset in offsets.items():
                    self.pending[tp] = max(self.pending.get(tp, 0), offset)
                log.warning("offset_commit_retried", error=repr(error))
                if not isinstance(error, KafkaError | AssertionError):
                    raise

    async def _read_floors(self, offsets: dict[TopicPartition, int]) -> None:
        """The group's committed offset of each newly assigned partition, once per assignment (no other member
        can commit it after our assignment: its generation is over)."""
        for tp in [tp for tp in offsets if tp in self._unchecked]:
            generation = self._generation
            committed = await asyncio.wait_for(self.consumer.committed(tp), FLOOR_TIMEOUT_S)
            if generation == self._generation and not self._rebalancing:  # not reassigned while reading
                self._floors[tp] = committed or 0
                self._unchecked.discard(tp)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="offset-committer")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            with contextlib.suppress(Exception):
                await self.flush()

    async def close(self) -> None:
        self.closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
