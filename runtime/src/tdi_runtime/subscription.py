"""A consumer group as a FastStream batch subscriber: manual offsets, raw records passed through untouched (no
header decoded by FastStream), the kit's consumer behind it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import ConsumerRebalanceListener, TopicPartition
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.kafka.message import FAKE_CONSUMER, KafkaAckableMessage
from faststream.middlewares import AckPolicy

from tdi_runtime.consumer import EventConsumer
from tdi_runtime.handling import Feedback, InCommit
from tdi_runtime.offsets import OffsetCommitter
from tdi_runtime.pipeline.registry import Registry
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.tracing import batch_scope


@dataclass
class ConsumerSpec:
    """A consumer group: the topics it reads and the registry of the handlers it applies (by event class)."""

    group: str
    topics: Sequence[str]
    registry: Registry[Any] | None = None
    """The handlers (and their prefetches) this group applies, on the service's unit of work."""
    strict: bool = False
    feedback: Feedback | None = None
    in_commit: InCommit | None = None
    """Called once per batch that applied events, inside its transaction, last (e.g. a NOTIFY sent at commit)."""
    after_commit: Callable[[], None] | None = None
    """Called once a batch that applied events has committed (e.g. wake this process's readers)."""


class CommitterListener(ConsumerRebalanceListener):  # type: ignore[misc]
    """The group's rebalances told to the offset committer (commit on revocation, void marks on assignment)."""

    def __init__(self, committer: OffsetCommitter) -> None:
        self.committer = committer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.committer.revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.committer.assigned(assigned)


def subscribe(broker: KafkaBroker, spec: ConsumerSpec, consumer: EventConsumer, settings: ServiceSettings) -> None:
    async def pass_through(records: tuple[Any, ...]) -> KafkaMessage:
        """The batch as FastStream carries it, nothing decoded: FastStream's own batch parser decodes every
        header of every record (into dicts the kit never reads) and fails on a header that is not UTF-8 or
        null, losing the whole batch. The kit reads each raw record once, in `decode_record`."""
        first, last = records[0], records[-1]
        return KafkaAckableMessage(
            raw_message=records,
            body=records,
            message_id=f"{first.topic}-{first.partition}-{first.offset}-{last.offset}",
            correlation_id=spec.group,
            consumer=subscriber.consumer or FAKE_CONSUMER,
        )

    async def raw_records(message: Any) -> Any:  # decode ourselves, record by record, so one bad record
        return message.raw_message  # cannot take its batch down with it

    subscriber = broker.subscriber(
        *spec.topics,
        group_id=spec.group,
        batch=True,
        max_records=settings.consumer_batch_max,
        batch_timeout_ms=settings.consumer_batch_timeout_ms,
        ack_policy=AckPolicy.MANUAL,  # never FastStream's at-most-once default: offsets follow the DB commit
        auto_offset_reset="earliest",
        parser=pass_through,
        decoder=raw_records,
        max_poll_interval_ms=600_000,
        session_timeout_ms=settings.consumer_session_timeout_ms,
        heartbeat_interval_ms=max(1000, settings.consumer_session_timeout_ms // 5),
        title=f"{spec.group}:{','.join(spec.topics)}",
        listener=CommitterListener(consumer.committer),
    )

    @subscriber
    async def on_batch(records: Any, message: KafkaMessage) -> None:  # KafkaMessage is Annotated Context
        with batch_scope(spec.group, spec.topics, message.raw_message):  # span `consume <group>` (tracing)
            await consumer.handle_batch(message.raw_message, message.consumer)
