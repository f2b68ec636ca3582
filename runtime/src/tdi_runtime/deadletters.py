"""Dead letters: a record that could not be applied, kept on the group's dead-letter topic with its reason.

The value is the contract's MessageDeadLettered (original key, headers, base64 value (its first 64 KiB, with
its length and SHA-256), code, French reason); headers `tdi_dlq_*` repeat the reason and origin so a reader
can route without parsing the body.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import uuid
from datetime import UTC, datetime

from tdi_contracts.envelope import REASONS, ErrorCode
from tdi_contracts.events.platform import HeaderCopy, MessageDeadLettered
from tdi_contracts.quoting import quote, sentence
from tdi_contracts.topics import dlq_topic
from tdi_runtime.delivery import Delivery
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import OutgoingMessage

_CODES = {c.value for c in ErrorCode}


VALUE_COPY_BYTES = 64 * 1024
"""A dead letter keeps the first 64 KiB of the refused value, with its full length and SHA-256 (a platform rule):
a huge record never makes a dead letter too large for its topic, and the copy still identifies the original."""
HEADER_COPY_CHARS = 32 * 1024
"""Header values are copied up to this many characters in all (each at most 4,000)."""


def _header_copies(headers: list[tuple[str, bytes]]) -> list[HeaderCopy]:
    copies, budget = [], HEADER_COPY_CHARS
    for name, raw in headers[:100]:
        text = (raw or b"").decode("utf-8", "backslashreplace")[: min(4000, budget)]
        budget -= len(text)
        copies.append(HeaderCopy(name=name[:200], value=text))
    return copies


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
    record = MessageDeadLettered(
        dead_letter_id=uuid.uuid4(),
        consumer_group=group,
        original_topic=d.topic,
        original_partition=d.partition,
        original_offset=d.offset,
        original_key=None if d.key is None else quote(d.key, 1000),
        original_headers=_header_copies(d.headers),
        original_value_base64=base64.b64encode(value[:VALUE_COPY_BYTES]).decode(),
        original_value_bytes=len(value),
        original_value_sha256=hashlib.sha256(value).hexdigest(),
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
        ("tdi_dlq_code", code),
        ("tdi_dlq_reason", reason),
        ("tdi_dlq_attempts", str(attempts)),
        ("tdi_dlq_source_topic", d.topic),
        ("tdi_dlq_source_partition", str(d.partition)),
        ("tdi_dlq_source_offset", str(d.offset)),
        ("tdi_dlq_consumer_group", group),
    )
    return dataclasses.replace(message, headers=message.headers + why)
