"""Dead letters: a record that could not be applied, kept on the group's dead-letter topic with its reason.

The value is the contract's MessageDeadLettered: original key, headers made safe, the value as its contract
reads it (or nothing, see `kept_value`) with the raw value's length and SHA-256, code, French reason. Headers
`tdi_dlq_*` repeat the reason and origin so a reader can route without parsing the body.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from tdi_contracts.envelope import HEADER_FIELDS, REASONS, ErrorCode
from tdi_contracts.events.platform import HeaderCopy, MessageDeadLettered, ValueKept
from tdi_contracts.quoting import quote, sentence
from tdi_contracts.topics import dlq_topic
from tdi_runtime.delivery import Delivery
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import OutgoingMessage

_CODES = {c.value for c in ErrorCode}


VALUE_COPY_BYTES = 64 * 1024
"""A dead letter keeps the contract form of the refused value up to 64 KiB (a platform rule), and the raw value's
full length and SHA-256: a dead letter always fits its topic, and the hash still identifies the original."""
HEADER_COPY_CHARS = 32 * 1024
"""Header values are copied up to this many characters in all (each at most 4,000)."""
PLATFORM_HEADERS = frozenset({*HEADER_FIELDS, "traceparent", "tracestate"})
"""Headers whose value a dead letter keeps: those the platform reads (plus its own `tdi_*`). Of any other header
(a partner's own: it may hold anything, personal data included) only the name is kept (platform rule)."""


def keeps_header_value(name: str) -> bool:
    lowered = name.lower()
    return lowered in PLATFORM_HEADERS or lowered.startswith("tdi_")


def _header_copies(headers: Sequence[tuple[str, bytes | None]]) -> list[HeaderCopy]:
    """The record's headers made safe: control characters escaped, each value at most 4,000 characters and
    HEADER_COPY_CHARS in all, the value of a header the platform does not read left out."""
    copies, budget = [], HEADER_COPY_CHARS
    for name, raw in list(headers)[:100]:
        text = quote(raw or b"", min(4000, budget)) if keeps_header_value(name) and budget > 0 else ""
        budget -= len(text)
        copies.append(HeaderCopy(name=quote(name, 200), value=text))
    return copies


def kept_value(d: Delivery) -> tuple[bytes, ValueKept]:
    """What a dead letter keeps of the value: never the raw bytes (fields the contract drops may hold personal
    data, issue 22 #13), but the payload as its contract reads it, re-encoded, when it could be read and fits
    VALUE_COPY_BYTES; else nothing. A re-drive sends that form (`python -m tdi_runtime.dlq redrive`)."""
    if d.payload is None:
        return b"", ValueKept.NONE
    form = d.payload.model_dump_json().encode()
    return (form, ValueKept.CONTRACT) if len(form) <= VALUE_COPY_BYTES else (b"", ValueKept.NONE)


ATTEMPTS_HEADER = "tdi_redrive_attempts"
"""Set by `dlq redrive` on the republished record: how many times it had already failed."""


def attempts_of(d: Delivery) -> int:
    """This failure's attempt number: 1, plus one per re-drive the record went through."""
    before = d.header(ATTEMPTS_HEADER) or "0"
    return min(1000, (int(before) if before.isdigit() else 0) + 1)


def declared(code: str) -> str:
    """The code itself if the contracts declare it, else INTERNAL_ERROR (body, headers and feedback agree)."""
    return code if code in _CODES else ErrorCode.INTERNAL_ERROR.value


def dead_letter(d: Delivery, group: str, code: str, reason: str) -> OutgoingMessage:
    value = d.value or b""
    code, reason, attempts = declared(code), sentence(reason or code), attempts_of(d)
    kept, form = kept_value(d)
    record = MessageDeadLettered(
        dead_letter_id=uuid.uuid4(),
        consumer_group=group,
        original_topic=d.topic,
        original_partition=d.partition,
        original_offset=d.offset,
        original_key=None if d.key is None else quote(d.key, 1000),
        original_headers=_header_copies(d.headers),
        original_value_base64=base64.b64encode(kept).decode(),
        original_value_bytes=len(value),
        original_value_sha256=hashlib.sha256(value).hexdigest(),
        original_value_kept=form,
        code=code,
        reason=reason,
        attempts=attempts,
        failed_at=datetime.now(UTC),
    )
    message = outgoing(record, "platform", topic=dlq_topic(group), **d.caused())
    return _with_why(message, d, group, code, reason, attempts)


def fallback_dead_letter(d: Delivery, group: str, code: str) -> OutgoingMessage:
    """The dead letter used when `dead_letter` itself failed: the record's place, its code and the code's fixed
    French sentence, the value's length and SHA-256, nothing quoted from the record."""
    code = declared(code)
    value = d.value or b""
    record = MessageDeadLettered(
        dead_letter_id=uuid.uuid4(),
        consumer_group=group,
        original_topic=d.topic,
        original_partition=d.partition,
        original_offset=d.offset,
        original_key=None,
        original_headers=[],
        original_value_base64="",
        original_value_bytes=len(value),
        original_value_sha256=hashlib.sha256(value).hexdigest(),
        original_value_kept=ValueKept.NONE,
        code=code,
        reason=REASONS[ErrorCode(code)],
        attempts=1,
        failed_at=datetime.now(UTC),
    )
    message = outgoing(record, "platform", topic=dlq_topic(group), causation_id=d.place)
    return _with_why(message, d, group, code, record.reason, 1)


def _with_why(
    message: OutgoingMessage, d: Delivery, group: str, code: str, reason: str, attempts: int
) -> OutgoingMessage:
    why = (
        ("tdi_dlq_code", code.encode()),
        ("tdi_dlq_reason", reason.encode()),
        ("tdi_dlq_attempts", str(attempts).encode()),
        ("tdi_dlq_source_topic", d.topic.encode()),
        ("tdi_dlq_source_partition", str(d.partition).encode()),
        ("tdi_dlq_source_offset", str(d.offset).encode()),
        ("tdi_dlq_consumer_group", group.encode()),
    )
    return dataclasses.replace(message, headers=message.headers + why)
