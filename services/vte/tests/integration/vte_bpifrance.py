"""Bpifrance played by an outside client: its commands encoded per the contracts, sent by plain aiokafka."""

from __future__ import annotations

import json
from typing import Any

from aiokafka import AIOKafkaProducer

from tdi_contracts.envelope import Envelope, encode_event, spec_for
from tdi_contracts.topics import partner_ingress_topic
from tdi_runtime.kafka import security_options

STAFF_TOKEN = "test-staff-token"
READER_TOKEN = "test-reader-token"
REGIONAL_44_TOKEN = "test-regional-44-token"
BPIFRANCE_VTE = partner_ingress_topic("bpifrance", "vte")


def bpifrance_record(
    payload: Any,
    *,
    producer: str = "bpifrance",
    extra: dict[str, Any] | None = None,
    candidate_extra: dict[str, Any] | None = None,
) -> tuple[str, bytes | None, bytes, Any]:
    """(event id, key, value, headers) of a command as Bpifrance publishes it; `extra` adds fields the
    contracts do not know (e.g. personal data sent anyway)."""
    spec = spec_for(payload)
    envelope = Envelope.new(spec.type, spec.subject_of(payload), producer)
    key, value, headers = encode_event(envelope, payload)
    if extra or candidate_extra:
        document = json.loads(value)
        document.update(extra or {})
        if candidate_extra:
            document["candidate"].update(candidate_extra)
        value = json.dumps(document).encode()
    return envelope.id, key, value, headers


async def publish_as_bpifrance(
    bootstrap: str, records: list[tuple[str, bytes | None, bytes, Any]], topic: str = BPIFRANCE_VTE
) -> None:
    """An outside client: a plain aiokafka producer, nothing of the platform's kit."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **security_options())
    await producer.start()
    try:
        for _, key, value, headers in records:
            await producer.send_and_wait(topic, value=value, key=key, headers=list(headers))
    finally:
        await producer.stop()
