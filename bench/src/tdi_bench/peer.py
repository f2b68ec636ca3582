"""Scenario 6, the peer a user would write instead: FastStream as its documentation teaches, against our path.

Our side is the exactly-once consume path of a service (`ConsumeScenario`'s FastStream batch subscriber and
kit `EventConsumer`) with a handler doing a service's work: one state row (`uow.defer`) and one outgoing
event (a new envelope in `uow.emitted`, written to the outbox), with the inbox row, all in one transaction per
batch, offsets committed after it. The peers are one `@broker.subscriber` per topic taking the payload as a
pydantic model (a plain `BaseModel` of the payload's fields: the contracts' own models are strict, and
refuse the JSON dict FastStream hands them), FastStream's default ack policy (offsets auto-committed, so an
event can be lost or applied twice), handled one message at a time: with no database at all, and with one
asyncpg `INSERT` per message from a pool. The same pre-produced topic, each run in a fresh consumer group.
"""

from __future__ import annotations

import asyncio
from datetime import date

from faststream.kafka import KafkaBroker
from pydantic import BaseModel

from tdi_bench.consume import TIMEOUT_S, ConsumeScenario
from tdi_bench.measure import Stopwatch
from tdi_bench.runner import Baseline
from tdi_contracts.events.territory import EpciJoined as ContractEpciJoined
from tdi_runtime.events import outgoing
from tdi_runtime.kafka import faststream_security, security_options
from tdi_runtime.pipeline.uow import UnitOfWork
from tdi_runtime.testing import ProbeHandler, apply_probe, unique_name

OUT_TOPIC = "tdi.bench.peer-out.v1"  # never relayed: the emitted rows stay in the outbox
PEER_INSERT = "INSERT INTO probe_effects (event_id, territory, seq) VALUES ($1, $2, $3)"
DB_PEER_SHARE = 0.2
"""The per-message INSERT peer reads a fifth of the records: it runs ~10x slower, and a rate needs no more."""


class EpciJoined(BaseModel):
    """The payload as a FastStream user declares it: field names and types, no contract rules."""

    territory_id: str
    epci_siren: str
    epci_name: str
    joined_on: date


async def decide_and_announce(event: ContractEpciJoined, uow: UnitOfWork) -> None:
    """A service's work on one event: a state row and an event announcing it, in the batch's transaction."""
    await apply_probe(event, uow)
    uow.emitted.append(outgoing(event, "territory", cause=uow.cause, topic=OUT_TOPIC))


class PeerScenario(ConsumeScenario):
    key = "peer"
    title = "ours (inbox + state + outbox, one tx per batch) / FastStream per-message handler, pydantic model"
    handler: ProbeHandler = staticmethod(decide_and_announce)

    def baselines(self) -> list[Baseline]:
        return [
            Baseline("peer", f"{self.title}, no database", self.peer_without_db),
            Baseline("peer-db", f"{self.title}, one INSERT per message", self.peer_with_insert, share=DB_PEER_SHARE),
        ]

    async def peer_without_db(self, records: int, watch: Stopwatch) -> int:
        return await self._peer(records, watch, insert=False)

    async def peer_with_insert(self, records: int, watch: Stopwatch) -> int:
        return await self._peer(records, watch, insert=True)

    async def _peer(self, records: int, watch: Stopwatch, *, insert: bool) -> int:
        """What FastStream's getting-started page teaches, plus a pool for the INSERT variant."""
        broker = KafkaBroker(self.w.bootstrap, security=faststream_security(security_options()))
        handled, done, pool = 0, asyncio.Event(), self.pool

        @broker.subscriber(self.topic, group_id=unique_name("bench-peer-"), auto_offset_reset="earliest")
        async def on_epci_joined(body: EpciJoined) -> None:
            nonlocal handled
            watch.start()
            if insert:
                await pool.execute(PEER_INSERT, body.epci_name, body.territory_id, handled)
            handled += 1
            if handled >= records:
                watch.stop()
                done.set()

        await broker.start()
        try:
            await asyncio.wait_for(done.wait(), TIMEOUT_S)
        finally:
            await broker.stop()
        return handled
