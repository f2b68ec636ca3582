"""The outbox: outgoing events are rows written in the caller's transaction, published later by the relay."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from tdi_runtime.db import Connection


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One Kafka record to publish: key is the aggregate id (territory id for what belongs to a territory)."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, str], ...]
    event_id: str


def shard_of(key: bytes | None, shards: int) -> int:
    """Same key, same shard: one relay instance at a time publishes a shard, so per-key order holds."""
    return zlib.crc32(key or b"") % shards


_INSERT = """
INSERT INTO outbox (shard, topic, key, value, header_keys, header_values, event_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


class Outbox:
    """Writes outgoing messages inside the transaction of the state change they announce."""

    def __init__(self, shards: int = 8) -> None:
        self.shards = shards

    def _row(self, m: OutgoingMessage) -> tuple[object, ...]:
        return (
            shard_of(m.key, self.shards),
            m.topic,
            m.key,
            m.value,
            [k for k, _ in m.headers],
            [v for _, v in m.headers],
            m.event_id,
        )

    async def add(self, conn: Connection, messages: Sequence[OutgoingMessage]) -> None:
        """Must run inside the caller's transaction: the events exist if and only if the state change does."""
        if not conn.is_in_transaction():
            raise RuntimeError("Outbox.add must run inside the transaction of the state change")
        if len(messages) == 1:
            await conn.execute(_INSERT, *self._row(messages[0]))
        elif messages:
            await conn.executemany(_INSERT, [self._row(m) for m in messages])
