"""What a handler sees: the context of one consumed event, and how its producer hears back (feedback)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tdi_runtime import inbox
from tdi_runtime.db import Connection
from tdi_runtime.delivery import Delivery, Violation
from tdi_runtime.outbox import OutgoingMessage


@dataclass
class HandlerContext:
    """What a handler gets: the open transaction, the decoded event, and where to put what it emits."""

    conn: Connection
    delivery: Delivery
    emitted: list[OutgoingMessage] = field(default_factory=list)
    results: list[tuple[str, str]] = field(default_factory=list)
    deferred: dict[str, list[tuple[Any, ...]]] | None = None
    batch: Any = None
    """What the consumer's `prepare` hook read for the whole batch (None without one, and event by event)."""

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
        event in the batch the kit runs event by event and the write is sent at once.
        """
        if self.deferred is None:
            await self.conn.execute(sql, *args)
        else:
            self.deferred.setdefault(sql, []).append(args)

    def resulted_in(self, kind: str, id_: object) -> None:
        """An id the command created or changed, quoted back to the partner in its acceptance."""
        self.results.append((kind, str(id_)))


Handler = Callable[[HandlerContext], Awaitable[None]]
Prepare = Callable[[Connection, list[Delivery]], Awaitable[Any]]
"""Reads once what a batch's handlers need (locks, aggregates) in the batch's transaction: `ctx.batch`."""
InCommit = Callable[[Connection], Awaitable[None]]
"""Runs last in the transaction of a batch that applied events (e.g. one NOTIFY per batch, delivered at commit)."""


class Feedback:
    """How a producer hears back; silent by default. Partner ingress topics answer (tdi_runtime.partners)."""

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
