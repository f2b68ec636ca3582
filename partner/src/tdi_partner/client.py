"""The partner's Kafka client: publish validated commands to its ingress topics, read its feedback topic.

Everything it needs is the contracts package and the partner's credentials: the topic of a command is
`tdi.partner.<partner>.<service>.v1` (the service that owns the command), the answers come on
`tdi.partner.<partner>.feedback.v1`, one per event id.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tdi_contracts.access import partner_group_prefix
from tdi_contracts.base import SPECS
from tdi_contracts.chain import event_hash
from tdi_contracts.envelope import Envelope, decode_event, encode_event
from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected
from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_feedback_topic, partner_ingress_topic
from tdi_partner.commands import Command


@dataclass(frozen=True)
class Credentials:
    """Where the platform's broker is and who the partner is on it: SASL/SCRAM when a username is given, TLS when
    a CA file or a TLS protocol is (the partners' listener of a deployed platform requires both: SASL_SSL)."""

    bootstrap_servers: str
    username: str | None = None
    password: str | None = None
    security_protocol: str | None = None
    """PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; by default SASL_ when a username is given, _SSL when a CA is."""
    ca_file: str | None = None
    """The CA (PEM) that signed the broker's certificate; without it, the system's trusted authorities."""

    @property
    def protocol(self) -> str:
        if self.security_protocol:
            return self.security_protocol
        return ("SASL_" if self.username else "") + ("SSL" if self.ca_file else "PLAINTEXT")

    def kafka_options(self) -> dict[str, Any]:
        protocol = self.protocol
        if self.username and not protocol.startswith("SASL_"):  # a user always logs in
            protocol = f"SASL_{protocol}"
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap_servers, "security_protocol": protocol}
        if protocol.endswith("SSL"):  # certificate and host name verified
            options["ssl_context"] = ssl.create_default_context(cafile=self.ca_file or None)
        if self.username:
            options |= {
                "sasl_mechanism": "SCRAM-SHA-512",
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password or "",
            }
        return options


def consumer_group(partner: Partner, purpose: str = "feedback") -> str:
    """The name of a consumer group the partner may use: `partner-<slug>.<purpose>` (the broker's ACLs allow the
    groups starting with `partner-<slug>.` only). `answers` reads without a group; use this one to read your
    feedback topic with a client of your own that commits its offsets."""
    return partner_group_prefix(partner) + purpose


def record_of(partner: Partner, command: Command) -> tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]:
    """(topic, key, value, headers) of a valid command, in the CloudEvents Kafka binary mode."""
    assert command.payload is not None
    spec = SPECS[command.type]
    envelope = Envelope.new(spec.type, spec.subject_of(command.payload), partner.value)
    envelope = envelope.model_copy(
        update={
            "id": command.event_id,
            "source": f"/partners/{partner.value}",
            "correlation_id": command.event_id,
            "causation_id": command.event_id,
        }
    )
    key, value, headers = encode_event(envelope, command.payload)
    return partner_ingress_topic(partner, spec.service), key, value, headers


@dataclass(frozen=True)
class Sent:
    """What the sent log keeps of one acknowledged record, to verify the platform's chain later (`verify`)."""

    event_id: str
    type: str
    service: str
    source: str
    key: str | None
    event_hash: str
    """`tdi_contracts.chain.event_hash` of the record exactly as sent."""


Record = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]
"""(topic, key, value, headers) of one Kafka record."""


def sent_of(partner: Partner, command: Command, record: Record) -> Sent:
    """The sent-log entry of a record (`record_of`'s): its chain hash from the bytes that leave."""
    _, key, value, headers = record
    ce = {name: raw.decode() for name, raw in headers if name in ("ce_source", "ce_id", "ce_type")}
    hashed = event_hash(ce["ce_source"], ce["ce_id"], ce["ce_type"], value)
    service = SPECS[command.type].service
    return Sent(command.event_id, command.type, service, ce["ce_source"], None if key is None else key.decode(), hashed)


async def publish(
    partner: Partner,
    credentials: Credentials,
    commands: Iterable[Command],
    on_sent: Callable[[Command], None] = lambda _: None,
    sent: list[tuple[Command, Sent]] | None = None,
) -> int:
    """Send every valid command (idempotent producer, acks=all); returns how many the broker acknowledged.
    `sent` receives the acknowledged ones in send order (the order of their key's partition), with what the sent
    log keeps of each."""
    producer = AIOKafkaProducer(acks="all", enable_idempotence=True, linger_ms=5, **credentials.kafka_options())
    try:
        await producer.start()  # inside: a broker that cannot be reached must not leave the producer open
        pending, in_order = [], []
        for command in commands:
            if not command.valid:
                continue
            record = record_of(partner, command)
            topic, key, value, headers = record
            future = await producer.send(topic, value=value, key=key, headers=headers)
            future.add_done_callback(lambda f, c=command: None if f.exception() else on_sent(c))
            pending.append(future)
            in_order.append((command, sent_of(partner, command, record)))
        await asyncio.gather(*pending)
        if sent is not None:
            sent.extend(in_order)
        return len(pending)
    finally:
        await producer.stop()


@dataclass(frozen=True)
class Answer:
    """The platform's answer to one event: accepted (with the ids it created) or rejected (code, reason)."""

    event_id: str
    accepted: bool
    code: str | None = None
    reason: str | None = None
    resulting_ids: tuple[str, ...] = ()


def _answer(payload: Any) -> Answer | None:
    if isinstance(payload, PartnerEventAccepted):
        ids = tuple(f"{r.kind}:{r.id}" for r in payload.resulting_ids)
        return Answer(payload.partner_event_id, True, resulting_ids=ids)
    if isinstance(payload, PartnerEventRejected):
        return Answer(payload.partner_event_id, False, str(payload.code), payload.reason)
    return None


async def answers(
    partner: Partner, credentials: Credentials, event_ids: set[str], timeout_s: float = 30.0
) -> dict[str, Answer]:
    """The answers to these event ids found on the partner's feedback topic, waiting up to `timeout_s`.

    The feedback topic is read from its start without a consumer group, so following never moves anything.
    When an event was answered several times (a re-send), the latest answer is the one kept.
    """
    topic = partner_feedback_topic(partner)
    consumer = AIOKafkaConsumer(
        topic, group_id=None, enable_auto_commit=False, auto_offset_reset="earliest", **credentials.kafka_options()
    )
    found: dict[str, Answer] = {}
    deadline = time.monotonic() + timeout_s
    try:
        await consumer.start()
        while time.monotonic() < deadline and not event_ids <= found.keys():
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    _, payload = decode_event(r.key, r.value, r.headers)
                    answer = _answer(payload)
                    if answer is not None and answer.event_id in event_ids:
                        found[answer.event_id] = answer
    finally:
        await consumer.stop()
    return found
