"""Reads of the reporting service: one consistent snapshot, filters resolved at the edge, rows and figures."""

from __future__ import annotations

from typing import Any

import asyncpg

from tdi_contracts.reference import Departement
from tdi_reporting import views
from tdi_reporting.domain import Filters, Level
from tdi_reporting.store import Snapshot, change_cursor, load_snapshot
from tdi_runtime.access import Access
from tdi_runtime.errors import NotFoundError

UNKNOWN_TERRITORY = "Le territoire « {} » n'est pas un Territoire d'industrie connu du tableau de bord."
UNKNOWN_READ_MODEL = "Le jeu de données « {} » n'existe pas ; jeux de données disponibles : {}."


class Reporting:
    """The read side: what the routes, the exports and the live feed ask for."""

    def __init__(self, pool: asyncpg.Pool, group: str) -> None:
        self.pool = pool
        self.group = group

    async def snapshot(self) -> Snapshot:
        async with self.pool.acquire() as conn:
            return await load_snapshot(conn)

    async def cursor(self) -> int:
        async with self.pool.acquire() as conn:
            return await change_cursor(conn, self.group)

    @staticmethod
    def filters(
        snapshot: Snapshot, region: str | None, departement: str | None, territory: str | None, access: Access
    ) -> Filters:
        """The page's filters; a territory may be quoted by its platform id or its official id. A regional
        caller's filters are narrowed to its region; another region's territory or département is refused."""
        if territory:
            found = snapshot.territories.resolve(territory)
            if found is None:
                raise NotFoundError(UNKNOWN_TERRITORY.format(territory), code="UNKNOWN_TERRITORY")
            access.require_region(found.regions)
            territory = found.territory_id
        if departement:
            access.require_region(Departement(str(departement)).region.value)
        region = access.region_filter(str(region) if region else None)
        return Filters(region, str(departement) if departement else None, territory or None)

    async def rows(
        self,
        name: str,
        level: Level,
        region: str | None,
        departement: str | None,
        territory: str | None,
        access: Access,
    ) -> tuple[Filters, list[dict[str, Any]]]:
        if name not in views.NAMES:
            raise NotFoundError(UNKNOWN_READ_MODEL.format(name, ", ".join(views.NAMES)))
        snapshot = await self.snapshot()
        filters = self.filters(snapshot, region, departement, territory, access)
        return filters, views.rows(snapshot, name, level, filters)

    async def figures(
        self, region: str | None, departement: str | None, territory: str | None, access: Access
    ) -> dict[str, Any]:
        snapshot = await self.snapshot()
        return views.figures(snapshot, self.filters(snapshot, region, departement, territory, access))
