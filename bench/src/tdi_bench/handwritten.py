"""The same work as the kit's idempotent consumer, written by hand with aiokafka and asyncpg only.

What a careful service would write without the kit: decode every record against the contracts
(`decode_event`), then one transaction per batch that looks the event ids up in the inbox, writes the inbox
rows of the new ones and their effect rows, each with one `executemany`; the caller commits the offsets after.
It has none of the kit's dead letters, partner feedback, redelivery checks, retries, tracing or metrics.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import asyncpg

from tdi_contracts.envelope import decode_event

SEEN = "SELECT event_id FROM inbox WHERE consumer = $1 AND event_id = ANY($2::text[])"
INBOX_ROW = (
    'INSERT INTO inbox (consumer, event_id, topic, partition, "offset", outcome, digest)'
    " VALUES ($1, $2, $3, $4, $5, 'applied', $6)"
)
EFFECT = "INSERT INTO probe_effects (event_id, territory, seq) VALUES ($1, $2, $3)"


async def apply_batch_by_hand(pool: asyncpg.Pool, group: str, records: Sequence[Any], *, effects: bool) -> int:
    """Decode, then one transaction: inbox lookup, inbox rows and (with `effects`) probe effect rows."""
    decoded: list[tuple[Any, Any, Any]] = [(r, *decode_event(r.key, r.value, r.headers)) for r in records]
    async with pool.acquire() as conn, conn.transaction():
        seen = {row[0] for row in await conn.fetch(SEEN, group, [envelope.id for _, envelope, _ in decoded])}
        fresh = [item for item in decoded if item[1].id not in seen]
        inbox_rows = [
            (group, envelope.id, r.topic, r.partition, r.offset, hashlib.sha256(r.value).hexdigest()[:32])
            for r, envelope, _ in fresh
        ]
        await conn.executemany(INBOX_ROW, inbox_rows)
        if effects:
            effect_rows = [
                (envelope.id, payload.territory_id, int(payload.epci_name.rsplit(" ", 1)[-1]))
                for _, envelope, payload in fresh
            ]
            await conn.executemany(EFFECT, effect_rows)
    return len(fresh)
