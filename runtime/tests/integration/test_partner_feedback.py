"""Partner ingress: every event a partner publishes gets exactly one answer on its feedback topic."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaProducer

from tdi_contracts.events.funding import FileApplication
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.kafka import create_producer, security_options
from tdi_runtime.outbox import Outbox
from tdi_runtime.partners import PartnerFeedback
from tdi_runtime.relay import Relay
from tdi_runtime.testing import TEST_TOPICS, DetachedConsumer, example_payload, read_topic, registry_of

pytestmark = pytest.mark.integration

FILE = "fr.territoires-industrie.funding.FileApplication.v1"
COMMIT = "fr.territoires-industrie.funding.CommitGrant.v1"


def command(model_name: str, producer: str, event_id: str, **overrides):
    from tdi_contracts.envelope import Envelope, encode_event, spec_for
    from tdi_contracts.events.funding import commands

    payload = example_payload(getattr(commands, model_name), **overrides)
    spec = spec_for(payload)
    envelope = Envelope.new(spec.type, spec.subject_of(payload), producer)
    envelope = envelope.model_copy(update={"id": event_id})
    return encode_event(envelope, payload)


async def test_each_partner_event_gets_exactly_one_answer_accepted_or_rejected_with_a_code(
    platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    from tdi_contracts.reference import Partner

    ingress, group = await new_topic(partitions=1), await new_group()
    feedback_topic = f"tdi.test.{uuid.uuid4().hex[:8]}.feedback.v1"
    from tdi_localstack.provisioning import create_topics

    await create_topics(platform_stack.bootstrap_servers, [(feedback_topic, 1, {})])
    application_id = uuid.uuid4()

    async def file_application(payload, uow):
        uow.resulted_in("application", application_id)

    feedback = PartnerFeedback(Partner.BPIFRANCE, allowed={FILE})
    feedback.topic = feedback_topic
    consumer = EventConsumer(
        service="funding",
        group=group,
        pool=kit_pool,
        outbox=Outbox(topics=TEST_TOPICS),
        registry=registry_of(FileApplication, file_application),
        feedback=feedback,
        strict=True,
    )

    good = command("FileApplication", "bpifrance", "BPI-1")
    key, value, headers = command("FileApplication", "bpifrance", "BPI-2")
    float_money = (key, json.dumps({**json.loads(value), "requested_cents": 1500.5}).encode(), headers)
    spoofed = command("FileApplication", "ademe", "BPI-3")
    not_allowed = command("CommitGrant", "bpifrance", "BPI-4")
    sent = [good, float_money, spoofed, not_allowed, good]  # the last one: the partner retried BPI-1

    producer = AIOKafkaProducer(bootstrap_servers=platform_stack.bootstrap_servers, acks="all", **security_options())
    await producer.start()
    try:
        for k, v, h in sent:
            await producer.send_and_wait(ingress, value=v, key=k, headers=h)
    finally:
        await producer.stop()
    records = await read_topic(platform_stack.bootstrap_servers, ingress, expect=len(sent))
    await consumer.handle_batch(records[:3], DetachedConsumer())
    await consumer.handle_batch(records, DetachedConsumer())  # a redelivery of the first three, then the rest

    relay_producer = create_producer(platform_stack.bootstrap_servers, "test")
    await relay_producer.start()
    try:
        await Relay(kit_pool, relay_producer, schema=kit_schema).drain()
    finally:
        await relay_producer.stop()
    answers = await read_topic(platform_stack.bootstrap_servers, feedback_topic, expect=len(sent))
    await asyncio.sleep(0)
    summary = [
        (a["partner_event_id"], a.get("code", "ACCEPTED"), [r["id"] for r in a.get("resulting_ids", [])])
        for a in (json.loads(r.value) for r in answers)
    ]
    print(f"\n[partner feedback] {summary}")
    assert summary == [
        ("BPI-1", "ACCEPTED", [str(application_id)]),
        ("BPI-2", "INVALID_PAYLOAD", []),
        ("BPI-3", "PRODUCER_MISMATCH", []),
        ("BPI-4", "COMMAND_NOT_ALLOWED", []),
        ("BPI-1", "ACCEPTED", [str(application_id)]),
    ]
    rejected = json.loads(answers[1].value)
    assert rejected["field_errors"][0]["path"] == "requested_cents"
    assert rejected["reason"].startswith("Le contenu du message ne respecte pas")


async def test_a_partner_sending_another_partners_source_and_event_id_gets_a_source_mismatch_not_its_answer(
    platform_stack, kit_pool, new_topic, new_group
):
    """Issue 22 #12: the source is checked before the inbox is asked, so ADEME cannot learn whether Bpifrance's
    event `BPI-1` exists (and never receives Bpifrance's resulting ids)."""
    from tdi_contracts.topics import partner_feedback_topic
    from tdi_runtime.partners import PartnerIngressFeedback

    bpifrance_topic, ademe_topic, group = (
        await new_topic(partitions=1),
        await new_topic(partitions=1),
        await new_group(),
    )
    feedback = PartnerIngressFeedback("funding")
    from tdi_contracts.reference import Partner

    feedback.by_topic = {
        bpifrance_topic: PartnerFeedback(Partner.BPIFRANCE, allowed={FILE}),
        ademe_topic: PartnerFeedback(Partner.ADEME, allowed={FILE}),
    }
    application_id = uuid.uuid4()

    async def file_application(payload, uow):
        uow.resulted_in("application", application_id)

    consumer = EventConsumer(
        service="funding",
        group=group,
        pool=kit_pool,
        outbox=Outbox(topics=TEST_TOPICS),
        registry=registry_of(FileApplication, file_application),
        feedback=feedback,
        strict=True,
    )
    from tdi_runtime.testing import publish_records

    def from_bpifrance_source(record):
        key, value, headers = record
        return key, value, [(n, b"/partners/bpifrance" if n == "ce_source" else v) for n, v in headers]

    bpifrance = from_bpifrance_source(command("FileApplication", "bpifrance", "BPI-1"))
    spoofed = from_bpifrance_source(command("FileApplication", "ademe", "BPI-1"))
    await publish_records(platform_stack.bootstrap_servers, bpifrance_topic, [bpifrance])
    await publish_records(platform_stack.bootstrap_servers, ademe_topic, [spoofed])
    await consumer.handle_batch(
        await read_topic(platform_stack.bootstrap_servers, bpifrance_topic, expect=1), DetachedConsumer()
    )
    await consumer.handle_batch(
        await read_topic(platform_stack.bootstrap_servers, ademe_topic, expect=1), DetachedConsumer()
    )

    rows = await kit_pool.fetch("SELECT topic, value FROM outbox ORDER BY id")
    to_ademe = [json.loads(r["value"]) for r in rows if r["topic"] == partner_feedback_topic("ademe")]
    print(f"\n[probe] ADEME's answers: {[(a['partner_event_id'], a.get('code', 'ACCEPTED')) for a in to_ademe]}")
    assert [(a["partner_event_id"], a.get("code", "ACCEPTED")) for a in to_ademe] == [("BPI-1", "SOURCE_MISMATCH")]
    assert "resulting_ids" not in to_ademe[0]
    applied = await kit_pool.fetch(
        "SELECT source, outcome FROM inbox WHERE consumer = $1 AND event_id = 'BPI-1'", group
    )
    assert [(r["source"], r["outcome"]) for r in applied] == [("/partners/bpifrance", "applied")]
