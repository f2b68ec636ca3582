"""Scenario 4, a use case: one transaction writing a state row and its outbox row vs the state row alone.

Several writers run concurrently (as HTTP requests would), each doing its share of sequential transactions,
each transaction on a connection taken from the pool. The outbox messages are built beforehand: this measures
what the outbox costs the database (the INSERT and its indexes, the second statement's round trip), not event encoding.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tdi_bench.measure import Stopwatch
from tdi_bench.workload import Workload
from tdi_contracts.topics import MAX_MESSAGE_BYTES
from tdi_runtime.outbox import CONTRACT_TOPICS, Outbox, OutgoingMessage

WRITERS = 8
STATE_TABLE = (
    "CREATE TABLE epci_membership (id bigserial PRIMARY KEY, territory text NOT NULL, epci_siren text NOT NULL,"
    " epci_name text NOT NULL, joined_on date NOT NULL DEFAULT current_date,"
    " updated_at timestamptz NOT NULL DEFAULT now())"
)
TOPIC = "tdi.bench.usecase.v1"  # never relayed: the rows stay in the outbox
STATE = "INSERT INTO epci_membership (territory, epci_siren, epci_name) VALUES ($1, $2, $3)"


class UseCaseScenario:
    key = "usecase"
    title = f"state + Outbox.add / state only, {WRITERS} writers"
    goal_ratio: float | None = 0.85
    min_rate: float | None = None

    def __init__(self, workload: Workload, records: int) -> None:
        self.w, self.records = workload, records
        self.messages: list[OutgoingMessage] = []
        # The bench's own topic, declared as tests declare theirs (the outbox refuses undeclared topics).
        self.outbox = Outbox(topics=CONTRACT_TOPICS.with_topics({TOPIC: MAX_MESSAGE_BYTES}))

    async def prepare(self) -> None:
        self.messages = [
            OutgoingMessage(TOPIC, k, v, tuple(h), dict(h)["ce_id"].decode())
            for k, v, h in self.w.events[: self.records]
        ]

    async def close(self) -> None:
        return None

    async def _run(self, records: int, watch: Stopwatch, *, with_outbox: bool) -> int:
        async with self.w.schema(max_size=WRITERS) as (_, pool):
            await pool.execute(STATE_TABLE)

            async def writer(share: list[OutgoingMessage]) -> None:
                for m in share:
                    async with pool.acquire() as conn, conn.transaction():
                        await conn.execute(STATE, m.key.decode() if m.key else "", "200067213", m.event_id)
                        if with_outbox:
                            await self.outbox.add(conn, [m])

            shares: list[Any] = [self.messages[i:records:WRITERS] for i in range(WRITERS)]
            watch.start()
            await asyncio.gather(*(writer(share) for share in shares))
            watch.stop()
            return int(await pool.fetchval("SELECT count(*) FROM epci_membership"))

    async def platform(self, records: int, watch: Stopwatch) -> int:
        return await self._run(records, watch, with_outbox=True)

    async def raw(self, records: int, watch: Stopwatch) -> int:
        return await self._run(records, watch, with_outbox=False)
