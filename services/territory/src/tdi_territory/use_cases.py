"""The use cases of the territory service: each is ONE transaction writing the new state and its events.

A use case changes rows through the store, records the facts it establishes (`Changes.events`) and the
territories it touched; on commit every touched territory gets its next revision on the reference topic,
and a territory whose label was never announced (one added after the first start) is announced then.
"""

import contextlib
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from tdi_contracts.ids import REFERENCE_TERRITORY_ID_PATTERN
from tdi_runtime.db import Connection
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import Outbox
from tdi_territory import store
from tdi_territory.announcements import labelled, reference_updated
from tdi_territory.domain import Territory
from tdi_territory.domain_errors import unknown_territory

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
            await self.outbox.add(conn, [outgoing(p, PRODUCER) for p in check_platform_ids(payloads)])

    async def territory(self, changes: Changes, any_id: str) -> Territory:
        """The whole territory (platform or official id: the edge resolves both), locked for this transaction."""
        territory = await store.load_territory(changes.conn, any_id)
        if territory is None:
            raise unknown_territory(any_id)
        return territory


_PLATFORM_ID = re.compile(REFERENCE_TERRITORY_ID_PATTERN)


def check_platform_ids(payloads: Iterable[Any]) -> list[Any]:
    """One key per territory: every territory id an event carries is the platform id, never the official one."""
    payloads = list(payloads)
    for payload in payloads:
        ids = [getattr(payload, "territory_id", None), *getattr(payload, "shared_with", ())]
        wrong = [i for i in ids if i is not None and not _PLATFORM_ID.match(i)]
        if wrong:  # a use case forgot to resolve an id at the edge: a bug, refused before anything is written
            raise ValueError(f"{type(payload).__name__} carries {wrong}: events carry platform territory ids only")
    return payloads
