"""Dead letters: a record that could not be applied, kept whole on the group's dead-letter topic with its reason."""

from __future__ import annotations

from datetime import UTC, datetime

from tdi_runtime.delivery import Delivery
from tdi_runtime.outbox import OutgoingMessage

DLQ_HEADERS = ("tdi_dlq_code", "tdi_dlq_reason", "tdi_dlq_source_topic", "tdi_dlq_source_partition",
               "tdi_dlq_source_offset", "tdi_dlq_consumer_group", "tdi_dlq_at")


def dlq_topic(group: str) -> str:
    from tdi_contracts.topics import dlq_topic as contract_dlq_topic

    return contract_dlq_topic(group)


def dead_letter(d: Delivery, group: str, code: str, reason: str) -> OutgoingMessage:
    """The original key, value and headers, plus headers saying why, from where, and when."""
    original = tuple(
        (k, v.decode("utf-8", errors="replace").replace("\x00", "")) for k, v in d.headers
        if v is not None and not k.startswith("tdi_dlq_")
    )
    why = (
        ("tdi_dlq_code", code),
        ("tdi_dlq_reason", reason),
        ("tdi_dlq_source_topic", d.topic),
        ("tdi_dlq_source_partition", str(d.partition)),
        ("tdi_dlq_source_offset", str(d.offset)),
        ("tdi_dlq_consumer_group", group),
        ("tdi_dlq_at", datetime.now(UTC).isoformat()),
    )
    return OutgoingMessage(
        topic=dlq_topic(group),
        key=d.key,
        value=d.value or b"",
        headers=original + why,
        event_id=f"dlq:{group}:{d.topic}/{d.partition}/{d.offset}",
    )
