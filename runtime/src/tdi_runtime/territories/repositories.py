"""The projection as read-only repositories of a unit of work: a territory read twice in a batch is read once.

class MyUnitOfWork(UnitOfWork):
    def __init__(self, conn, caller) -> None:
        ...
        self.territories = KnownTerritories(conn)       # by platform (tdi-…) or official (ti-…) id
        self.communes = CommuneTerritories(conn)        # the territory a commune is in
"""

from __future__ import annotations

from tdi_runtime.pipeline.repository import Repository
from tdi_runtime.territories.lookup import TerritoryRef, find_territories, territories_of_communes


class KnownTerritories(Repository[str, TerritoryRef]):
    """Territories by either id (`find_territories`: the platform id wins over another's equal official id)."""

    async def _load_many(self, keys: list[str]) -> dict[str, TerritoryRef]:
        return await find_territories(self.conn, keys)


class CommuneTerritories(Repository[str, TerritoryRef]):
    """The territory of each commune (INSEE code) a territory event named."""

    async def _load_many(self, keys: list[str]) -> dict[str, TerritoryRef]:
        return await territories_of_communes(self.conn, keys)
