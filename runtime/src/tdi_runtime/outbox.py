"""The outbox: outgoing events are rows written in the caller's transaction, published later by the relay.

A row that could never be published (its topic is not in the contracts' catalogue, or it is larger than the
topic's `max.message.bytes`) is refused when it is written, so the business command fails with a clear code
instead of the relay stalling on it later. `python -m tdi_runtime.outbox parked|retry` lists and re-sends the
rows the relay parked (see `outbox_cli`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tdi_contracts.errors import ErrorCode
from tdi_contracts.topics import ALL_TOPICS, DLQ_TOPICS, MAX_MESSAGE_BYTES, TopicSpec
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError

RECORD_OVERHEAD_BYTES = 128
"""Kafka framing around one record: the record batch header (61 bytes) and the record's own varints, rounded up."""


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One Kafka record to publish: key is the aggregate id (territory id for what belongs to a territory).

    `headers` are ready to send, (name, bytes) as Kafka carries them: encoded once with the event, stored as
    such (`header_keys text[]`, `header_values bytea[]`) and sent as they are by the relay.
    """

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    event_id: str


def shard_of(key: bytes | None, shards: int) -> int:
    """Same key, same shard: one relay instance at a time publishes a shard, so per-key order holds."""
    return zlib.crc32(key or b"") % shards


def record_bytes(key: bytes | None, value: bytes, headers: Sequence[tuple[str, bytes]]) -> int:
    """Size of the record as Kafka counts it against max.message.bytes (alone in its batch), slightly over.

    The relay computes the same sum in SQL from the stored columns (`relay.RECORD_SIZE`), without reading them.
    """
    names, values = zip(*headers, strict=True) if headers else ((), ())
    return _size(key, value, names, values)


def _size(key: bytes | None, value: bytes, names: Sequence[str], values: Sequence[bytes]) -> int:
    """`record_bytes` of headers already split into names and values (summed in C: no Python loop per header)."""
    header_bytes = len("".join(names).encode()) + sum(map(len, values)) + 5 * len(values)
    return RECORD_OVERHEAD_BYTES + len(key or b"") + len(value) + header_bytes


@dataclass(frozen=True)
class TopicCatalogue:
    """The topics an outbox row may name, each with the largest record it accepts (its max.message.bytes).

    `families` are topics named by a function of the contracts rather than listed: (prefix, suffix, limit).
    """

    limits: Mapping[str, int]
    families: tuple[tuple[str, str, int], ...] = field(default=())

    @classmethod
    def from_contracts(cls, extra: Iterable[TopicSpec] = ()) -> TopicCatalogue:
        """Every topic of `tdi_contracts.topics`, plus the dead-letter topic of any consumer group."""
        dlq_limit = max((t.max_message_bytes for t in DLQ_TOPICS), default=MAX_MESSAGE_BYTES)
        return cls(
            {t.name: t.max_message_bytes for t in (*ALL_TOPICS, *extra)},
            (("tdi.dlq.", ".v1", dlq_limit),),
        )

    def with_topics(
        self, limits: Mapping[str, int] | None = None, families: Iterable[tuple[str, str, int]] = ()
    ) -> TopicCatalogue:
        """This catalogue and some more topics (tests name the topics they create)."""
        return TopicCatalogue({**self.limits, **(limits or {})}, (*self.families, *families))

    def limit_of(self, topic: str) -> int | None:
        """The topic's max.message.bytes, or None when the topic is not declared."""
        limit = self.limits.get(topic)
        if limit is None:
            for prefix, suffix, family_limit in self.families:
                if topic.startswith(prefix) and topic.endswith(suffix):
                    return family_limit
        return limit


CONTRACT_TOPICS = TopicCatalogue.from_contracts()


class OutboxRecordRefusedError(DomainError):
    """The event could never be published: the command that wanted to announce it must fail (422)."""


def _type_of(m: OutgoingMessage) -> str:
    return next((v.decode("utf-8", "replace") for k, v in m.headers if k == "ce_type"), "?")


def refusal(m: OutgoingMessage, topics: TopicCatalogue) -> OutboxRecordRefusedError | None:
    """Why `m` could never be published (unknown topic, too large), or None."""
    return _refusal(m, topics, record_bytes(m.key, m.value, m.headers))


def _refusal(m: OutgoingMessage, topics: TopicCatalogue, size: int) -> OutboxRecordRefusedError | None:
    limit = topics.limit_of(m.topic)
    if limit is None:
        return OutboxRecordRefusedError(
            ErrorCode.UNKNOWN_TOPIC,
            f"L'événement « {_type_of(m)} » vise le flux « {m.topic} » : il ne pourrait jamais être publié.",
            field="topic",
            topic=m.topic,
        )
    if size > limit:
        return OutboxRecordRefusedError(
            ErrorCode.OUTBOX_RECORD_TOO_LARGE,
            f"L'événement « {_type_of(m)} » pèse {size} octets, au-delà des {limit} octets qu'accepte le flux"
            f" « {m.topic} » : il ne pourrait jamais être publié.",
            field="value",
            topic=m.topic,
            bytes=size,
            limit=limit,
        )
    return None


_INSERT = """
INSERT INTO outbox (shard, topic, key, value, header_keys, header_values, event_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


class Outbox:
    """Writes outgoing messages inside the transaction of the state change they announce."""

    def __init__(self, shards: int = 8, topics: TopicCatalogue = CONTRACT_TOPICS) -> None:
        self.shards = shards
        self.topics = topics

    def check(self, messages: Sequence[OutgoingMessage]) -> None:
        """Raise `OutboxRecordRefusedError` (UNKNOWN_TOPIC, OUTBOX_RECORD_TOO_LARGE) for a row never publishable."""
        for m in messages:
            if (error := refusal(m, self.topics)) is not None:
                raise error

    def _row(self, m: OutgoingMessage) -> tuple[object, ...]:
        """The INSERT's arguments of a publishable message (checked on the way: the same split headers serve the
        size and the row); raises `OutboxRecordRefusedError` otherwise."""
        names, values = zip(*m.headers, strict=True) if m.headers else ((), ())
        size = _size(m.key, m.value, names, values)
        limit = self.topics.limits.get(m.topic)
        if (limit is None or size > limit) and (error := _refusal(m, self.topics, size)) is not None:
            raise error  # (no limit: a family topic, `_refusal` looks it up, or an unknown one)
        return (zlib.crc32(m.key or b"") % self.shards, m.topic, m.key, m.value, names, values, m.event_id)

    async def add(self, conn: Connection, messages: Sequence[OutgoingMessage]) -> None:
        """Must run inside the caller's transaction: the events exist if and only if the state change does.

        Every message is checked (`check`) before anything is written: a refusal writes none of them."""
        if not conn.is_in_transaction():
            raise RuntimeError("Outbox.add must run inside the transaction of the state change")
        if len(messages) == 1:
            await conn.execute(_INSERT, *self._row(messages[0]))
        elif messages:
            await conn.executemany(_INSERT, [self._row(m) for m in messages])


if __name__ == "__main__":  # python -m tdi_runtime.outbox parked|retry SCHEMA
    from tdi_runtime.outbox_cli import app

    app()
