"""A consumer batch is one unit of work: its handlers' prefetch warms the repositories once for the batch's new
commands, handlers read from the identity map, every write is flushed at the end; in careful mode (one savepoint
per event) no prefetch runs and each handler reads for itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.territory import EpciJoined
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline import Caller, Registry, Repository, UnitOfWork
from tdi_runtime.testing import TEST_TOPICS, DetachedConsumer, probe_event, publish_records, read_topic

pytestmark = pytest.mark.integration


@dataclass
class Statements:
    loads: list[list[str]] = field(default_factory=list)
    saves: list[int] = field(default_factory=list)
    prefetched: list[int] = field(default_factory=list)
    handled: list[tuple[int, bool, str]] = field(default_factory=list)


class EffectCounts(Repository[str, int]):
    """A read-only lookup: how many effects a territory has, as the batch started."""

    def __init__(self, conn: Connection, seen: Statements) -> None:
        super().__init__(conn)
        self.seen = seen

    async def _load_many(self, keys: list[str]) -> dict[str, int]:
        self.seen.loads.append(keys)
        rows = await self.conn.fetch(
            "SELECT territory, count(*) AS n FROM probe_effects WHERE territory = ANY($1::text[]) GROUP BY 1", keys
        )
        return {r["territory"]: r["n"] for r in rows}


class Effects(Repository[str, tuple[str, str, int]]):
    """The probe's effects, one row per applied event, written at the flush."""

    def __init__(self, conn: Connection, seen: Statements) -> None:
        super().__init__(conn)
        self.seen = seen

    def _key_of(self, aggregate: tuple[str, str, int]) -> str:
        return aggregate[0]

    async def _save_many(self, aggregates: list[tuple[str, str, int]]) -> None:
        self.seen.saves.append(len(aggregates))
        await self.conn.executemany(
            "INSERT INTO probe_effects (event_id, territory, seq) VALUES ($1, $2, $3)", aggregates
        )


class ProbeUnitOfWork(UnitOfWork):
    def __init__(self, conn: Connection, caller: Caller, seen: Statements) -> None:
        super().__init__(conn, caller, producer="probe")
        self.counts = EffectCounts(conn, seen)
        self.effects = Effects(conn, seen)


def probe_registry(seen: Statements, refuse_seq: int | None = None) -> Registry[ProbeUnitOfWork]:
    registry: Registry[ProbeUnitOfWork] = Registry()

    async def warm(events: Sequence[EpciJoined], uow: ProbeUnitOfWork) -> None:
        seen.prefetched.append(len(events))
        await uow.counts.get_many(e.territory_id for e in events)

    @registry.handles(EpciJoined, prefetch=warm)
    async def joined(event: EpciJoined, uow: ProbeUnitOfWork) -> None:
        seq = int(event.epci_name.rsplit(" ", 1)[-1])
        await uow.counts.get(event.territory_id)
        seen.handled.append((seq, bool(seen.prefetched), uow.caller.subject))
        if seq == refuse_seq:
            raise DomainError(ErrorCode.OUT_OF_ORDER, "L'EPCI n° 3 arrive avant son territoire.")
        assert uow.cause is not None
        uow.effects.add((uow.cause.id, event.territory_id, seq))

    return registry


def consumer(pool, group, seen: Statements, *, refuse_seq=None, prefetch=True) -> EventConsumer:
    return EventConsumer(
        service="probe",
        group=group,
        pool=pool,
        outbox=Outbox(topics=TEST_TOPICS),
        registry=probe_registry(seen, refuse_seq),
        unit_of_work=lambda conn, caller: ProbeUnitOfWork(conn, caller, seen),
        prefetch=prefetch,
    )


async def batch(platform_stack, new_topic, territories: list[int]):
    topic = await new_topic(partitions=1)
    events = [probe_event(t, i) for i, t in enumerate(territories)]
    await publish_records(platform_stack.bootstrap_servers, topic, events)
    return await read_topic(platform_stack.bootstrap_servers, topic, expect=len(events))


async def test_a_batch_is_prefetched_once_for_its_new_events_and_its_handlers_read_nothing_more(
    platform_stack, kit_pool, new_topic, new_group
):
    records = await batch(platform_stack, new_topic, [6100, 6101, 6100, 6102, 6101, 6100, 6102, 6103])
    seen = Statements()
    probe = consumer(kit_pool, await new_group(), seen)
    await probe.handle_batch(records[:5], DetachedConsumer())
    assert seen.prefetched == [5]
    assert seen.loads == [["ti-6100", "ti-6101", "ti-6102"]], "one read for the batch, sorted, each key once"
    assert [s for s, *_ in seen.handled] == [0, 1, 2, 3, 4] and seen.saves == [5], "one executemany at the end"
    assert {subject for *_, subject in seen.handled} == {"service:probe"}, "a domain topic: the service itself"
    await probe.handle_batch(records, DetachedConsumer())  # 5 already applied: the prefetch gets the 3 new ones
    assert seen.prefetched == [5, 3]
    assert seen.loads[1:] == [["ti-6100", "ti-6102", "ti-6103"]], "a unit of work per batch: read again"
    assert await kit_pool.fetchval("SELECT count(*) FROM probe_effects WHERE territory LIKE 'ti-610_'") == 8


async def test_in_careful_mode_no_prefetch_runs_handlers_read_for_themselves_and_the_rest_is_applied(
    platform_stack, kit_pool, new_topic, new_group
):
    records = await batch(platform_stack, new_topic, [6200, 6200, 6201, 6201, 6202, 6202])
    seen = Statements()
    await consumer(kit_pool, await new_group(), seen, refuse_seq=3).handle_batch(records, DetachedConsumer())
    fast, careful = seen.handled[:4], seen.handled[4:]
    assert seen.prefetched == [6], "the prefetch runs for the fast path only"
    assert [s for s, *_ in fast] == [0, 1, 2, 3] and [s for s, *_ in careful] == [0, 1, 2, 3, 4, 5]
    assert seen.loads[1:] == [["ti-6200"], ["ti-6200"], ["ti-6201"], ["ti-6201"], ["ti-6202"], ["ti-6202"]], (
        "event by event, each handler reads again what the events before it wrote"
    )
    assert seen.saves == [1, 1, 1, 1, 1], "each applied event flushed inside its savepoint"
    seqs = await kit_pool.fetch("SELECT seq FROM probe_effects WHERE territory LIKE 'ti-620_' ORDER BY seq")
    assert [r["seq"] for r in seqs] == [0, 1, 2, 4, 5]


async def test_with_the_prefetch_off_the_batch_still_reads_each_key_once_and_writes_once(
    platform_stack, kit_pool, new_topic, new_group
):
    records = await batch(platform_stack, new_topic, [6300, 6301, 6300])
    seen = Statements()
    await consumer(kit_pool, await new_group(), seen, prefetch=False).handle_batch(records, DetachedConsumer())
    assert seen.prefetched == [] and seen.loads == [["ti-6300"], ["ti-6301"]] and seen.saves == [3]
