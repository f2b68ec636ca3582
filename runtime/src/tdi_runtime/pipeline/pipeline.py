"""The one way a command reaches its handler from a one-command door (HTTP today; later the HTTP ingress, the
Démarches simplifiées connector, webhooks): one transaction, the handler, the flush, the outbox, one commit.

    contract = await pipeline.run(command, caller, expect=VteContract)

The Kafka door is the consumer (`tdi_runtime.consumer`): the same registry and unit of work, one unit of work per
consumer batch. `before_commit` hooks run last in the transaction (e.g. an Idempotency-Key answer kept with the
state it answers for, issue 27).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar, overload

import asyncpg
from starlette.requests import Request

from tdi_runtime.db import Connection
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.pipeline.registry import Registry
from tdi_runtime.pipeline.uow import U, UnitOfWorkFactory

R = TypeVar("R")


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
    async def run(self, command: object, caller: Caller) -> object: ...

    @overload
    async def run(self, command: object, caller: Caller, *, expect: type[R]) -> R: ...

    async def run(self, command: object, caller: Caller, *, expect: type[Any] | None = None) -> object:
        """Apply one command in a transaction of its own; its handler's result (checked to be an `expect`)."""
        async with self.pool.acquire() as conn, conn.transaction():
            result = await self.run_in(conn, command, caller)
        if expect is not None and not isinstance(result, expect):
            raise TypeError(f"{type(command).__name__} gave {type(result).__name__}, not {expect.__name__}")
        return result

    async def run_in(self, conn: Connection, command: object, caller: Caller) -> object:
        """Apply one command in a transaction a door already opened on `conn` (the Démarches simplifiées door: a
        dossier's commands, its applied snapshot and the cursor commit together); the handler's result."""
        registration = self.registry.for_command(command)
        uow = self.unit_of_work(conn, caller)
        result = await registration.handler(command, uow)
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
