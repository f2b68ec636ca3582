"""Reads of the reporting service: one consistent snapshot, filters resolved at the edge, rows and figures."""

from __future__ import annotations

from typing import Any

import asyncpg

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Departement
from tdi_reporting import views
from tdi_reporting.asof import AsOf, AsOfConnection, Situation, live_situation, overlay, situation_at
from tdi_reporting.domain import Filters, Level, TerritoryMap
from tdi_reporting.ledger import Rules
from tdi_reporting.registers import registers_figures
from tdi_reporting.store import (
    REGISTER_TABLES,
    Scope,
    Snapshot,
    change_cursor,
    load_snapshot,
    load_territories,
    tables_of,
)
from tdi_reporting.visibility import narrowed
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import REGION_ROLES, TERRITORY_ROLE, Caller

FIGURES = "figures"
"""The dashboard's document (every read model and the map), as a view name of `Reporting.read`."""
UNKNOWN_READ_MODEL = "Le jeu de données « {} » n'existe pas ; jeux de données disponibles : {}."


class Reporting:
    """The read side: what the routes, the exports and the live feed ask for."""

    def __init__(self, pool: asyncpg.Pool, group: str, ledger_rules: Rules | None = None) -> None:
        self.pool = pool
        self.group = group
        self.ledger_rules = ledger_rules or Rules()

    async def read(
        self,
        view: str,
        region: str | None,
        departement: str | None,
        territory: str | None,
        access: Caller,
        as_of: AsOf | None = None,
    ) -> tuple[Filters, Snapshot]:
        """The filters and the rows one view needs (`view`: a read model's name, or `FIGURES` for the dashboard's
        document), in one repeatable-read transaction so that the figures agree with each other: today's rows, or
        with `as_of` those the platform knew then (`asof.py`). `Snapshot.situation` says which tick they are."""
        models = frozenset(views.NAMES if view == FIGURES else (view,))
        async with self.pool.acquire() as conn:
            if as_of is None:
                async with conn.transaction(isolation="repeatable_read", readonly=True):
                    situation = await live_situation(conn)
                    return await self._read(conn, models, view, region, departement, territory, access, situation)
            async with conn.transaction(isolation="repeatable_read"):  # temporary tables: not read-only
                situation = await situation_at(conn, as_of)
                tables = tables_of(models) | (REGISTER_TABLES if view == FIGURES else set())
                reader = await overlay(conn, situation.tick, tables)
                return await self._read(reader, models, view, region, departement, territory, access, situation)

    async def _read(
        self,
        conn: Connection | AsOfConnection,
        models: frozenset[str],
        view: str,
        region: str | None,
        departement: str | None,
        territory: str | None,
        access: Caller,
        situation: Situation,
    ) -> tuple[Filters, Snapshot]:
        tmap = await load_territories(conn)
        filters = self.filters(tmap, region, departement, territory, access)
        figures = view == FIGURES
        scope = Scope(
            models=models,
            territories=_ids(tmap, filters) if filters.any else None,
            programme=access.programme if access.role == "instructor" else None,
            with_map=figures,
            map_territories=_map_territories(tmap, filters, access),
        )
        snapshot = await load_snapshot(conn, tmap, scope)
        snapshot.situation = situation
        if figures:  # the registers (issue 24): entries of their own, not of the map, in the same transaction
            snapshot.registers = await registers_figures(conn, filters)
        snapshot.ledger_rules = self.ledger_rules
        return filters, snapshot

    async def cursor(self) -> int:
        async with self.pool.acquire() as conn:
            return await change_cursor(conn, self.group)

    @staticmethod
    def filters(
        tmap: TerritoryMap, region: str | None, departement: str | None, territory: str | None, access: Caller
    ) -> Filters:
        """The page's filters; a territory may be quoted by its platform id or its official id. A regional
        caller's filters are narrowed to its region; another region's territory or département is refused. A
        territory caller's are narrowed to its territory (issue 24): another is 403 OUT_OF_TERRITORY, judged on the
        ids of the territory resolved (its token may name it by its official id, the filter by its platform id)."""
        territory = territory or access.territory_filter(None)
        if territory:
            found = tmap.resolve(territory)
            if found is None:
                raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory", value=territory)
            access.require_region(found.regions)
            access.require_territory((found.territory_id, found.official_id))
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
        access: Caller,
        as_of: AsOf | None = None,
    ) -> tuple[Filters, list[dict[str, Any]]]:
        filters, found, _ = await self.situated_rows(name, level, region, departement, territory, access, as_of)
        return filters, found

    async def situated_rows(
        self,
        name: str,
        level: Level,
        region: str | None,
        departement: str | None,
        territory: str | None,
        access: Caller,
        as_of: AsOf | None = None,
    ) -> tuple[Filters, list[dict[str, Any]], Situation]:
        """`rows`, and the tick and instant they describe."""
        if name not in views.NAMES:
            raise DomainError(ErrorCode.NOT_FOUND, UNKNOWN_READ_MODEL.format(name, ", ".join(views.NAMES)))
        filters, snapshot = await self.read(name, region, departement, territory, access, as_of)
        situation = snapshot.situation or Situation(0, None)
        return filters, views.rows(snapshot, name, level, filters, access), situation

    async def ledger(
        self,
        year: int | None,
        region: str | None,
        departement: str | None,
        territory: str | None,
        access: Caller,
        as_of: AsOf | None = None,
    ) -> dict[str, Any]:
        """The money ledger within the filters (and a year): its lines, its gaps, their totals and how many gaps
        remain unexplained, now or as of a date."""
        filters, snapshot = await self.read(views.LEDGER, region, departement, territory, access, as_of)
        lines = views.rows(snapshot, views.LEDGER, Level.NATIONAL, filters, access)
        gaps = narrowed(views.ledger_rows(snapshot, views.GAPS, filters), views.GAPS, access)
        if year is not None:
            lines = [r for r in lines if r["annee"] == year]
            gaps = [g for g in gaps if g["annee"] == year]
        amounts = ("engage_centimes", "verse_etat_centimes", "verse_operateur_centimes")
        return {
            "situation": (snapshot.situation or Situation(0, None)).as_json(),
            "filtres": {"region": filters.region, "departement": filters.departement, "territoire": filters.territory},
            "annee": year,
            "totaux": {a: sum(r[a] for r in lines) for a in amounts},
            "lignes": lines,
            "ecarts": gaps,
            "ecarts_non_expliques": sum(not g["explique"] for g in gaps),
            "colonnes_lignes": list(views.columns_of(views.LEDGER)),
            "colonnes_ecarts": list(views.columns_of(views.GAPS)),
        }

    async def figures(
        self,
        region: str | None,
        departement: str | None,
        territory: str | None,
        access: Caller,
        as_of: AsOf | None = None,
    ) -> dict[str, Any]:
        filters, snapshot = await self.read(FIGURES, region, departement, territory, access, as_of)
        figures = views.figures(snapshot, filters, access)
        figures["registres"] = snapshot.registers
        return figures


def _map_territories(tmap: TerritoryMap, filters: Filters, access: Caller) -> tuple[str, ...] | None:
    """The territories the dashboard's map counts: a regional caller's region, a territory caller's own territory
    (its filters always name it), everything for the others (None)."""
    if access.role in REGION_ROLES:
        return _ids(tmap, Filters(region=access.region))
    if access.role == TERRITORY_ROLE:
        return _ids(tmap, Filters(territory=filters.territory))
    return None


def _ids(tmap: TerritoryMap, filters: Filters) -> tuple[str, ...]:
    """The ids (platform and official: a fact may quote either) of the territories within the filters."""
    return tuple(i for t in tmap.territories if filters.admits(t) for i in (t.territory_id, t.official_id) if i)
