"""A consumer's `prepare` hook: read once per batch in its transaction, seen by every handler on the fast
path, and never in careful mode (one savepoint per event), where handlers read for themselves."""

from __future__ import annotations

import pytest

from tdi_runtime.errors import DomainError
from tdi_runtime.testing import PROBE_TYPE, DetachedConsumer, apply_probe, probe_consumer, probe_event, read_topic

pytestmark = pytest.mark.integration


async def batch_of(platform_stack, topic, territory, n):
    from tdi_runtime.testing import publish_records

    await publish_records(platform_stack.bootstrap_servers, topic, [probe_event(territory, i) for i in range(n)])
    return await read_topic(platform_stack.bootstrap_servers, topic, expect=n)


def recording_consumer(pool, group, seen, calls, *, refuse_seq=None):
    """A probe consumer whose hook counts its events (in the batch's transaction) and whose handler notes
    `ctx.batch` per event; `refuse_seq` rejects one event, which sends the batch to careful mode."""

    async def prepare(conn, deliveries):
        calls.append(len(deliveries))
        return {"events": len(deliveries), "in_transaction": conn.is_in_transaction()}

    async def handler(ctx):
        seq = int(ctx.payload.epci_name.rsplit(" ", 1)[-1])
        seen.append((seq, ctx.batch))
        await apply_probe(ctx)
        if seq == refuse_seq:
            raise DomainError("L'EPCI n° 3 arrive avant son territoire.", code="OUT_OF_ORDER")

    consumer = probe_consumer(pool, group, prepare=prepare)
    consumer.handlers[PROBE_TYPE] = handler
    return consumer


async def recorded_run(platform_stack, kit_pool, new_topic, new_group, territory, n, **kw):
    """`n` records on a topic of their own and a recording consumer: (records, consumer, seen, calls)."""
    topic, group = await new_topic(partitions=1), await new_group()
    records = await batch_of(platform_stack, topic, territory, n)
    seen: list = []
    calls: list[int] = []
    return records, recording_consumer(kit_pool, group, seen, calls, **kw), seen, calls


async def test_every_handler_of_a_batch_sees_what_the_hook_read_once_for_its_new_events(
    platform_stack, kit_pool, new_topic, new_group
):
    records, consumer, seen, calls = await recorded_run(platform_stack, kit_pool, new_topic, new_group, 5100, 8)
    await consumer.handle_batch(records[:5], DetachedConsumer())
    assert calls == [5]
    assert [s for s, _ in seen] == [0, 1, 2, 3, 4]
    assert all(batch == {"events": 5, "in_transaction": True} for _, batch in seen)
    seen.clear()
    await consumer.handle_batch(records, DetachedConsumer())  # 5 already applied: the hook gets the 3 new ones
    assert calls == [5, 3]
    assert [s for s, _ in seen] == [5, 6, 7]
    assert await kit_pool.fetchval("SELECT count(*) FROM probe_effects") == 8


async def test_in_careful_mode_handlers_see_no_prepared_batch_and_the_rest_of_the_batch_is_applied(
    platform_stack, kit_pool, new_topic, new_group
):
    records, consumer, seen, calls = await recorded_run(
        platform_stack, kit_pool, new_topic, new_group, 5101, 6, refuse_seq=3
    )
    await consumer.handle_batch(records, DetachedConsumer())
    fast, careful = seen[:4], seen[4:]
    assert calls == [6], "the hook runs for the fast path only"
    assert all(batch is not None for _, batch in fast)
    assert [s for s, _ in careful] == [0, 1, 2, 3, 4, 5]
    assert all(batch is None for _, batch in careful)
    seqs = sorted(r["seq"] for r in await kit_pool.fetch("SELECT seq FROM probe_effects"))
    assert seqs == [0, 1, 2, 4, 5]


async def test_a_consumer_without_a_hook_gives_handlers_no_batch(platform_stack, kit_pool, new_topic, new_group):
    topic, group = await new_topic(partitions=1), await new_group()
    records = await batch_of(platform_stack, topic, 5102, 3)
    seen: list = []

    async def handler(ctx):
        seen.append(ctx.batch)
        await apply_probe(ctx)

    consumer = probe_consumer(kit_pool, group)
    consumer.handlers[PROBE_TYPE] = handler
    await consumer.handle_batch(records, DetachedConsumer())
    assert seen == [None, None, None]
