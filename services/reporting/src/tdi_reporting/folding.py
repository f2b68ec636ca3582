"""How an event becomes read-model rows: one fold per event class, registered on the kit's typed `Registry`.

A fold is the handler of an event: `(event, uow)`, writing with `uow.defer` (sent at the flush with the rest of
the batch, one `executemany` per statement). Folding a new event type is one function in a `folds_*` module:

    @registry.handles(SomethingHappened)
    async def something_happened(event: SomethingHappened, uow: ReportingUnitOfWork) -> None:
        await uow.defer(UPSERT_SQL, event.some_id, ...)

Every fold must commute with the others (set only its own columns, keyed by a natural id), because deferred
writes are grouped per statement within a batch and a rebuild replays topics in partition order, not in
global order. The live consumer, the rebuild and the replays of the history (shadow, lineage) all run the same
folds through `fold` (the consumer: the kit's `EventConsumer`, on the same unit of work).

**Definitions** (issue 26): the published folds are definition 1 (`registry`). A new way of folding an event type
is registered under a later definition (`@definition(2).handles(GrantCommitted)`) and changes nothing live: `python
-m tdi_reporting shadow --definition 2` folds the event history with it into a shadow schema and `compare` lists
every figure that would change; `TDI_REPORTING_DEFINITION=2` (then `rebuild`) switches to it. Definition N is every
fold of a definition up to N, the highest winning for each event type (`handlers.registry_for`). Every event a fold
applies is kept in `event_log` by the unit of work (`repositories.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from tdi_reporting.history import delivery_of
from tdi_reporting.repositories import ReportingUnitOfWork
from tdi_runtime.db import Connection
from tdi_runtime.delivery import Delivery
from tdi_runtime.pipeline import Caller, Registry
from tdi_runtime.territories import TERRITORY_PROJECTION

registry: Registry[ReportingUnitOfWork] = Registry(TERRITORY_PROJECTION)
"""Definition 1, the published folds (filled by the `folds_*` modules), with the kit's territory projection (the
territory map)."""
DEFINITIONS: dict[int, Registry[ReportingUnitOfWork]] = {1: registry}
"""Definition -> the folds it registers (a later definition only those it changes)."""
SYSTEM = Caller.system("reporting")


def definition(version: int) -> Registry[ReportingUnitOfWork]:
    """The registry of the folds a later definition changes: `@definition(2).handles(GrantCommitted)`."""
    return DEFINITIONS.setdefault(version, Registry())


def upsert_sql(table: str, key: str, columns: tuple[str, ...]) -> str:
    """Insert a fact or set only these columns of it: folds of one fact by different events commute."""
    names = ", ".join((key, *columns))
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 2))
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT ({key}) DO UPDATE SET {sets}"


class UnknownDefinitionError(ValueError):
    pass


async def fold(uow: ReportingUnitOfWork, deliveries: Iterable[Delivery], folds: Registry[ReportingUnitOfWork]) -> int:
    """Fold decoded records outside the consumer (rebuild, replays) as it does: each through its fold on one unit of
    work, their writes flushed once (one `executemany` per statement). Returns the events folded; records that did
    not decode, or of a type without fold, are passed over."""
    folded = 0
    for delivery in deliveries:
        found = folds.for_type(delivery.event_type)
        if delivery.violation is None and found is not None:
            uow.begin(SYSTEM, delivery)
            await found.handler(delivery.payload, uow)
            folded += 1
    await uow.flush()
    return folded


async def replay(conn: Any, rows: Iterable[Any], folds: Registry[ReportingUnitOfWork]) -> int:
    """Fold logged events (`event_log` rows) again through `folds` on `conn`, e.g. an `AsOfConnection` onto a
    shadow schema or temporary tables, keeping nothing in the history. Returns the events folded."""
    uow = ReportingUnitOfWork(cast(Connection, conn), SYSTEM, history=False)  # the flush only runs executemany
    return await fold(uow, (delivery_of(row) for row in rows), folds)
