"""The actions service's repositories and its unit of work (the kit opens, flushes and commits it).

- `FicheRepository`: fiches by id, each read whole and locked (`FOR UPDATE`, ids sorted) in one query for many, and
  by natural key (`by_keys`: what a creation or an import matches on); every changed fiche written in one
  `executemany` at the flush. Two fiches of one territory never share a natural key: a concurrent request that
  created the same fiche first makes the flush answer `FICHE_ACTION_ALREADY_EXISTS` (the unique index guards).
- `KnownTerritories` (the kit's projection of the territory service's events): is a territory known, labelled,
  in which regions.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg

from tdi_actions import store
from tdi_actions.domain import FicheAction
from tdi_contracts.errors import ErrorCode
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline import Caller, Repository, UnitOfWork, UnitOfWorkFactory
from tdi_runtime.territories import KnownTerritories, TerritoryRef

PRODUCER = "actions"


class FicheRepository(Repository[UUID, FicheAction]):
    async def _load_many(self, keys: list[UUID]) -> dict[UUID, FicheAction]:
        return await store.load_many(self.conn, keys)

    def _key_of(self, aggregate: FicheAction) -> UUID:
        return aggregate.id

    async def _save_many(self, aggregates: list[FicheAction]) -> None:
        try:
            await store.save_all(self.conn, aggregates)
        except asyncpg.UniqueViolationError as race:  # a concurrent request created the same fiche first
            detail = "Une autre requête vient de créer la même fiche action : rien n'a été enregistré, réessayez."
            raise DomainError(ErrorCode.FICHE_ACTION_ALREADY_EXISTS, detail, field="natural_key") from race

    async def _load_by_keys(self, keys: list[str]) -> dict[str, FicheAction]:
        """The port's second read: the stored fiches of these natural keys, locked, in one query."""
        return await store.load_by_keys(self.conn, keys)

    async def by_keys(self, keys: Iterable[str]) -> dict[str, FicheAction]:
        """The stored fiches of these natural keys, locked, seen by this unit of work from now on."""
        found = await self._load_by_keys(sorted(set(keys)))
        for fiche in found.values():
            self._seen.setdefault(fiche.id, fiche)
        return {key: self._seen[fiche.id] or fiche for key, fiche in found.items()}


class ActionsUnitOfWork(UnitOfWork):
    def __init__(
        self, conn: Connection, caller: Caller, *, fiches: FicheRepository, territories: KnownTerritories
    ) -> None:
        super().__init__(conn, caller, producer=PRODUCER)
        self.fiches = fiches
        self.territories = territories

    async def territory(self, any_id: str) -> TerritoryRef:
        """A territory known from the territory service's events (platform or official id), else
        UNKNOWN_TERRITORY (404)."""
        ref = await self.territories.get(any_id)
        if ref is None:
            raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=any_id)
        return ref

    def saved(self, fiche: FicheAction) -> None:
        """The fiche written at the flush, and the facts it established announced with it."""
        self.fiches.changed(fiche)
        self.emit(*fiche.events)
        fiche.events.clear()


def actions_unit_of_work() -> UnitOfWorkFactory[ActionsUnitOfWork]:
    def make(conn: Connection, caller: Caller) -> ActionsUnitOfWork:
        return ActionsUnitOfWork(conn, caller, fiches=FicheRepository(conn), territories=KnownTerritories(conn))

    return make
