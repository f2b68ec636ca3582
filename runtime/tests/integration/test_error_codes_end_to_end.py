"""A partner sees the code a service raised: the feedback, the dead letter's body and headers and
`dlq list --code` agree; every re-drive of a dead letter that fails again counts one more attempt."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_contracts.events.funding import FileApplication
from tdi_contracts.reference import Partner
from tdi_contracts.topics import dlq_topic
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.dlq import app as dlq_cli
from tdi_runtime.dlq import read_dead_letters, redrive, select
from tdi_runtime.errors import DomainError
from tdi_runtime.kafka import create_producer
from tdi_runtime.outbox import Outbox
from tdi_runtime.partners import PartnerFeedback
from tdi_runtime.relay import Relay
from tdi_runtime.testing import TEST_TOPICS, DetachedConsumer, example_payload, publish_records, read_topic, registry_of

pytestmark = pytest.mark.integration

FILE = "fr.territoires-industrie.funding.FileApplication.v1"


def command(event_id: str):
    from tdi_contracts.envelope import Envelope, encode_event, spec_for
    from tdi_contracts.events.funding import commands

    payload = example_payload(commands.FileApplication)
    spec = spec_for(payload)
    envelope = Envelope.new(spec.type, spec.subject_of(payload), "bpifrance").model_copy(update={"id": event_id})
    return encode_event(envelope, payload)


def undeclared() -> DomainError:
    """A refusal whose code was changed after it was built (no constructor allows one outside the contracts)."""
    error = DomainError(ErrorCode.DOMAIN_RULE_VIOLATED)
    error.code = "NOT_IN_THE_CONTRACTS"
    return error


async def refuse(payload, uow):
    refusals = {
        "BPI-RULE": DomainError(ErrorCode.DOMAIN_RULE_VIOLATED),
        "BPI-EPCI": DomainError(ErrorCode.EPCI_NOT_IN_TERRITORY, "(200067213)"),
        "BPI-UNDECLARED": undeclared(),
    }
    raise refusals[uow.cause.id]


async def drain(bootstrap, pool, schema):
    producer = create_producer(bootstrap, "test")
    await producer.start()
    try:
        await Relay(pool, producer, schema=schema).drain()
    finally:
        await producer.stop()


async def test_the_partner_the_dead_letter_and_dlq_list_show_the_code_the_service_raised(
    platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    bootstrap = platform_stack.bootstrap_servers
    ingress, group, feedback_topic = await new_topic(partitions=1), await new_group(), await new_topic(partitions=1)
    feedback = PartnerFeedback(Partner.BPIFRANCE, allowed={FILE})
    feedback.topic = feedback_topic
    consumer = EventConsumer(
        service="funding",
        group=group,
        pool=kit_pool,
        outbox=Outbox(topics=TEST_TOPICS),
        registry=registry_of(FileApplication, refuse),
        feedback=feedback,
        strict=True,
    )
    ids = ["BPI-RULE", "BPI-EPCI", "BPI-UNDECLARED"]
    await publish_records(bootstrap, ingress, [command(i) for i in ids])
    await consumer.handle_batch(await read_topic(bootstrap, ingress, expect=3), DetachedConsumer())
    await drain(bootstrap, kit_pool, kit_schema)

    answers = {
        (a := json.loads(r.value))["partner_event_id"]: a for r in await read_topic(bootstrap, feedback_topic, expect=3)
    }
    letters = letters_by_event(await read_topic(bootstrap, dlq_topic(group), expect=3))
    expected = {
        "BPI-RULE": "DOMAIN_RULE_VIOLATED",
        "BPI-EPCI": "EPCI_NOT_IN_TERRITORY",
        "BPI-UNDECLARED": "INTERNAL_ERROR",
    }
    seen = {}
    for event_id in ids:
        body, headers = json.loads(letters[event_id].value), dict(letters[event_id].headers)
        seen[event_id] = (answers[event_id]["code"], body["code"], headers["tdi_dlq_code"].decode())
    assert seen == {i: (c, c, c) for i, c in expected.items()}
    assert answers["BPI-EPCI"]["reason"] == f"{REASONS[ErrorCode.EPCI_NOT_IN_TERRITORY]} (200067213)"

    args = ["list", group, "--code", "EPCI_NOT_IN_TERRITORY", "--bootstrap", bootstrap]
    listed = await asyncio.to_thread(CliRunner().invoke, dlq_cli, args)  # the CLI runs its own event loop
    assert listed.exit_code == 0, listed.output
    assert "BPI-EPCI" in listed.output and "BPI-RULE" not in listed.output
    dead = await read_dead_letters(bootstrap, group)
    assert [d.event_id for d in select(dead, code="EPCI_NOT_IN_TERRITORY")] == ["BPI-EPCI"]


def letters_by_event(records):
    """Dead-letter records by the id of the event they set aside (its ce_id among the copied headers)."""
    out = {}
    for r in records:
        body = json.loads(r.value)
        out[next(h["value"] for h in body["original_headers"] if h["name"] == "ce_id")] = r
    return out


async def test_each_re_drive_that_fails_again_counts_one_more_attempt(
    platform_stack, kit_pool, kit_schema, new_topic, new_group
):
    bootstrap = platform_stack.bootstrap_servers
    ingress, group = await new_topic(partitions=1), await new_group()
    consumer = EventConsumer(
        service="funding",
        group=group,
        pool=kit_pool,
        outbox=Outbox(topics=TEST_TOPICS),
        registry=registry_of(FileApplication, refuse),
    )
    await publish_records(bootstrap, ingress, [command("BPI-RULE")])
    attempts = []
    for round_ in range(1, 4):  # the cause is never fixed: each re-drive fails again
        latest = (await read_topic(bootstrap, ingress, expect=round_))[-1:]  # the record, then each re-drive
        await consumer.handle_batch(latest, DetachedConsumer())
        await drain(bootstrap, kit_pool, kit_schema)
        letters = await read_dead_letters(bootstrap, group)
        assert len(letters) == round_
        attempts.append(letters[-1].attempts)
        headers = dict((await read_topic(bootstrap, dlq_topic(group), expect=round_))[-1].headers)
        assert headers["tdi_dlq_attempts"] == str(letters[-1].attempts).encode()
        await redrive(bootstrap, letters[-1:])
    assert attempts == [1, 2, 3]
