"""One consumed Kafka record, decoded against the contracts, or carrying the reason it could not be."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tdi_contracts.envelope import ContractViolation, decode_event
from tdi_contracts.fields import is_token
from tdi_runtime.inbox import content_digest, digest


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Delivery:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    event_id: str
    event_type: str
    envelope: Any = None
    payload: Any = None
    violation: Violation | None = None
    digest: str = ""
    source: str = ""  # CloudEvents source: only (source, id) is unique, so the inbox keys on both
    correlation_id: str = ""  # of a record whose envelope could not be read: its ce_correlationid if valid
    _content: str | None = field(default=None, init=False, repr=False)
    _content_known: bool = field(default=False, init=False, repr=False)

    @property
    def content_digest(self) -> str | None:
        """The digest of the value's JSON content (`inbox.content_digest`), door-neutral: computed when first asked
        (it is only needed where an event has two doors, or to compare a copy whose bytes differ)."""
        if not self._content_known:  # a record that could not be decoded has none
            self._content = content_digest(self.value) if self.envelope is not None else None
            self._content_known = True
        return self._content

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode("utf-8", errors="replace") if value is not None else None
        return None

    @property
    def place(self) -> str:
        """`<topic>/<partition>/<offset>`: the record's place, as the producer's delivery report gives it."""
        return f"{self.topic}/{self.partition}/{self.offset}"

    def caused(self) -> dict[str, Any]:
        """What an answer to this record quotes as its cause (`outgoing(..., **d.caused())`): the envelope when it
        could be read, else the partner's ce_id (or the place) and its correlation id."""
        if self.envelope is not None:
            return {"cause": self.envelope}
        return {"causation_id": self.event_id, "correlation_id": self.correlation_id or self.event_id}


def _fallback_id(topic: str, partition: int, offset: int, raw_id: str | None) -> str:
    """The record's ce_id if it is a valid id (it keys the inbox and travels in the answer), else its place."""
    return raw_id if raw_id is not None and is_token(raw_id) else f"{topic}/{partition}/{offset}"


UNKNOWN_SOURCE = "?"
"""Source of a record without a usable ce_source header (never a valid CloudEvents source, never '' either:
'' marks inbox rows written before sources were kept)."""


def _fallback_source(raw: str | None) -> str:
    """The source header of a record that failed decoding, if usable as a key part."""
    return raw if raw and len(raw) <= 256 and raw.isprintable() else UNKNOWN_SOURCE


_SHA256 = re.compile(rb"[0-9a-f]{64}")
REDRIVEN_FROM_HEADER = "tdi_redriven_from"
"""Set by `dlq redrive` on a re-driven record: the offset of its dead letter."""
REDRIVEN_DIGEST_HEADER = "tdi_redriven_sha256"
"""Set by `dlq redrive` when it re-sends the contract form of a value: the SHA-256 of the original value, which the
inbox compares (so the partner's own copy of that event is still the same event, not a conflicting one)."""


def _digest(value: bytes | None, headers: list[tuple[str, bytes]]) -> str:
    """The inbox digest of a record: of its value, or of the original value a re-driven contract form stands for."""
    original = next((v for k, v in headers if k == REDRIVEN_DIGEST_HEADER), None)
    if original is not None and _SHA256.fullmatch(original) is not None:
        return original[:32].decode("ascii")
    return digest(value)


def decode_record(record: Any) -> Delivery:
    """Decode a ConsumerRecord; a contract violation is kept on the delivery instead of being raised."""
    headers = list(record.headers or ())  # aiokafka's (name, value) tuples: copied in C, not unpacked one by one
    d = Delivery(
        record.topic,
        record.partition,
        record.offset,
        record.key,
        record.value,
        headers,
        "",
        "",
        digest=_digest(record.value, headers),
    )
    try:
        envelope, payload = decode_event(record.key, record.value, headers)
    except ContractViolation as violation:
        d.event_id = _fallback_id(d.topic, d.partition, d.offset, d.header("ce_id"))
        d.event_type = d.header("ce_type") or ""
        d.source = _fallback_source(d.header("ce_source"))
        correlation = d.header("ce_correlationid")
        d.correlation_id = correlation if correlation is not None and is_token(correlation) else d.event_id
        fields = [e.model_dump() for e in violation.field_errors]
        d.violation = Violation(str(violation.code), violation.reason, {"field_errors": fields} if fields else {})
        return d
    d.event_id, d.event_type, d.envelope, d.payload = envelope.id, envelope.type, envelope, payload
    d.source = envelope.source
    return d
