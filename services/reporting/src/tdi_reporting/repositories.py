"""Reporting's unit of work (the kit opens, flushes and commits it: one per consumer batch, one per replayed batch).

Reporting declares no repository: a fold reads nothing back, it sends set-based upserts with `uow.defer`, grouped
at the flush into one `executemany` per statement for the whole batch. What this unit of work adds is the event
history (issue 26, `history.py`): the first write of each event also keeps the event in `event_log`, with the facts
(read-model rows) its fold's writes touch, noted as they are deferred. So every fold, the kit's territory projection
included, is kept in the history without knowing it; a replay into a shadow or temporary tables keeps nothing
(`history=False`).
"""

from __future__ import annotations

from typing import Any

from tdi_contracts.envelope import Envelope
from tdi_reporting.history import EVENT_LOG_SQL, facts_of, log_row
from tdi_runtime.db import Connection
from tdi_runtime.delivery import Delivery
from tdi_runtime.pipeline import Caller, UnitOfWork, UnitOfWorkFactory

PRODUCER = "reporting"


class ReportingUnitOfWork(UnitOfWork):
    def __init__(self, conn: Connection, caller: Caller, *, history: bool = True) -> None:
        super().__init__(conn, caller, producer=PRODUCER)
        self.history = history
        """Keep each event folded in `event_log` (live consumer, rebuild); False: fold only (shadow, lineage)."""
        self._logged: Delivery | None = None
        self._facts: list[str] = []

    @property
    def event(self) -> Envelope:
        """The envelope of the event being folded (its id and time: keys and last-writer-wins registers)."""
        if self.cause is None:
            raise RuntimeError("a fold runs on a consumed or logged event, not on a command")
        return self.cause

    async def defer(self, sql: str, *args: Any) -> None:
        """The fold's write, sent at the flush; the event's first write also keeps the event in the history, its
        facts being the list this and its later writes extend (read at the flush, once the fold has run)."""
        await super().defer(sql, *args)
        delivery = self.delivery
        if not self.history or delivery is None:
            return
        if self._logged is not delivery:
            self._logged, self._facts = delivery, []
            await super().defer(EVENT_LOG_SQL, *log_row(delivery, self._facts))
        self._facts.extend(f for f in facts_of(sql, args) if f not in self._facts)

    def discard(self) -> None:
        super().discard()
        self._logged, self._facts = None, []


def reporting_unit_of_work(*, history: bool = True) -> UnitOfWorkFactory[ReportingUnitOfWork]:
    def make(conn: Connection, caller: Caller) -> ReportingUnitOfWork:
        return ReportingUnitOfWork(conn, caller, history=history)

    return make
