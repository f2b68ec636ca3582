"""A partner publishes a file with the CLI and follows the platform's answers: accepted, rejected, missing."""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest
from typer.testing import CliRunner

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.funding import FileApplication
from tdi_contracts.reference import Partner
from tdi_localstack.provisioning import create_topics
from tdi_partner import cli, client
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.kafka import create_producer
from tdi_runtime.outbox import Outbox
from tdi_runtime.partners import PartnerFeedback
from tdi_runtime.relay import Relay
from tdi_runtime.testing import TEST_TOPICS, DetachedConsumer, example_payload, read_topic, registry_of

pytestmark = pytest.mark.integration

FILE = "fr.territoires-industrie.funding.FileApplication.v1"


def application(reference: str, territory: str = "tdi-44-grand-reims") -> dict:
    payload = json.loads(example_payload(FileApplication).model_dump_json())
    return {**payload, "partner_reference": reference, "territory_id": territory}


async def test_a_partner_publishes_a_file_and_follow_summarises_accepted_and_rejected(
    platform_stack, platform_schema, platform_group, tmp_path, monkeypatch
):
    kit_schema, kit_pool = platform_schema
    ingress, feedback_topic = (f"tdi.test.{uuid.uuid4().hex[:8]}.{kind}.v1" for kind in ("ingress", "feedback"))
    await create_topics(platform_stack.bootstrap_servers, [(ingress, 1, {}), (feedback_topic, 1, {})])
    monkeypatch.setattr(client, "partner_ingress_topic", lambda partner, service: ingress)
    monkeypatch.setattr(client, "partner_feedback_topic", lambda partner: feedback_topic)

    async def file_application(payload, uow):  # the platform's side: refuses one territory, accepts the others
        if payload.territory_id == "tdi-11-unknown":
            from tdi_runtime.errors import DomainError

            raise DomainError(ErrorCode.UNKNOWN_TERRITORY)
        uow.resulted_in("application", uuid.uuid5(uuid.NAMESPACE_URL, payload.partner_reference))

    feedback = PartnerFeedback(Partner.ADEME, allowed={FILE})
    feedback.topic = feedback_topic
    platform = EventConsumer(
        service="funding", group=platform_group, pool=kit_pool, outbox=Outbox(topics=TEST_TOPICS),
        registry=registry_of(FileApplication, file_application), feedback=feedback, strict=True,
    )  # fmt: skip

    lines = [application("ADEME-1"), application("ADEME-2", "tdi-11-unknown"), {"partner_reference": "ADEME-3"}]
    source = tmp_path / "dossiers.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    sent_log = tmp_path / "sent.jsonl"
    common = ["--partner", "ademe", "--bootstrap", platform_stack.bootstrap_servers, "--sent-log", str(sent_log)]
    if user := os.environ.get("KAFKA_SASL_USERNAME"):  # a secure session: the test's throw-away topics are admin's
        common += ["--username", user, "--password", os.environ["KAFKA_SASL_PASSWORD"]]
    runner = CliRunner()

    def run(*args: str):  # the CLI runs its own event loop: in a thread, beside the test's
        return asyncio.to_thread(runner.invoke, cli.app, list(args))

    refused = await run("publish", str(source), "--type", FILE, *common)
    assert refused.exit_code == 1 and "ligne(s) refusée(s)" in refused.output  # line 3 lacks fields: nothing sent
    sent = await run("publish", str(source), "--type", FILE, "--skip-invalid", *common)
    assert sent.exit_code == 0, sent.output
    assert "2 commande(s) envoyée(s)" in sent.output

    records = await read_topic(platform_stack.bootstrap_servers, ingress, expect=2)
    await platform.handle_batch(records, DetachedConsumer())
    producer = create_producer(platform_stack.bootstrap_servers, "test")
    await producer.start()
    try:
        await Relay(kit_pool, producer, schema=kit_schema).drain()
    finally:
        await producer.stop()

    answered = await read_topic(platform_stack.bootstrap_servers, feedback_topic, expect=2, timeout=20)
    assert len(answered) == 2
    followed = await run("follow", *common, "--timeout", "20")
    print(f"\n[tdi-partner follow]\n{followed.output}")
    assert followed.exit_code == 1  # one refusal
    assert "Acceptées : 1   Refusées : 1   Sans réponse : 0" in followed.output
    assert "UNKNOWN_TERRITORY" in followed.output
