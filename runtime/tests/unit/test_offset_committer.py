"""Offsets whose commit failed (a rebalance, the coordinator moving) are sent again, not forgotten."""

from __future__ import annotations

from types import SimpleNamespace

from aiokafka import TopicPartition
from aiokafka.errors import RebalanceInProgressError

from tdi_runtime.offsets import OffsetCommitter

TP = TopicPartition("tdi.test.offsets.v1", 0)


class FlakyConsumer:
    """A consumer whose first commit fails as during a rebalance; it keeps its partition."""

    def __init__(self) -> None:
        self.failures = 1
        self.committed: dict[TopicPartition, int] = {}

    def assignment(self) -> set[TopicPartition]:
        return {TP}

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        if self.failures:
            self.failures -= 1
            raise RebalanceInProgressError()
        self.committed |= offsets


async def test_offsets_of_a_failed_commit_are_committed_at_the_next_flush_without_new_records():
    consumer, committer = FlakyConsumer(), OffsetCommitter()
    committer.mark(consumer, [SimpleNamespace(topic=TP.topic, partition=0, offset=41)])
    await committer.flush()  # refused: the group is rebalancing
    await committer.flush()  # no new record came: the same offsets must go again
    assert consumer.committed == {TP: 42}


async def test_a_later_offset_marked_meanwhile_wins_over_the_failed_one():
    consumer, committer = FlakyConsumer(), OffsetCommitter()
    committer.mark(consumer, [SimpleNamespace(topic=TP.topic, partition=0, offset=41)])
    await committer.flush()
    committer.mark(consumer, [SimpleNamespace(topic=TP.topic, partition=0, offset=99)])
    await committer.flush()
    assert consumer.committed == {TP: 100}


async def test_a_batch_over_several_partitions_commits_the_offset_after_the_last_record_of_each():
    consumer, committer = FlakyConsumer(), OffsetCommitter()
    consumer.failures = 0
    other = TopicPartition(TP.topic, 1)
    consumer.assignment = lambda: {TP, other}  # type: ignore[method-assign]
    offsets = [(0, 10), (1, 3), (0, 12), (1, 2), (0, 11)]  # partition, offset (a redelivery mixed in)
    committer.mark(consumer, [SimpleNamespace(topic=TP.topic, partition=p, offset=o) for p, o in offsets])
    committer.mark(consumer, [SimpleNamespace(topic=TP.topic, partition=0, offset=5)])  # an older one: no step back
    await committer.flush()
    assert consumer.committed == {TP: 13, other: 4}


class RebalancingConsumer(FlakyConsumer):
    """Between the revocation and the new assignment of a rebalance, the consumer owns no partition."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 0
        self.owned: set[TopicPartition] = set()

    def assignment(self) -> set[TopicPartition]:
        return self.owned


async def test_offsets_marked_just_before_a_rebalance_are_committed_once_the_partition_is_assigned_again():
    consumer, committer = RebalancingConsumer(), OffsetCommitter()
    committer.mark(consumer, [SimpleNamespace(topic=TP.topic, partition=0, offset=7)])
    await committer.flush()  # mid-rebalance: nothing assigned
    consumer.owned = {TP}  # the same partition comes back to this member, and no new record arrives
    await committer.flush()
    assert consumer.committed == {TP: 8}
