"""Dead letters: a record that could not be applied, kept whole on the group's dead-letter topic with its reason.

The value is the contract's MessageDeadLettered (original key, headers and base64 value, code, French
reason); headers `tdi_dlq_*` repeat the reason and origin so a reader can route without parsing the body.
"""

from __future__ import annotations

import base64
import dataclasses
import uuid
from datetime import UTC, datetime

from tdi_contracts.envelope import ErrorCode
from tdi_contracts.events.platform import HeaderCopy, MessageDeadLettered
from tdi_contracts.topics import dlq_topic
from tdi_runtime.delivery import Delivery
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import OutgoingMessage

_CODES = {c.value for c in ErrorCode}


def dead_letter(d: Delivery, group: str, code: str, reason: str) -> OutgoingMessage:
    record = MessageDeadLettered(
        dead_letter_id=uuid.uuid4(),
        consumer_group=group,
        original_topic=d.topic,
        original_partition=d.partition,
        original_offset=d.offset,
        original_key=None if d.key is None else d.key.decode("utf-8", "replace")[:1000],
        original_headers=[
            HeaderCopy(name=k[:200], value=(v or b"").decode("utf-8", "backslashreplace")[:4000])
            for k, v in d.headers[:100]
        ],
        original_value_base64=base64.b64encode(d.value or b"").decode(),
        code=ErrorCode(code) if code in _CODES else ErrorCode.INTERNAL_ERROR,
        reason=(reason.strip() or code)[:500],
        attempts=1,
        failed_at=datetime.now(UTC),
    )
    message = outgoing(record, "platform", cause=d.envelope, topic=dlq_topic(group))
    why = (
        ("tdi_dlq_code", code),
        ("tdi_dlq_reason", reason[:500]),
        ("tdi_dlq_source_topic", d.topic),
        ("tdi_dlq_source_partition", str(d.partition)),
        ("tdi_dlq_source_offset", str(d.offset)),
        ("tdi_dlq_consumer_group", group),
    )
    return dataclasses.replace(message, headers=message.headers + why)
