"""How an event becomes read-model rows: a registry of fold functions, one per event type.

A fold is a small async function of the kit's `HandlerContext` that writes with `ctx.defer` (batched with the
rest of the consumer's batch). Folding a new event type is one function:

    @folds(SomethingHappened)
    async def something_happened(ctx: HandlerContext) -> None:
        await ctx.defer(UPSERT_SQL, ctx.payload.some_id, ...)

Every fold must commute with the others (set only its own columns, keyed by a natural id), because deferred
writes are grouped per statement within a batch and a rebuild replays topics in partition order, not in
global order.
"""

from __future__ import annotations

from collections.abc import Callable

from tdi_contracts.base import ContractModel
from tdi_contracts.registry import spec_for
from tdi_runtime.handling import Handler
from tdi_runtime.territories import territory_handlers

FOLDS: dict[str, Handler] = {}
"""Event type -> fold, filled by the `@folds` decorators of the folds_* modules."""


def folds(*models: type[ContractModel]) -> Callable[[Handler], Handler]:
    """Register a fold for one or more event types (e.g. several versions of one event)."""

    def register(fold: Handler) -> Handler:
        for model in models:
            FOLDS[spec_for(model).type] = fold
        return fold

    return register


def upsert_sql(table: str, key: str, columns: tuple[str, ...]) -> str:
    """Insert a fact or set only these columns of it: folds of one fact by different events commute."""
    names = ", ".join((key, *columns))
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 2))
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT ({key}) DO UPDATE SET {sets}"


def reporting_handlers() -> dict[str, Handler]:
    """Every fold of the service, with the kit's territory projection (the territory map)."""
    from tdi_reporting import (  # noqa: F401  (registers)
        folds_actions,
        folds_funding,
        folds_registers,
        folds_territory,
        folds_vte,
    )

    return {**territory_handlers(), **FOLDS}
