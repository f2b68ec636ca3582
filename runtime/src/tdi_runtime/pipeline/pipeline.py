"""The one way a command reaches its handler from a one-command door (HTTP today; later the HTTP ingress, the
Démarches simplifiées connector, webhooks): one transaction, the handler, the flush, the outbox, one commit.

    contract = await pipeline.run(command, caller, expect=VteContract)

The Kafka door is the consumer (`tdi_runtime.consumer`): the same registry and unit of work, one unit of work per
consumer batch. `before_commit` hooks run last in the transaction.

An HTTP command sent with an Idempotency-Key may already have its transaction (issue 27): the kit's middleware
opened it, holds the key in it, and commits it with the answer once the route answered (`RequestTransaction`,
`tdi_runtime.idempotency`). `run` then applies the command in that transaction and leaves the commit to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

import asyncpg
from starlette.requests import Request

from tdi_runtime.db import Connection
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.pipeline.registry import Registry
from tdi_runtime.pipeline.uow import U, UnitOfWorkFactory

R = TypeVar("R")


@dataclass
class RequestTransaction:
    """The transaction of one HTTP request, opened by the Idempotency-Key middleware (`conn`), or None when the
    middleware only watches whether the route runs its command through the pipeline (`runs`)."""

    conn: Connection | None = None
    runs: int = 0
    failed: bool = False
    """The command raised in the request's transaction: what it wrote there must be rolled back."""


REQUEST_TRANSACTION: ContextVar[RequestTransaction | None] = ContextVar("tdi_request_transaction", default=None)


class Pipeline(Generic[U]):
    def __init__(
        self,
        registry: Registry[U],
        unit_of_work: UnitOfWorkFactory[U],
        pool: asyncpg.Pool,
        outbox: Outbox,
        *,
        before_commit: Sequence[Callable[[U], Awaitable[None]]] = (),
    ) -> None:
        self.registry = registry
        self.unit_of_work = unit_of_work
        self.pool = pool
        self.outbox = outbox
        self.before_commit = tuple(before_commit)

    @overload
    async def run(self, command: object, caller: Caller, *, conn: Connection | None = None) -> object: ...

    @overload
    async def run(self, command: object, caller: Caller, *, expect: type[R], conn: Connection | None = None) -> R: ...

    async def run(
        self, command: object, caller: Caller, *, expect: type[Any] | None = None, conn: Connection | None = None
    ) -> object:
        """Apply one command in a transaction of its own; its handler's result (checked to be an `expect`).

        `conn`: run inside that connection's open transaction instead (a door that commits its own records with
        the command, e.g. the Démarches simplifiées door's cursor): a savepoint, so a refused command leaves
        nothing behind and the caller's transaction goes on; the commit is the caller's."""
        registration = self.registry.for_command(command)
        request = REQUEST_TRANSACTION.get()
        if conn is not None:  # the door's transaction: a savepoint of it
            async with conn.transaction():
                result = await self._apply(conn, registration.handler, command, caller)
        elif request is not None and request.conn is not None:
            request.runs += 1
            try:
                result = await self._apply(request.conn, registration.handler, command, caller)
            except BaseException:
                request.failed = True
                raise
        else:
            if request is not None:
                request.runs += 1
            async with self.pool.acquire() as used, used.transaction():
                result = await self._apply(used, registration.handler, command, caller)
        if expect is not None and not isinstance(result, expect):
            raise TypeError(f"{type(command).__name__} gave {type(result).__name__}, not {expect.__name__}")
        return result

    async def _apply(
        self, conn: Connection, handler: Callable[..., Awaitable[Any]], command: object, caller: Caller
    ) -> Any:
        uow = self.unit_of_work(conn, caller)
        result = await handler(command, uow)
        await uow.flush()
        await self.outbox.add(conn, uow.emitted)
        for hook in self.before_commit:
            await hook(uow)
        return result

    @staticmethod
    def of(request: Request) -> Pipeline[Any]:
        """The service's pipeline, for a route (`create_service_app(registry=…, uow=…)` builds it at start)."""
        found: Pipeline[Any] | None = request.app.state.runtime.pipeline
        if found is None:
            raise RuntimeError("this service declared no registry: create_service_app(registry=..., uow=...)")
        return found
