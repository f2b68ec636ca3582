"""Reads of the reporting service: one consistent snapshot, filters resolved at the edge, rows and figures."""

from __future__ import annotations

from typing import Any

import asyncpg

from tdi_contracts.reference import Departement
from tdi_reporting import views
from tdi_reporting.domain import Filters, Level, TerritoryMap
from tdi_reporting.registers import registers_figures
from tdi_reporting.store import Scope, Snapshot, change_cursor, load_snapshot, load_territories
from tdi_runtime.access import Access
from tdi_runtime.errors import NotFoundError

UNKNOWN_TERRITORY = "Le territoire « {} » n'est pas un Territoire d'industrie connu du tableau de bord."
FIGURES = "figures"
"""The dashboard's document (every read model and the map), as a view name of `Reporting.read`."""
UNKNOWN_READ_MODEL = "Le jeu de données « {} » n'existe pas ; jeux de données disponibles : {}."


class Reporting:
    """The read side: what the routes, the exports and the live feed ask for."""

    def __init__(self, pool: asyncpg.Pool, group: str) -> None:
        self.pool = pool
        self.group = group

    async def read(
        self, view: str, region: str | None, departement: str | None, territory: str | None, access: Access
    ) -> tuple[Filters, Snapshot]:
        """The filters and the rows one view needs (`view`: a read model's name, or `FIGURES` for the dashboard's
        document), in one repeatable-read transaction so that the figures agree with each other."""
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            tmap = await load_territories(conn)
            filters = self.filters(tmap, region, departement, territory, access)
            figures = view == FIGURES
            scope = Scope(
                models=frozenset(views.NAMES if figures else (view,)),
                territories=_ids(tmap, filters) if filters.any else None,
                programme=access.programme if access.role == "instructor" else None,
                with_map=figures,
                map_territories=_ids(tmap, Filters(region=access.region)) if access.role == "regional" else None,
            )
            return filters, await load_snapshot(conn, tmap, scope)

    async def cursor(self) -> int:
        async with self.pool.acquire() as conn:
            return await change_cursor(conn, self.group)

    @staticmethod
    def filters(
        tmap: TerritoryMap, region: str | None, departement: str | None, territory: str | None, access: Access
    ) -> Filters:
        """The page's filters; a territory may be quoted by its platform id or its official id. A regional
        caller's filters are narrowed to its region; another region's territory or département is refused."""
        if territory:
            found = tmap.resolve(territory)
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
        filters, snapshot = await self.read(name, region, departement, territory, access)
        return filters, views.rows(snapshot, name, level, filters, access)

    async def figures(
        self, region: str | None, departement: str | None, territory: str | None, access: Access
    ) -> dict[str, Any]:
        filters, snapshot = await self.read(FIGURES, region, departement, territory, access)
        figures = views.figures(snapshot, filters, access)
        async with self.pool.acquire() as conn:  # the registers (issue 24): entries of their own, not of the map
            figures["registres"] = await registers_figures(conn, filters)
        return figures


def _ids(tmap: TerritoryMap, filters: Filters) -> tuple[str, ...]:
    """The ids (platform and official: a fact may quote either) of the territories within the filters."""
    return tuple(i for t in tmap.territories if filters.admits(t) for i in (t.territory_id, t.official_id) if i)
