"""Bpifrance's records on its VTE ingress topic and the vte-like consumer that answers them, for the kit's unit
tests (in memory: memory_db)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

from memory_db import MemoryPool, outbox_rows

from tdi_contracts.envelope import Envelope, encode_event, spec_for
from tdi_contracts.events.vte import RecordVteContractV2
from tdi_contracts.topics import dlq_topic, partner_feedback_topic, partner_ingress_topic
from tdi_runtime.consumer import EventConsumer
from tdi_runtime.outbox import Outbox
from tdi_runtime.partners import PartnerIngressFeedback
from tdi_runtime.pipeline import Registry, UnitOfWork
from tdi_runtime.testing import TEST_TOPICS, example_payload

VTE_INGRESS = partner_ingress_topic("bpifrance", "vte")
FEEDBACK = partner_feedback_topic("bpifrance")
GROUP = "tdi-vte"
FLOW = "BPI-FLOW-9"


def record_of(payload: Any, offset: int, event_id: str = "BPI-EVT-1", producer: str = "bpifrance") -> SimpleNamespace:
    """A consumed record of `payload` as Bpifrance publishes it (correlation id FLOW)."""
    spec = spec_for(payload)
    envelope = Envelope.new(spec.type, spec.subject_of(payload), producer)
    update = {"id": event_id, "source": "/partners/bpifrance", "correlation_id": FLOW, "causation_id": event_id}
    key, value, headers = encode_event(envelope.model_copy(update=update), payload)
    return SimpleNamespace(topic=VTE_INGRESS, partition=1, offset=offset, key=key, value=value, headers=headers)


def contract_record(offset: int, event_id: str = "BPI-EVT-1", **overrides: Any) -> SimpleNamespace:
    return record_of(example_payload(RecordVteContractV2, **overrides), offset, event_id)


def vte_consumer(
    pool: MemoryPool, handler: Callable[[RecordVteContractV2, UnitOfWork], Awaitable[None]] | None = None
) -> EventConsumer:
    """A consumer of Bpifrance's VTE ingress topic that applies RecordVteContract.v2 with `handler`."""
    registry: Registry[UnitOfWork] = Registry()

    @registry.handles(RecordVteContractV2)
    async def record_contract(command: RecordVteContractV2, uow: UnitOfWork) -> None:
        if handler is not None:
            await handler(command, uow)

    return EventConsumer(
        service="vte",
        group=GROUP,
        pool=pool,  # type: ignore[arg-type]
        outbox=Outbox(topics=TEST_TOPICS),
        registry=registry,
        feedback=PartnerIngressFeedback("vte"),
        strict=True,
    )


def answers(pool: MemoryPool) -> list[dict[str, Any]]:
    """The feedback answers the batch wrote, each with its headers under `_headers`."""
    return [
        {**json.loads(value), "_headers": headers}
        for topic, _, value, headers in outbox_rows(pool.conn)
        if topic == FEEDBACK
    ]


def dead_letters(pool: MemoryPool) -> list[dict[str, Any]]:
    """The dead letters the batch wrote, each with its headers under `_headers`."""
    return [
        {**json.loads(value), "_headers": headers}
        for topic, _, value, headers in outbox_rows(pool.conn)
        if topic == dlq_topic(GROUP)
    ]
