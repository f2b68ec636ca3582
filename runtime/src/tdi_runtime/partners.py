"""Partner ingress: who may publish what, and exactly one answer per event on the partner's feedback topic."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from uuid import UUID

from tdi_contracts.access import partner_sources, speaks_for
from tdi_contracts.base import SPECS
from tdi_contracts.envelope import COMMAND_TYPES, REASONS, ErrorCode, FieldError
from tdi_contracts.events.partners import (
    AcceptanceStatus,
    PartnerEventAccepted,
    PartnerEventRejected,
    ResultingId,
    ResultKind,
)
from tdi_contracts.fields import is_type_name
from tdi_contracts.permissions import PARTNER_COMMANDS
from tdi_contracts.quoting import quote, sentence
from tdi_contracts.reference import Partner
from tdi_contracts.topics import partner_feedback_topic, partner_ingress_topic
from tdi_runtime.delivery import Delivery, Violation
from tdi_runtime.events import outgoing
from tdi_runtime.handling import Feedback
from tdi_runtime.inbox import Seen
from tdi_runtime.outbox import OutgoingMessage
from tdi_runtime.pipeline.uow import NOTE, PENDING

_FEEDBACK_PRODUCER = "platform"


class PartnerFeedback(Feedback):
    """Feedback policy of one partner's ingress topic. `allowed`: the command types this partner may send."""

    def __init__(self, partner: Partner, allowed: Collection[str]) -> None:
        self.partner = partner
        self.allowed = frozenset(allowed)
        self.topic = partner_feedback_topic(partner)

    def partner_of(self, delivery: Delivery) -> Partner | None:
        return self.partner

    def admit(self, delivery: Delivery) -> Violation | None:
        envelope = delivery.envelope
        if envelope.producer != self.partner.value:
            detail = f"Déclaré : {quote(envelope.producer)} ; attendu : {self.partner.value}."
            return _violation(ErrorCode.PRODUCER_MISMATCH, detail)
        if not speaks_for(envelope.source, self.partner):
            detail = f"Déclarée : {quote(envelope.source)} ; attendue : {partner_sources(self.partner)[0]}."
            return _violation(ErrorCode.SOURCE_MISMATCH, detail)
        if envelope.type not in COMMAND_TYPES:
            return _violation(ErrorCode.NOT_A_COMMAND, f"Reçu : {quote(envelope.type)}.")
        if envelope.type not in self.allowed:
            return _violation(ErrorCode.COMMAND_NOT_ALLOWED, f"Reçu : {quote(envelope.type)}.")
        return None

    def accepted(self, delivery: Delivery, results: Sequence[tuple[str, str]]) -> list[OutgoingMessage]:
        held = [code for kind, code in results if kind == PENDING]
        answer = PartnerEventAccepted(
            partner=self.partner,
            partner_event_id=delivery.event_id,
            partner_event_type=delivery.event_type,
            resulting_ids=[
                ResultingId(kind=ResultKind(kind), id=UUID(id_)) for kind, id_ in results if kind not in (NOTE, PENDING)
            ],
            accepted_at=datetime.now(UTC),
            notes=[text for kind, text in results if kind == NOTE][:5],
            status=AcceptanceStatus.PENDING if held else AcceptanceStatus.APPLIED,
            pending_code=held[0] if held else None,
        )
        return [outgoing(answer, _FEEDBACK_PRODUCER, topic=self.topic, **delivery.caused())]

    def rejected(self, delivery: Delivery, violation: Violation) -> list[OutgoingMessage]:
        """The rejection, quoting the partner's ce_id (or the record's place) as `partner_event_id` and as
        `ce_causationid`; the reason and field errors made safe to quote (see `safe_field_errors`)."""
        answer = PartnerEventRejected(
            partner=self.partner,
            partner_event_id=delivery.event_id,  # a valid ce_id, else `<topic>/<partition>/<offset>`
            partner_event_type=delivery.event_type if is_type_name(delivery.event_type) else None,
            code=_code(violation.code),
            reason=sentence(violation.reason),
            field_errors=safe_field_errors(violation.details.get("field_errors", [])),
            rejected_at=datetime.now(UTC),
        )
        return [outgoing(answer, _FEEDBACK_PRODUCER, topic=self.topic, **delivery.caused())]

    def rejected_fallback(self, delivery: Delivery, code: str) -> list[OutgoingMessage]:
        """The rejection sent when `rejected` failed: the record's place, the code and its fixed sentence."""
        answer = PartnerEventRejected(
            partner=self.partner,
            partner_event_id=delivery.place,
            code=_code(code),
            reason=REASONS[_code(code)],
            rejected_at=datetime.now(UTC),
        )
        return [outgoing(answer, _FEEDBACK_PRODUCER, topic=self.topic, causation_id=delivery.place)]

    def duplicate(self, delivery: Delivery, prior: Seen) -> list[OutgoingMessage]:
        """The same event published again: the same acceptance again, so a retrying partner gets its ids."""
        return self.accepted(delivery, [tuple(r) for r in (prior.result or [])])


class PartnerIngressFeedback(Feedback):
    """Feedback of every partner's ingress topic of one owning service (`tdi.partner.<partner>.<service>.v1`).

    The partner is the one whose topic the record came from; it may send the commands of this service that
    `PARTNER_COMMANDS` grants it. Every partner has an ingress topic: one missing from `PARTNER_COMMANDS` is
    granted nothing (fail closed: each command refused `COMMAND_NOT_ALLOWED`, with its answer). Records on any
    other topic the consumer reads (domain topics) get no answer, and a strict consumer is strict on the ingress
    topics only: other event types there are passed over.
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self.by_topic: dict[str, PartnerFeedback] = {}
        for partner in Partner:
            types = PARTNER_COMMANDS.get(partner, frozenset())
            own = [t for t in types if t in SPECS and SPECS[t].service == service]
            self.by_topic[partner_ingress_topic(partner, service)] = PartnerFeedback(partner, own)

    def _of(self, delivery: Delivery) -> PartnerFeedback | None:
        return self.by_topic.get(delivery.topic)

    def strict_for(self, topic: str) -> bool:
        return topic in self.by_topic

    def partner_of(self, delivery: Delivery) -> Partner | None:
        partner = self._of(delivery)
        return None if partner is None else partner.partner_of(delivery)

    def admit(self, delivery: Delivery) -> Violation | None:
        partner = self._of(delivery)
        return None if partner is None else partner.admit(delivery)

    def accepted(self, delivery: Delivery, results: Sequence[tuple[str, str]]) -> list[OutgoingMessage]:
        partner = self._of(delivery)
        return [] if partner is None else partner.accepted(delivery, results)

    def rejected(self, delivery: Delivery, violation: Violation) -> list[OutgoingMessage]:
        partner = self._of(delivery)
        return [] if partner is None else partner.rejected(delivery, violation)

    def rejected_fallback(self, delivery: Delivery, code: str) -> list[OutgoingMessage]:
        partner = self._of(delivery)
        return [] if partner is None else partner.rejected_fallback(delivery, code)

    def duplicate(self, delivery: Delivery, prior: Seen) -> list[OutgoingMessage]:
        partner = self._of(delivery)
        return [] if partner is None else partner.duplicate(delivery, prior)


def _violation(code: ErrorCode, detail: str) -> Violation:
    return Violation(code.value, f"{REASONS[code]} {detail}")


_KNOWN = {c.value for c in ErrorCode}


def _code(code: str) -> ErrorCode:
    return ErrorCode(code) if code in _KNOWN else ErrorCode.INTERNAL_ERROR


def safe_field_errors(items: Sequence[object]) -> list[FieldError]:
    """At most 50 field errors, each made valid whatever it quotes: path and code escaped and bounded, the
    message a French sentence. An item that is not a field error at all is left out."""
    safe = []
    for item in list(items)[:50]:
        found = item.model_dump() if isinstance(item, FieldError) else item
        if not isinstance(found, dict):
            continue
        safe.append(
            FieldError(
                path=quote(found.get("path", ""), 300),
                code=quote(found.get("code", ""), 80) or "invalid",
                message=sentence(str(found.get("message", ""))),
            )
        )
    return safe
