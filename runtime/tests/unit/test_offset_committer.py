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


class RebalancingConsumer:
    """Between the revocation and the new assignment of a rebalance, the consumer owns no partition; `group` holds
    the group's committed offsets, whichever member committed them."""

    def __init__(self) -> None:
        self.owned: set[TopicPartition] = set()
        self.group: dict[TopicPartition, int] = {}

    def assignment(self) -> set[TopicPartition]:
        return self.owned

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.group |= offsets

    async def committed(self, tp: TopicPartition) -> int | None:
        return self.group.get(tp)


def _record(offset: int) -> SimpleNamespace:
    return SimpleNamespace(topic=TP.topic, partition=0, offset=offset)


async def test_an_offset_marked_before_a_rebalance_never_takes_the_group_back_behind_another_members_commit():
    """The rebalance storm's stuck lag (CI of stop 30): this member applied up to 9 and lost the partition before
    its flush; another member applied 10 to 13 and committed 14; the partition came back and no record followed.
    The old mark (10) committed then left the group 4 behind for good."""
    consumer, committer = RebalancingConsumer(), OffsetCommitter()
    consumer.owned = {TP}
    committer.assigned({TP})
    committer.mark(consumer, [_record(9)])
    consumer.owned = set()  # revoked mid-flight: the flush in the revocation could not reach the broker
    await committer.revoked({TP})
    consumer.group[TP] = 14  # the other member's commit
    consumer.owned = {TP}
    committer.assigned({TP})
    await committer.flush()
    assert consumer.group == {TP: 14}


async def test_a_batch_of_the_new_assignment_marked_before_the_listener_runs_is_committed():
    """aiokafka replaces the assignment, fetches, then calls the listener: a batch may be applied and marked in
    between (CI of stop 31: its mark was dropped as an earlier assignment's, and the group stayed 1 behind)."""
    consumer, committer = RebalancingConsumer(), OffsetCommitter()
    consumer.owned = {TP}
    committer.assigned({TP})
    await committer.revoked({TP})  # a rebalance: nothing of ours pending
    consumer.group[TP] = 20
    committer.mark(consumer, [_record(20)])  # fetched from the group's offset under the new assignment...
    await committer.flush()  # ...no commit before the listener says the assignment is done...
    assert consumer.group == {TP: 20}
    committer.assigned({TP})  # ...then it runs
    await committer.flush()
    assert consumer.group == {TP: 21}


async def test_a_batch_fetched_before_the_assignment_never_commits_below_the_groups_offset():
    consumer, committer = RebalancingConsumer(), OffsetCommitter()
    consumer.group[TP] = 30  # what the group had committed when the partition became ours
    consumer.owned = {TP}
    committer.assigned({TP})
    committer.mark(consumer, [_record(11)])  # fetched before, handed to us after the listener
    await committer.flush()
    assert consumer.group == {TP: 30}
    assert committer.pending == {}
    committer.mark(consumer, [_record(31)])
    await committer.flush()
    assert consumer.group == {TP: 32}


async def test_offsets_applied_before_a_revocation_are_committed_while_the_partition_is_still_ours():
    consumer, committer = RebalancingConsumer(), OffsetCommitter()
    consumer.owned = {TP}
    committer.assigned({TP})
    committer.mark(consumer, [_record(7)])
    await committer.flush()
    committer.mark(consumer, [_record(8)])
    await committer.revoked({TP})  # the listener runs before the assignment is taken away
    assert consumer.group == {TP: 9}
    assert committer.pending == {}


async def test_offsets_marked_while_the_partition_is_away_are_committed_when_it_comes_back_unless_overtaken():
    consumer, committer = RebalancingConsumer(), OffsetCommitter()
    consumer.owned = {TP}
    committer.assigned({TP})
    await committer.revoked({TP})
    consumer.owned = set()
    committer.assigned(set())
    committer.mark(consumer, [_record(7)])  # the batch in flight ends after the partition went away
    await committer.flush()
    consumer.owned = {TP}  # it comes back, nobody committed meanwhile: the mark is ours, and still ahead
    committer.assigned({TP})
    await committer.flush()
    assert consumer.group == {TP: 8}
