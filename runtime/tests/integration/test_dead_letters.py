"""Dead letters can be listed and re-driven: once the cause is fixed, the event is applied, once."""

from __future__ import annotations

import pytest

from tdi_runtime.dlq import read_dead_letters, redrive
from tdi_runtime.errors import DomainError
from tdi_runtime.kafka import create_producer
from tdi_runtime.relay import Relay
from tdi_runtime.testing import (
    PROBE_TYPE,
    DetachedConsumer,
    apply_probe,
    probe_consumer,
    probe_event,
    publish_records,
    read_topic,
)

pytestmark = pytest.mark.integration


async def test_a_dead_letter_is_listed_with_its_reason_and_once_re_driven_is_applied_exactly_once(
    platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    bootstrap = platform_stack.bootstrap_servers
    topic, group = await new_topic(partitions=1), await new_group()
    await publish_records(bootstrap, topic, [probe_event(6000, i) for i in range(3)])
    records = await read_topic(bootstrap, topic, expect=3)
    territory_known = {"yes": False}

    async def needs_territory(ctx):
        if ctx.payload.epci_name.endswith(" 1") and not territory_known["yes"]:
            raise DomainError("Le territoire ti-6000 est inconnu.", code="UNKNOWN_TERRITORY")
        await apply_probe(ctx)

    consumer = probe_consumer(kit_pool, group)
    consumer.handlers[PROBE_TYPE] = needs_territory
    await consumer.handle_batch(records, DetachedConsumer())
    producer = create_producer(bootstrap, "test")
    await producer.start()
    try:
        await Relay(kit_pool, producer, schema=kit_schema).drain()
    finally:
        await producer.stop()

    [letter] = await read_dead_letters(bootstrap, group)
    assert (letter.code, letter.reason) == ("UNKNOWN_TERRITORY", "Le territoire ti-6000 est inconnu.")
    assert (letter.source_topic, letter.source_offset) == (topic, records[1].offset)
    assert letter.event_type == PROBE_TYPE

    territory_known["yes"] = True  # the cause is fixed: the territory event has arrived
    assert await redrive(bootstrap, [letter]) == 1
    everything = await read_topic(bootstrap, topic, expect=4)
    await consumer.handle_batch(everything, DetachedConsumer())  # three redeliveries and the re-driven copy

    seqs = sorted(r["seq"] for r in await kit_pool.fetch("SELECT seq FROM probe_effects"))
    assert seqs == [0, 1, 2]
    assert dict(everything[3].headers)["tdi_redriven_from"] == str(letter.offset).encode()
