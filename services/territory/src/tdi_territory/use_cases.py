"""The use cases of the territory service: each is ONE transaction writing the new state and its events.

A use case changes rows through the store, records the facts it establishes (`Changes.events`) and the
territories it touched; on commit every touched territory gets its next revision on the reference topic,
and a territory whose label was never announced (one added after the first start) is announced then.
"""

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from tdi_runtime.db import Connection
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import Outbox
from tdi_territory import store
from tdi_territory.announcements import TerritoryState, labelled, reference_updated
from tdi_territory.domain import Territory, unknown_territory
from tdi_territory.reference.catalogue import ReferenceTerritory

PRODUCER = "territory"


@dataclass
class Changes:
    """What one transaction established: contract payloads, and the territories whose state changed."""

    conn: Connection
    events: list[Any] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)

    def touch(self, territory_id: str) -> None:
        if territory_id not in self.touched:
            self.touched.append(territory_id)


class UseCases:
    """Shared plumbing of the use cases: the pool, the outbox, one transaction per use case."""

    def __init__(self, pool: asyncpg.Pool, outbox: Outbox) -> None:
        self.pool = pool
        self.outbox = outbox

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Changes]:
        async with self.pool.acquire() as conn, conn.transaction():
            changes = Changes(conn)
            yield changes
            labels, references = [], []
            for territory_id in changes.touched:
                state = await store.next_state(conn, territory_id)
                references.append(reference_updated(state))
                if not await conn.fetchval("SELECT label_announced FROM territories WHERE id = $1", territory_id):
                    labels.append(labelled(state))  # a territory added after the first start (the 183rd)
                    await store.mark_label_announced(conn, territory_id)
            payloads = [*labels, *changes.events, *references]
            await self.outbox.add(conn, [outgoing(p, PRODUCER) for p in payloads])

    async def territory(self, changes: Changes, any_id: str) -> Territory:
        """The territory (platform or official id), locked for this transaction; 404 when unknown."""
        row = await store.find_territory(changes.conn, any_id, for_update=True)
        if row is None:
            raise unknown_territory(any_id)
        return Territory(row["id"], row["name"], tuple(row["departements"]), tuple(row["regions"]), False)

    async def publish_reference_if_empty(self, reference: Sequence[ReferenceTerritory]) -> int:
        """First start: every territory of the annex, announced on the reference topic; later starts: nothing."""
        async with self.pool.acquire() as conn, conn.transaction():
            # Replicas starting together: one publishes, the others wait here and then find the table filled.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':reference'))")
            if await store.territory_count(conn):
                return 0
            await store.insert_reference(conn, reference)
            now = datetime.now(UTC)
            states = [
                TerritoryState(t.id, t.official_id, t.name, t.departements, t.regions, True, 1, (), 0, (), now)
                for t in reference
            ]
            await conn.execute("UPDATE territories SET label_announced = true")
            announced = [labelled(s) for s in states] + [reference_updated(s) for s in states]
            await self.outbox.add(conn, [outgoing(p, PRODUCER) for p in announced])
            return len(states)
