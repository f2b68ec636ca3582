"""The unit of work: one transaction, the repositories, the events to announce, the ids to quote back.

The kit opens the transaction (HTTP: one per command; Kafka: one per consumer batch), hands the unit of work to
the handler, then flushes the repositories and writes the outbox (events, answers) and the inbox in it, and
commits once. A service declares its repositories in a subclass and a factory; it never writes transaction code:

    class VteUnitOfWork(UnitOfWork):
        def __init__(self, conn, caller, *, contracts: ContractRepository, ...) -> None:
            super().__init__(conn, caller, producer="vte")
            self.contracts = contracts
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tdi_contracts.base import ContractModel
from tdi_contracts.envelope import Envelope
from tdi_runtime.db import Connection
from tdi_runtime.delivery import Delivery
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import OutgoingMessage
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.pipeline.repository import Repository

NOTE = "note"
"""The kind of a `results` pair that is a sentence for the partner's answer (`UnitOfWork.note`), not an id: kept
with the ids in the inbox, so a redelivery gets the same answer, notes included."""
PENDING = "pending"
"""The kind of a `results` pair naming the code of a decision held (`UnitOfWork.hold`): the acceptance says
`status: pending` with that code."""


class UnitOfWork:
    """What a handler gets besides its command: the caller, the repositories, and where its outcome goes."""

    def __init__(self, conn: Connection, caller: Caller, *, producer: str) -> None:
        self.conn = conn
        self.caller = caller
        self.producer = producer
        """The `ce_producer` of what the handler emits (the service's name)."""
        self.cause: Envelope | None = None
        """The consumed event's envelope (Kafka door): what the handler emits carries its correlation."""
        self.delivery: Delivery | None = None
        """The consumed record (Kafka door); None over HTTP."""
        self.emitted: list[OutgoingMessage] = []
        self.results: list[tuple[str, str]] = []
        self.deferred: dict[str, list[tuple[Any, ...]]] = {}

    def repositories(self) -> list[Repository[Any, Any]]:
        """The repositories the subclass declared (its attributes), in declaration order."""
        return [value for value in vars(self).values() if isinstance(value, Repository)]

    def emit(self, *payloads: ContractModel, topic: str | None = None) -> None:
        """Events (contract payloads) written to the outbox with the state, in this transaction."""
        self.emitted.extend(outgoing(p, self.producer, cause=self.cause, topic=topic) for p in payloads)

    def resulted_in(self, kind: str, id_: object) -> None:
        """An id the command created or changed, quoted back to a partner in its acceptance."""
        self.results.append((kind, str(id_)))

    def note(self, sentence: str) -> None:
        """A French sentence for the partner's acceptance: what was decided otherwise than asked (issue 24: a
        top-up granted up to its cap). HTTP callers read it in the decision the handler emits."""
        self.results.append((NOTE, sentence))

    def hold(self, code: str, sentence: str) -> None:
        """The command is recorded but its decision is held (issue 24: a VTE contract waiting for its territory's
        perimeter): the partner's acceptance says `status: pending`, `pending_code` = `code` (an ErrorCode) and the
        French sentence in its notes. The decision follows later as a domain event, with no second answer."""
        self.results.append((PENDING, code))
        self.note(sentence)

    async def defer(self, sql: str, *args: Any) -> None:
        """A write sent at the flush with the others of its statement (one `executemany`): for writes nothing
        in the same unit of work reads back (projections, effects). Aggregates go through their repository."""
        self.deferred.setdefault(sql, []).append(args)

    async def flush(self) -> None:
        """Every repository's dirty aggregates, then the deferred writes, in the open transaction."""
        for repository in self.repositories():
            await repository.flush()
        deferred, self.deferred = self.deferred, {}
        for sql, rows in deferred.items():
            await self.conn.executemany(sql, rows)

    def discard(self) -> None:
        """Forget what was read, changed and deferred (a savepoint was rolled back, or another event begins)."""
        for repository in self.repositories():
            repository.discard()
        self.deferred = {}

    def begin(self, caller: Caller, delivery: Delivery | None = None) -> None:
        """The next command of this unit of work (a consumer batch has many): its caller and cause, an empty
        outcome; what the repositories read so far stays (the identity map of the batch)."""
        self.caller = caller
        self.delivery = delivery
        self.cause = None if delivery is None else delivery.envelope
        self.emitted = []
        self.results = []


U = TypeVar("U", bound=UnitOfWork)
UnitOfWorkFactory = Callable[[Connection, Caller], U]
"""How the kit makes a service's unit of work for a connection in a transaction and a caller."""


def plain_unit_of_work(producer: str) -> UnitOfWorkFactory[UnitOfWork]:
    """The factory of a service that declares no repository."""

    def make(conn: Connection, caller: Caller) -> UnitOfWork:
        return UnitOfWork(conn, caller, producer=producer)

    return make
