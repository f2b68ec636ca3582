"""The inbox: which events a consumer group already handled, recorded in the transaction of their effect."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tdi_runtime.db import Connection


def digest(value: bytes | None) -> str:
    return hashlib.sha256(value or b"").hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Seen:
    topic: str
    partition: int
    offset: int
    outcome: str
    digest: str
    result: Any = None


@dataclass(slots=True)
class Entry:
    event_id: str
    topic: str
    partition: int
    offset: int
    outcome: str
    digest: str
    result: Any = field(default=None)


async def seen(conn: Connection, consumer: str, event_ids: Sequence[str]) -> dict[str, Seen]:
    rows = await conn.fetch(
        'SELECT event_id, topic, partition, "offset", outcome, digest, result FROM inbox'
        " WHERE consumer = $1 AND event_id = ANY($2::text[])",
        consumer,
        list(event_ids),
    )
    return {
        r["event_id"]: Seen(
            r["topic"],
            r["partition"],
            r["offset"],
            r["outcome"],
            r["digest"],
            json.loads(r["result"]) if r["result"] is not None else None,
        )
        for r in rows
    }


_COLUMNS = "$2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[], $8::jsonb[]"


async def record(conn: Connection, consumer: str, entries: Sequence[Entry], retried: Sequence[str] = ()) -> None:
    """Record handled events in one statement.

    A plain INSERT on purpose: a consumer racing us on the same event (a rebalance) blocks on the key and
    then fails with a unique violation, which the consumer retries and then sees as already handled.
    Events rejected before and now retried (corrected or re-driven) update their row instead.
    """
    fresh = [e for e in entries if e.event_id not in retried]
    again = [e for e in entries if e.event_id in retried]
    if fresh:
        await conn.execute(
            'INSERT INTO inbox (consumer, event_id, topic, partition, "offset", outcome, digest, result)'
            f" SELECT $1, e, t, p, o, r, d, j FROM unnest({_COLUMNS}) AS x(e, t, p, o, r, d, j)",
            consumer,
            *_columns(fresh),
        )
    if again:
        await conn.execute(
            'UPDATE inbox SET topic = x.t, partition = x.p, "offset" = x.o, outcome = x.r, digest = x.d,'
            f" result = x.j, processed_at = now() FROM unnest({_COLUMNS}) AS x(e, t, p, o, r, d, j)"
            " WHERE inbox.consumer = $1 AND inbox.event_id = x.e",
            consumer,
            *_columns(again),
        )


def _columns(entries: Sequence[Entry]) -> list[list[Any]]:
    return [
        [e.event_id for e in entries],
        [e.topic for e in entries],
        [e.partition for e in entries],
        [e.offset for e in entries],
        [e.outcome for e in entries],
        [e.digest for e in entries],
        [None if e.result is None else json.dumps(e.result) for e in entries],
    ]
