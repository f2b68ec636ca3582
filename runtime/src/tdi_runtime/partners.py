"""Partner ingress: who may publish what, and exactly one answer per event on the partner's feedback topic."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from uuid import UUID

from tdi_contracts.envelope import COMMAND_TYPES, REASONS, ErrorCode
from tdi_contracts.events.partners import PartnerEventAccepted, PartnerEventRejected, ResultingId, ResultKind
from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_feedback_topic
from tdi_runtime.delivery import Delivery, Violation
from tdi_runtime.events import outgoing
from tdi_runtime.handling import Feedback
from tdi_runtime.inbox import Seen
from tdi_runtime.outbox import OutgoingMessage

_FEEDBACK_PRODUCER = "platform"


class PartnerFeedback(Feedback):
    """Feedback policy of one partner's ingress topic. `allowed`: the command types this partner may send."""

    def __init__(self, partner: Partner, allowed: Collection[str]) -> None:
        self.partner = partner
        self.allowed = frozenset(allowed)
        self.topic = partner_feedback_topic(partner)

    def admit(self, delivery: Delivery) -> Violation | None:
        envelope = delivery.envelope
        if envelope.producer != self.partner.value:
            detail = f"Déclaré : {envelope.producer} ; attendu : {self.partner.value}."
            return _violation(ErrorCode.PRODUCER_MISMATCH, detail)
        if envelope.type not in COMMAND_TYPES:
            return _violation(ErrorCode.NOT_A_COMMAND, f"Reçu : {envelope.type}.")
        if envelope.type not in self.allowed:
            return _violation(ErrorCode.COMMAND_NOT_ALLOWED, f"Reçu : {envelope.type}.")
        return None

    def accepted(self, delivery: Delivery, results: Sequence[tuple[str, str]]) -> list[OutgoingMessage]:
        answer = PartnerEventAccepted(
            partner=self.partner,
            partner_event_id=delivery.event_id,
            partner_event_type=delivery.event_type,
            resulting_ids=[ResultingId(kind=ResultKind(kind), id=UUID(id_)) for kind, id_ in results],
            accepted_at=datetime.now(UTC),
        )
        return [outgoing(answer, _FEEDBACK_PRODUCER, cause=delivery.envelope, topic=self.topic)]

    def rejected(self, delivery: Delivery, violation: Violation) -> list[OutgoingMessage]:
        known = {c.value for c in ErrorCode}
        code = ErrorCode(violation.code) if violation.code in known else ErrorCode.INTERNAL_ERROR
        answer = PartnerEventRejected(
            partner=self.partner,
            partner_event_id=delivery.event_id[:128],
            partner_event_type=(delivery.event_type or None) and delivery.event_type[:200],
            code=code,
            reason=violation.reason[:500],
            field_errors=violation.details.get("field_errors", [])[:50],
            rejected_at=datetime.now(UTC),
        )
        return [outgoing(answer, _FEEDBACK_PRODUCER, cause=delivery.envelope, topic=self.topic)]

    def duplicate(self, delivery: Delivery, prior: Seen) -> list[OutgoingMessage]:
        """The same event published again: the same acceptance again, so a retrying partner gets its ids."""
        return self.accepted(delivery, [tuple(r) for r in (prior.result or [])])


def _violation(code: ErrorCode, detail: str) -> Violation:
    return Violation(code.value, f"{REASONS[code]} {detail}")
