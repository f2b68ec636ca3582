"""The partners' side of the stream: publish commands with the partner SDK, raw poison records, read answers."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiokafka import AIOKafkaProducer

from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected
from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_feedback_topic
from tdi_contracts.wire import decode_event
from tdi_localstack.faults.ledger import Ledger, PartnerEvent
from tdi_partner.client import Credentials, publish
from tdi_partner.commands import Command, validate

T = TypeVar("T")


def commands(partner: Partner, type_: str, payloads: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Command]]:
    """(ref, command) of valid payloads; a payload the contracts refuse is a defect of the stream."""
    out = []
    for n, (ref, payload) in enumerate(payloads, start=1):
        command = validate(partner, n, type_, payload)
        if not command.valid:
            raise ValueError(f"stream payload refused by the contracts: {command.errors}")
        out.append((ref, command))
    return out


def send(ledger: Ledger, bootstrap: str, partner: Partner, batch: list[tuple[str, Command]]) -> None:
    for ref, command in batch:
        event = ledger.partner_events.setdefault(
            command.event_id, PartnerEvent(command.event_id, partner.value, command.type, ref)
        )
        event.sends += 1
    asyncio.run(_again(publish, partner, Credentials(bootstrap), [c for _, c in batch]))


async def _again(call: Callable[..., Awaitable[T]], *args: Any, timeout_s: float = 240.0) -> T:
    """Partners keep trying while the broker is away, as a partner would: a batch half-acknowledged before a
    crash is re-sent whole, and the inbox drops the copies (answered again, the checker takes the last answer)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return await call(*args)
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def send_poison(ledger: Ledger, bootstrap: str, topic: str, n: int, source: str, producer: str) -> None:
    """`n` records a consumer cannot apply: CloudEvents headers of a real type, a body that is not JSON."""

    async def _send() -> None:
        kafka = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
        await kafka.start()
        try:
            for _ in range(n):
                event_id = f"poison-{ledger.tag}-{uuid.uuid4()}"
                headers = [
                    ("ce_id", event_id.encode()),
                    ("ce_source", source.encode()),
                    ("ce_type", b"fr.territoires-industrie.funding.FileApplication.v1"),
                    ("ce_specversion", b"1.0"),
                    ("ce_time", b"2024-03-01T10:00:00Z"),
                    ("ce_subject", event_id.encode()),
                    ("content-type", b"application/json"),
                    ("ce_correlationid", event_id.encode()),
                    ("ce_causationid", event_id.encode()),
                    ("ce_schemaversion", b"1"),
                    ("ce_producer", producer.encode()),
                ]
                await kafka.send_and_wait(topic, b"{not json \xff", key=event_id.encode(), headers=headers)
                ledger.poison[event_id] = topic
        finally:
            await kafka.stop()

    asyncio.run(_send())


async def _read_answers(bootstrap: str, partners: set[str]) -> dict[str, list[Any]]:
    from tdi_runtime.kafka import read_to_end

    found: dict[str, list[Any]] = {}
    for partner in partners:
        for record in await read_to_end(bootstrap, partner_feedback_topic(partner)):
            try:
                _, payload = decode_event(record.key, record.value, record.headers)
            except Exception:  # noqa: S112 - not an answer: the checker counts those
                continue
            if isinstance(payload, PartnerEventAccepted | PartnerEventRejected):
                found.setdefault(payload.partner_event_id, []).append(payload)
    return found


def await_answers(ledger: Ledger, bootstrap: str, event_ids: set[str], timeout_s: float = 600.0) -> None:
    """Wait until each of `event_ids` has an answer at least as recent as its last send; record the last one."""
    deadline = time.monotonic() + timeout_s
    partners = {ledger.partner_events[e].partner for e in event_ids}
    while True:
        found = asyncio.run(_again(_read_answers, bootstrap, partners))
        missing = {e for e in event_ids if len(found.get(e, [])) < _expected_answers(ledger, e)}
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    for event_id in event_ids - missing:
        last, event = found[event_id][-1], ledger.partner_events[event_id]
        if event.accepted is None or not event.accepted:
            ledger.count_applied(isinstance(last, PartnerEventAccepted))
        event.accepted = isinstance(last, PartnerEventAccepted)
        if event.accepted:
            event.resulting = tuple(f"{r.kind}:{r.id}" for r in last.resulting_ids)
    if missing:
        raise TimeoutError(
            f"{len(missing)} partner events unanswered after {timeout_s:.0f}s, e.g. {sorted(missing)[:3]}"
        )


def _expected_answers(ledger: Ledger, event_id: str) -> int:
    """A re-send of an event already applied is answered again; a redelivery by Kafka is not: one per send."""
    return ledger.partner_events[event_id].sends


def resulting(ledger: Ledger, event_id: str, kind: str) -> str | None:
    event = ledger.partner_events[event_id]
    return next((r.split(":", 1)[1] for r in event.resulting if r.startswith(kind + ":")), None)
