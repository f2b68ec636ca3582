"""How a consumed event's producer hears back (feedback), and the handler context of the services not yet on the
pipeline (`HandlerContext`, `Handler`: a TEMPORARY adapter of issue 23, deleted once every service is ported)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tdi_runtime import inbox
from tdi_runtime.db import Connection
from tdi_runtime.delivery import Delivery, Violation
from tdi_runtime.outbox import OutgoingMessage

if TYPE_CHECKING:
    from tdi_contracts.reference import Partner


@dataclass
class HandlerContext:
    """What a not yet ported handler gets: the open transaction, the decoded event, where to put what it emits."""

    conn: Connection
    delivery: Delivery
    emitted: list[OutgoingMessage] = field(default_factory=list)
    results: list[tuple[str, str]] = field(default_factory=list)
    deferred: dict[str, list[tuple[Any, ...]]] | None = None

    @property
    def envelope(self) -> Any:
        return self.delivery.envelope

    @property
    def payload(self) -> Any:
        return self.delivery.payload

    def emit(self, *messages: OutgoingMessage) -> None:
        self.emitted.extend(messages)

    async def defer(self, sql: str, *args: Any) -> None:
        """A write sent with the rest of the batch (one executemany per statement) before the inbox rows.

        Only for writes nothing later in the same batch reads back (effects, projections); with a rejected
        event in the batch the kit runs event by event and the write is sent with its event's savepoint.
        """
        if self.deferred is None:
            await self.conn.execute(sql, *args)
        else:
            self.deferred.setdefault(sql, []).append(args)

    def resulted_in(self, kind: str, id_: object) -> None:
        """An id the command created or changed, quoted back to the partner in its acceptance."""
        self.results.append((kind, str(id_)))


Handler = Callable[[HandlerContext], Awaitable[None]]
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
