"""How an event becomes read-model rows: a registry of fold functions, one per event type.

A fold is a small async function of the kit's `HandlerContext` that writes with `ctx.defer` (batched with the
rest of the consumer's batch). Folding a new event type is one function:

    @folds(SomethingHappened)
    async def something_happened(ctx: HandlerContext) -> None:
        await ctx.defer(UPSERT_SQL, ctx.payload.some_id, ...)

Every fold must commute with the others (set only its own columns, keyed by a natural id), because deferred
writes are grouped per statement within a batch and a rebuild replays topics in partition order, not in
global order.

**Definitions** (issue 26): the published folds are definition 1. A new way of folding an event type is registered
under a later definition (`@folds(GrantCommitted, version=2)`) and changes nothing live: `python -m tdi_reporting
shadow --definition 2` folds the event history with it into a shadow schema and `compare` lists every figure that
would change; `TDI_REPORTING_DEFINITION=2` (then `rebuild`) switches to it. Definition N is every fold of a
definition up to N, the highest winning for each event type. Every fold is wrapped by `history.logged`, which keeps
the event and the facts it wrote in `event_log`.
"""

from __future__ import annotations

from collections.abc import Callable

from tdi_contracts.base import ContractModel
from tdi_contracts.registry import spec_for
from tdi_runtime.handling import Handler
from tdi_runtime.territories import territory_handlers

FOLDS: dict[str, Handler] = {}
"""Event type -> fold of the published definition (1), filled by the `@folds` decorators of the folds_* modules."""
DEFINITIONS: dict[int, dict[str, Handler]] = {1: FOLDS}
"""Definition -> the folds it registers (a later definition only those it changes)."""


def folds(*models: type[ContractModel], version: int = 1) -> Callable[[Handler], Handler]:
    """Register a fold for one or more event types (e.g. several versions of one event), in a definition."""

    def register(fold: Handler) -> Handler:
        for model in models:
            DEFINITIONS.setdefault(version, {})[spec_for(model).type] = fold
        return fold

    return register


def upsert_sql(table: str, key: str, columns: tuple[str, ...]) -> str:
    """Insert a fact or set only these columns of it: folds of one fact by different events commute."""
    names = ", ".join((key, *columns))
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 2))
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT ({key}) DO UPDATE SET {sets}"


class UnknownDefinitionError(ValueError):
    pass


def reporting_handlers(definition: int = 1, *, logged: bool = True) -> dict[str, Handler]:
    """Every fold of the service in a definition, with the kit's territory projection (the territory map), each
    keeping its event in the history (`history.logged`; `logged=False`: folds alone, to fold the history again)."""
    from tdi_reporting import (  # noqa: F401  (registers)
        folds_actions,
        folds_funding,
        folds_partners,
        folds_registers,
        folds_territory,
        folds_vte,
    )
    from tdi_reporting.history import logged_handlers

    if definition not in DEFINITIONS:
        raise UnknownDefinitionError(f"no fold definition {definition}: known {sorted(DEFINITIONS)}")
    handlers = {**territory_handlers()}
    for version in sorted(v for v in DEFINITIONS if v <= definition):
        handlers.update(DEFINITIONS[version])
    return logged_handlers(handlers) if logged else handlers
