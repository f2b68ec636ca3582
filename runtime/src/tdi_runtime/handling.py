"""How a consumed event's producer hears back (`Feedback`), and what runs last in a batch's transaction (`InCommit`).

Handlers themselves are registered on a `tdi_runtime.pipeline.Registry`: `handler(command, uow)`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from tdi_runtime import inbox
from tdi_runtime.db import Connection
from tdi_runtime.delivery import Delivery, Violation
from tdi_runtime.outbox import OutgoingMessage

if TYPE_CHECKING:
    from tdi_contracts.reference import Partner


InCommit = Callable[[Connection], Awaitable[None]]
"""Runs last in the transaction of a batch that applied events (e.g. one NOTIFY per batch, delivered at commit)."""


class Feedback:
    """How a producer hears back; silent by default. Partner ingress topics answer (tdi_runtime.partners)."""

    def partner_of(self, delivery: Delivery) -> Partner | None:
        """The partner whose command this is (its ingress topic's owner); None for a domain event."""
        return None

    def strict_for(self, topic: str) -> bool:
        """Whether a strict consumer refuses an event type it has no handler for on this topic."""
        return True

    def admit(self, delivery: Delivery) -> Violation | None:
        """A reason to refuse a well-formed event before its handler runs (wrong producer, not allowed)."""
        return None

    def accepted(self, delivery: Delivery, results: Sequence[tuple[str, str]]) -> list[OutgoingMessage]:
        return []

    def rejected(self, delivery: Delivery, violation: Violation) -> list[OutgoingMessage]:
        return []

    def rejected_fallback(self, delivery: Delivery, code: str) -> list[OutgoingMessage]:
        """The rejection sent when `rejected` failed: quoting only the record's place, the code and its fixed
        French sentence (building an answer never stops a batch)."""
        return []

    def duplicate(self, delivery: Delivery, prior: inbox.Seen) -> list[OutgoingMessage]:
        """The producer published an event id already applied (not a Kafka redelivery)."""
        return []
