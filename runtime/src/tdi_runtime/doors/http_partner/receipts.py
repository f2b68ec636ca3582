"""Receipts of the events a partner sent by HTTP (table `partner_receipts`, kit migration 0008), and their status
read from the service's own inbox: pending (not consumed yet), accepted (with the resulting ids) or rejected (with
the code, French reason and field errors of the answer on the partner's feedback topic)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from tdi_contracts.envelope import ErrorCode, FieldError
from tdi_contracts.events.partners import ResultingId, ResultKind
from tdi_contracts.reference import Partner
from tdi_runtime import inbox
from tdi_runtime.consumer import CONFLICT_REASON
from tdi_runtime.db import Connection
from tdi_runtime.doors.http_partner.events import Checked, receipt_id
from tdi_runtime.partners import safe_field_errors
from tdi_runtime.pipeline.uow import NOTE, PENDING

Status = Literal["pending", "accepted", "rejected"]


class Receipt(BaseModel):
    """What became of one event: `receipt_id` is null for an event refused at the door (it never reached Kafka)."""

    receipt_id: str | None = Field(description="GET /partner-events/receipts/{receipt_id}; null if refused at once")
    event_id: str | None = Field(description="The event's `id`, as sent")
    source: str | None = Field(description="The event's `source`, as sent")
    status: Status = Field(description="pending (not applied yet), accepted, or rejected")
    code: str | None = Field(default=None, description="Why it was rejected: a code of the catalogue")
    reason: str | None = Field(default=None, description="Why it was rejected, in French")
    field_errors: list[FieldError] = Field(default_factory=list)
    resulting_ids: list[ResultingId] = Field(default_factory=list, description="Platform ids it created or changed")
    notes: list[str] = Field(
        default_factory=list, description="What was decided otherwise than asked, in French (as on the feedback topic)"
    )
    pending_code: str | None = Field(
        default=None,
        description="Accepted, but its decision is held until what it waits for is known: why, a code of the"
        " catalogue (e.g. TERRITORY_PERIMETER_PENDING), as `pending_code` on the feedback topic",
    )


class Receipts(BaseModel):
    receipts: list[Receipt]


def refused(checked: Checked) -> Receipt:
    assert checked.violation is not None
    errors = checked.violation.details.get("field_errors") or []
    return Receipt(
        receipt_id=None,
        event_id=checked.event_id,
        source=checked.source,
        status="rejected",
        code=checked.violation.code,
        reason=checked.violation.reason,
        field_errors=safe_field_errors(errors),
    )


async def save(conn: Connection, partner: Partner, admitted: Sequence[Checked]) -> list[Receipt]:
    """A receipt per admitted event (the same event sent again keeps its receipt); answered `pending`."""
    rows = []
    for c in admitted:
        assert c.delivery is not None and c.source is not None and c.event_id is not None
        rows.append((receipt_id(c.source, c.event_id), c))
    await conn.executemany(
        "INSERT INTO partner_receipts (receipt_id, partner, source, event_id, event_type, content_digest)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (receipt_id) DO NOTHING",
        [
            (rid, partner.value, c.source, c.event_id, c.delivery.event_type, c.delivery.content_digest)  # type: ignore[union-attr]
            for rid, c in rows
        ],
    )
    return [Receipt(receipt_id=rid, event_id=c.event_id, source=c.source, status="pending") for rid, c in rows]


async def status(conn: Connection, group: str, partner: Partner, rid: str) -> Receipt | None:
    """The receipt of this partner under this id (None: unknown, or another partner's: the same answer), as the
    inbox of the consumer group `group` says."""
    row = await conn.fetchrow(
        "SELECT source, event_id, content_digest FROM partner_receipts WHERE receipt_id = $1 AND partner = $2",
        rid,
        partner.value,
    )
    if row is None:
        return None
    key = (row["source"], row["event_id"])
    seen = (await inbox.seen(conn, group, [key])).get(key)
    receipt = Receipt(receipt_id=rid, event_id=row["event_id"], source=row["source"], status="pending")
    if seen is None:
        return receipt
    if seen.outcome == "applied":
        ours, applied = row["content_digest"], seen.content_digest
        if ours is not None and applied is not None and ours != applied:  # another content under this id won
            return receipt.model_copy(
                update={"status": "rejected", "code": ErrorCode.CONFLICTING_REDELIVERY.value, "reason": CONFLICT_REASON}
            )
        ids, notes = accepted_parts(seen.result)
        held = held_code(seen.result)
        return receipt.model_copy(
            update={"status": "accepted", "resulting_ids": ids, "notes": notes, "pending_code": held}
        )
    answer: dict[str, Any] = seen.result if isinstance(seen.result, dict) else {}
    errors = safe_field_errors(answer.get("field_errors") or [])
    return receipt.model_copy(
        update={
            "status": "rejected",
            "code": answer.get("code") or ErrorCode.INTERNAL_ERROR.value,
            "reason": answer.get("reason"),
            "field_errors": errors,
        }
    )


def accepted_parts(result: Any) -> tuple[list[ResultingId], list[str]]:
    """An accepted event's stored results: the platform ids it created or changed, and its notes (`uow.NOTE`)."""
    found, notes = [], []
    for item in result or []:
        try:
            kind, value = item
            if kind == NOTE:
                notes.append(str(value))
            else:
                found.append(ResultingId(kind=ResultKind(kind), id=UUID(str(value))))
        except (TypeError, ValueError):
            continue
    return found, notes[:5]


def held_code(result: Any) -> str | None:
    """The code of a decision held (`uow.PENDING`, `UnitOfWork.hold`) among an accepted event's stored results."""
    for item in result or []:
        if isinstance(item, list | tuple) and len(item) == 2 and item[0] == PENDING:
            return str(item[1])
    return None
