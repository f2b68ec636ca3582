"""The idempotent consumer against the real broker and database: once, dead letters, retries, feedback."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import random

import pytest
from faststream.kafka import KafkaBroker

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.kafka import create_producer, faststream_security, security_options
from tdi_runtime.relay import Relay
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.subscription import ConsumerSpec, subscribe
from tdi_runtime.testing import (
    DetachedConsumer,
    apply_probe,
    probe_consumer,
    probe_event,
    publish_records,
    read_topic,
)

pytestmark = pytest.mark.integration


def malformed(i: int):
    """Ten ways a partner gets it wrong, cycled."""
    key, value, headers = probe_event(3000 + i % 7, i)
    body = json.loads(value)
    kinds = [
        lambda: (key, b"{not json", headers),
        lambda: (key, value, [h for h in headers if h[0] != "ce_type"]),
        lambda: (
            key,
            value,
            [(k, b"fr.territoires-industrie.nope.Unknown.v1" if k == "ce_type" else v) for k, v in headers],
        ),
        lambda: (key, json.dumps({**body, "epci_siren": 123.5}).encode(), headers),
        lambda: (key, json.dumps({**body, "territory_id": "Reims"}).encode(), headers),
        lambda: (key, json.dumps({k: v for k, v in body.items() if k != "joined_on"}).encode(), headers),
        lambda: (b"ti-1", value, headers),
        lambda: (key, json.dumps({**body, "epci_name": "x" * 5000}).encode(), headers),
        lambda: (key, b"", headers),
        lambda: (key, value, [(k, b"not-a-date" if k == "ce_time" else v) for k, v in headers]),
    ]
    return kinds[i % len(kinds)]()


async def run_subscriber(bootstrap, pool, group, topic, until, **consumer_kwargs):
    """The service wiring (FastStream batch subscriber, manual offsets) until `until()` holds."""
    settings = ServiceSettings.for_service("probe", consumer_batch_max=200, commit_interval_s=0.2)
    consumer = probe_consumer(pool, group, **consumer_kwargs)
    broker = KafkaBroker(bootstrap, security=faststream_security(security_options()))
    subscribe(broker, ConsumerSpec(group, [topic], registry=consumer.registry), consumer, settings)
    producer = create_producer(bootstrap, "test-relay")
    await producer.start()
    relay = Relay(pool, producer, schema=await pool.fetchval("SELECT current_schema()"), poll_interval_s=0.1)
    relaying = asyncio.create_task(relay.run())
    consumer.committer.start()
    try:
        async with broker:
            await broker.start()
            for _ in range(1200):  # a bound to fail rather than hang; the loop ends when all are handled
                if await until():
                    break
                await asyncio.sleep(0.1)
            await consumer.committer.close()
        relay.stop()  # publishes what is pending, then returns (a drain() beside it could claim no shard)
        await asyncio.wait_for(relaying, 60)
    finally:
        relaying.cancel()
        await asyncio.gather(relaying, return_exceptions=True)
        await producer.stop()
    return consumer


async def test_one_percent_malformed_events_are_dead_lettered_with_their_reason_and_no_healthy_event_is_skipped(
    platform_stack, kit_pool, new_topic, new_group
):
    from tdi_contracts.topics import dlq_topic

    topic, group = await new_topic(), await new_group()
    rng = random.Random(1)
    bad_positions = set(rng.sample(range(2000), 20))
    records = [malformed(i) if i in bad_positions else probe_event(3000 + i % 7, i) for i in range(2000)]
    await publish_records(platform_stack.bootstrap_servers, topic, records)

    async def all_handled():
        return await kit_pool.fetchval("SELECT count(*) FROM inbox") >= 2000

    await run_subscriber(platform_stack.bootstrap_servers, kit_pool, group, topic, all_handled)

    applied = {r["seq"] for r in await kit_pool.fetch("SELECT seq FROM probe_effects")}
    letters = await read_topic(platform_stack.bootstrap_servers, dlq_topic(group), expect=20)
    headers = [dict((k, v.decode()) for k, v in r.headers) for r in letters]
    print(
        f"\n[1% malformed] {len(applied)} applied, {len(letters)} dead-lettered of 2000; codes: "
        f"{sorted({h['tdi_dlq_code'] for h in headers})}"
    )
    assert applied == set(range(2000)) - bad_positions
    bodies = [json.loads(r.value) for r in letters]
    assert all(base64.b64decode(b["original_value_base64"]) == b"" for b in bodies)  # unreadable: none kept
    assert sorted(b["original_value_sha256"] for b in bodies) == sorted(
        hashlib.sha256(records[i][1]).hexdigest() for i in bad_positions
    )
    assert all(h["tdi_dlq_source_topic"] == topic and h["tdi_dlq_reason"] for h in headers)


async def fetched(bootstrap, topic, records):
    await publish_records(bootstrap, topic, records)
    return await read_topic(bootstrap, topic, expect=len(records))


async def test_a_redelivered_batch_is_applied_once(platform_stack, kit_pool, new_topic, new_group):
    topic, group = await new_topic(), await new_group()
    records = await fetched(platform_stack.bootstrap_servers, topic, [probe_event(4000, i) for i in range(50)])
    consumer = probe_consumer(kit_pool, group)
    for _ in range(3):
        await consumer.handle_batch(records, DetachedConsumer())
    assert await kit_pool.fetchval("SELECT count(*) FROM probe_effects") == 50


async def test_a_database_outage_is_retried_with_backoff_and_never_dead_lettered(
    platform_stack, kit_pool, new_topic, new_group
):
    topic, group = await new_topic(), await new_group()
    records = await fetched(platform_stack.bootstrap_servers, topic, [probe_event(4001, i) for i in range(20)])
    failures = {"left": 3}

    async def flaky(event, uow):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionRefusedError("database away")
        await apply_probe(event, uow)

    consumer = probe_consumer(kit_pool, group, handler=flaky)
    assert await consumer.handle_batch(records, DetachedConsumer()) is True
    assert await kit_pool.fetchval("SELECT count(*) FROM probe_effects") == 20
    assert await kit_pool.fetchval("SELECT count(*) FROM outbox") == 0, "nothing dead-lettered"


async def test_a_defect_in_the_kit_rewinds_the_batch_instead_of_skipping_it(
    platform_stack, kit_pool, new_topic, new_group
):
    topic, group = await new_topic(partitions=1), await new_group()
    records = await fetched(platform_stack.bootstrap_servers, topic, [probe_event(4002, i) for i in range(5)])
    consumer = probe_consumer(kit_pool, group)
    consumer.outbox = None  # a broken adapter: every batch fails outside any handler
    kafka = DetachedConsumer()
    assert await consumer.handle_batch(records, kafka) is False
    assert kafka.seeks == [(0, records[0].offset)]
    assert await kit_pool.fetchval("SELECT count(*) FROM inbox") == 0


async def test_a_handler_rejection_dead_letters_only_that_event_and_applies_the_rest_of_the_batch(
    platform_stack, kit_pool, new_topic, new_group
):
    from tdi_runtime.errors import DomainError

    topic, group = await new_topic(), await new_group()
    records = await fetched(platform_stack.bootstrap_servers, topic, [probe_event(4003, i) for i in range(30)])

    async def picky(event, uow):
        await apply_probe(event, uow)
        if event.epci_name.endswith(" 13"):
            raise DomainError(ErrorCode.OUT_OF_ORDER, "La fiche action n° 13 arrive avant sa création.")

    consumer = probe_consumer(kit_pool, group, handler=picky)
    await consumer.handle_batch(records, DetachedConsumer())
    seqs = sorted(r["seq"] for r in await kit_pool.fetch("SELECT seq FROM probe_effects"))
    assert seqs == [i for i in range(30) if i != 13], "the rejected event's own writes were rolled back"
    dlq = await kit_pool.fetch("SELECT header_keys, header_values FROM outbox")
    [headers] = [dict(zip(r["header_keys"], r["header_values"], strict=True)) for r in dlq]
    assert headers["tdi_dlq_code"] == b"OUT_OF_ORDER"
    assert (
        headers["tdi_dlq_reason"]
        == f"{REASONS[ErrorCode.OUT_OF_ORDER]} La fiche action n° 13 arrive avant sa création.".encode()
    )


async def test_metrics_count_applied_and_dead_lettered_events_and_time_each_batch(
    platform_stack, kit_pool, new_topic, new_group
):
    from tdi_runtime.metrics import Metrics

    topic, group = await new_topic(partitions=1), await new_group()
    records = await fetched(
        platform_stack.bootstrap_servers, topic, [probe_event(4004, i) for i in range(9)] + [malformed(0)]
    )
    metrics = Metrics("probe")
    await probe_consumer(kit_pool, group, metrics=metrics).handle_batch(records, DetachedConsumer())
    text = metrics.exposition().decode()
    assert f'tdi_events_consumed_total{{outcome="applied",service="probe",topic="{topic}"}} 9.0' in text
    assert f'tdi_events_dead_lettered_total{{code="MALFORMED_JSON",service="probe",topic="{topic}"}} 1.0' in text
    assert f'tdi_handler_batch_seconds_count{{service="probe",topic="{topic}"}} 1.0' in text


async def test_an_event_whose_emitted_record_could_never_be_published_is_dead_lettered_alone(
    platform_stack, kit_pool, new_topic, new_group
):
    from tdi_runtime.outbox import OutgoingMessage

    topic, group = await new_topic(), await new_group()
    records = await fetched(platform_stack.bootstrap_servers, topic, [probe_event(4004, i) for i in range(10)])

    async def announcing(event, uow):
        await apply_probe(event, uow)
        size = 2_000_000 if event.epci_name.endswith(" 4") else 10  # over every topic's max.message.bytes
        uow.emitted.append(OutgoingMessage("tdi.territory.territory.v1", b"k", b"x" * size, (), f"out-{uow.cause.id}"))

    consumer = probe_consumer(kit_pool, group, handler=announcing)
    assert await consumer.handle_batch(records, DetachedConsumer()) is True  # not retried forever
    seqs = sorted(r["seq"] for r in await kit_pool.fetch("SELECT seq FROM probe_effects"))
    assert seqs == [i for i in range(10) if i != 4]
    rows = await kit_pool.fetch("SELECT topic, header_keys, header_values FROM outbox ORDER BY id")
    dead = [
        dict(zip(r["header_keys"], r["header_values"], strict=True)) for r in rows if r["topic"].startswith("tdi.dlq.")
    ]
    assert [d["tdi_dlq_code"] for d in dead] == [b"OUTBOX_RECORD_TOO_LARGE"]
    assert sum(1 for r in rows if r["topic"] == "tdi.territory.territory.v1") == 9


async def test_a_batch_that_emitted_events_wakes_the_relay_once_committed_and_a_silent_batch_does_not(
    platform_stack, kit_pool, new_topic, new_group
):
    from tdi_runtime.outbox import OutgoingMessage

    topic, group = await new_topic(), await new_group()
    records = await fetched(platform_stack.bootstrap_servers, topic, [probe_event(4005, i) for i in range(4)])
    woken: list[int] = []

    def wake() -> None:  # what the service passes: Relay.wake
        woken.append(len(woken))

    async def announcing(event, uow):
        await apply_probe(event, uow)
        if event.epci_name.endswith(("0", "1")):
            uow.emitted.append(OutgoingMessage("tdi.territory.territory.v1", b"k", b"x", (), f"out-{uow.cause.id}"))

    consumer = probe_consumer(kit_pool, group, handler=announcing, on_outbox=wake)
    assert await consumer.handle_batch(records[2:], DetachedConsumer()) is True  # emits nothing
    assert woken == []
    assert await consumer.handle_batch(records[:2], DetachedConsumer()) is True
    assert woken == [0]
    assert await kit_pool.fetchval("SELECT count(*) FROM outbox WHERE topic = 'tdi.territory.territory.v1'") == 2
