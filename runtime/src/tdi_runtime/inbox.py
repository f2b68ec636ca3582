"""The inbox: which events a consumer group already handled, recorded in the transaction of their effect."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True, slots=True)
class Seen:
    topic: str
    partition: int
    offset: int
    outcome: str


async def seen(conn: asyncpg.Connection, consumer: str, event_ids: Sequence[str]) -> dict[str, Seen]:
    rows = await conn.fetch(
        'SELECT event_id, topic, partition, "offset", outcome FROM inbox'
        " WHERE consumer = $1 AND event_id = ANY($2::text[])",
        consumer,
        list(event_ids),
    )
    return {r["event_id"]: Seen(r["topic"], r["partition"], r["offset"], r["outcome"]) for r in rows}


async def record(conn: asyncpg.Connection, consumer: str, rows: Sequence[tuple[str, str, int, int, str]],
                 redriven: Sequence[str] = ()) -> None:
    """Record (event_id, topic, partition, offset, outcome) rows.

    A plain INSERT on purpose: a consumer racing us on the same event (a rebalance) blocks on the key and
    then fails with a unique violation, which the consumer retries and then sees as already handled.
    Re-driven events were recorded as rejected before: their row is updated instead.
    """
    fresh = [r for r in rows if r[0] not in redriven]
    again = [r for r in rows if r[0] in redriven]
    if fresh:
        await conn.execute(
            'INSERT INTO inbox (consumer, event_id, topic, partition, "offset", outcome)'
            " SELECT $1, e, t, p, o, r FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[])"
            " AS x(e, t, p, o, r)",
            consumer, *_columns(fresh),
        )
    if again:
        await conn.execute(
            'UPDATE inbox SET topic = x.t, partition = x.p, "offset" = x.o, outcome = x.r, processed_at = now()'
            " FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[]) AS x(e, t, p, o, r)"
            " WHERE inbox.consumer = $1 AND inbox.event_id = x.e",
            consumer, *_columns(again),
        )


def _columns(rows: Sequence[tuple[str, str, int, int, str]]) -> list[list[object]]:
    return [[r[i] for r in rows] for i in range(5)]
