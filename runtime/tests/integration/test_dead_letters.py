"""Dead letters can be listed and re-driven: once the cause is fixed, the event is applied, once."""

from __future__ import annotations

import pytest

from tdi_contracts.errors import REASONS, ErrorCode
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

    async def needs_territory(event, uow):
        if event.epci_name.endswith(" 1") and not territory_known["yes"]:
            raise DomainError(ErrorCode.UNKNOWN_TERRITORY, "(ti-6000)")
        await apply_probe(event, uow)

    consumer = probe_consumer(kit_pool, group, handler=needs_territory)
    await consumer.handle_batch(records, DetachedConsumer())
    producer = create_producer(bootstrap, "test")
    await producer.start()
    try:
        await Relay(kit_pool, producer, schema=kit_schema).drain()
    finally:
        await producer.stop()

    [letter] = await read_dead_letters(bootstrap, group)
    assert (letter.code, letter.reason) == ("UNKNOWN_TERRITORY", f"{REASONS[ErrorCode.UNKNOWN_TERRITORY]} (ti-6000)")
    assert (letter.source_topic, letter.source_offset) == (topic, records[1].offset)
    assert letter.event_type == PROBE_TYPE

    territory_known["yes"] = True  # the cause is fixed: the territory event has arrived
    assert await redrive(bootstrap, [letter]) == 1
    everything = await read_topic(bootstrap, topic, expect=4)
    await consumer.handle_batch(everything, DetachedConsumer())  # three redeliveries and the re-driven copy

    seqs = sorted(r["seq"] for r in await kit_pool.fetch("SELECT seq FROM probe_effects"))
    assert seqs == [0, 1, 2]
    assert dict(everything[3].headers)["tdi_redriven_from"] == str(letter.offset).encode()


async def test_a_dead_letter_keeps_the_contract_form_and_its_re_drive_applies_it_once_without_the_dropped_fields(
    platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    """Issue 22 #13: a field the contract does not know (here a contact's e-mail) is kept neither in the dead
    letter nor in what its re-drive sends; the partner's own later copy of the same record is still that event
    (answered as already applied), not a conflicting one. A record that could not be read is never re-driven."""
    import base64
    import json

    from tdi_runtime.dlq import redriven_headers

    bootstrap = platform_stack.bootstrap_servers
    topic, group = await new_topic(partitions=1), await new_group()
    key, value, headers = probe_event(6100, 1)
    with_email = json.dumps({**json.loads(value), "contact_email": "camille.martin@example.org"}).encode()
    await publish_records(bootstrap, topic, [(key, with_email, headers), (key, b"{not json", headers)])
    records = await read_topic(bootstrap, topic, expect=2)
    territory_known = {"yes": False}

    async def needs_territory(event, uow):
        if not territory_known["yes"]:
            raise DomainError(ErrorCode.UNKNOWN_TERRITORY, "(ti-6100)")
        await apply_probe(event, uow)

    consumer = probe_consumer(kit_pool, group, handler=needs_territory)
    await consumer.handle_batch(records, DetachedConsumer())
    producer = create_producer(bootstrap, "test")
    await producer.start()
    try:
        await Relay(kit_pool, producer, schema=kit_schema).drain()
    finally:
        await producer.stop()

    letters = await read_dead_letters(bootstrap, group)
    refused, unreadable = sorted(letters, key=lambda d: d.source_offset)
    assert (refused.code, refused.kept, refused.complete) == ("UNKNOWN_TERRITORY", "contract", True)
    assert b"camille" not in refused.value and json.loads(refused.value) == json.loads(value)
    assert (unreadable.code, unreadable.kept, unreadable.complete, unreadable.value) == (
        "MALFORMED_JSON",
        "none",
        False,
        b"",
    )
    body = json.loads((await read_topic(bootstrap, f"tdi.dlq.{group}.v1", expect=2))[0].value)
    assert b"camille" not in base64.b64decode(body["original_value_base64"])

    territory_known["yes"] = True
    assert await redrive(bootstrap, letters) == 1  # the unreadable one is listed, never re-driven
    await publish_records(bootstrap, topic, [(key, with_email, headers)])  # the partner re-sends it too
    everything = await read_topic(bootstrap, topic, expect=4)
    redriven = everything[2]
    assert b"camille" not in redriven.value
    assert dict(redriven.headers)["tdi_redriven_sha256"] == body_sha(with_email)
    assert [n for n, _ in redriven.headers] == [n for n, _ in redriven_headers(refused)]
    await consumer.handle_batch(everything, DetachedConsumer())

    assert [r["seq"] for r in await kit_pool.fetch("SELECT seq FROM probe_effects")] == [1]
    letters_written = await kit_pool.fetchval("SELECT count(*) FROM outbox WHERE topic = $1", f"tdi.dlq.{group}.v1")
    assert letters_written == 2, "the partner's own copy is the same event, already applied: no new dead letter"


def body_sha(value: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(value).hexdigest().encode()
