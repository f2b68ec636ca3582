"""What the open-data files are built from, read in one repeatable-read snapshot together with the change cursor
that dates them (so a file and its ETag, Last-Modified and dated name always agree): the kit's territory projection
(territories with the instant of their last change, communes) for the lists, the read models for the figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from tdi_reporting.opendata.schema import Dataset
from tdi_reporting.store import Scope, Snapshot, change_cursor, load_snapshot, load_territories

_TERRITORIES = """
SELECT territory_id, official_id, name, labelled, regions, departements, epci_sirens, active_binomes,
       cardinality(chefs_de_projet) AS chefs_de_projet, as_of
FROM known_territories ORDER BY territory_id
"""
_COMMUNES = "SELECT insee, territory_id, epci_siren, departement, assigned_on FROM known_communes ORDER BY insee"


@dataclass
class Sources:
    """The rows of one dataset as of `cursor` (epoch ms of the last change the reporting consumer applied)."""

    cursor: int
    territories: list[dict[str, Any]] = field(default_factory=list)
    communes: list[dict[str, Any]] = field(default_factory=list)
    snapshot: Snapshot | None = None

    @property
    def changed_at(self) -> datetime | None:
        return changed_at(self.cursor)


def changed_at(cursor: int) -> datetime | None:
    """The instant of the last change (None before any event was applied)."""
    return datetime.fromtimestamp(cursor / 1000, tz=UTC) if cursor else None


async def read_cursor(pool: asyncpg.Pool, group: str) -> int:
    async with pool.acquire() as conn:
        return await change_cursor(conn, group)


async def read_sources(pool: asyncpg.Pool, group: str, dataset: Dataset | None) -> Sources:
    """A dataset's rows (None: the cursor only, for the Data Package), in one snapshot with the cursor."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        sources = Sources(await change_cursor(conn, group))
        if dataset is None:
            return sources
        if dataset.models:
            tmap = await load_territories(conn)
            sources.snapshot = await load_snapshot(conn, tmap, Scope(models=dataset.models))
        else:
            sources.territories = [dict(r) for r in await conn.fetch(_TERRITORIES)]
            sources.communes = [dict(r) for r in await conn.fetch(_COMMUNES)]
        return sources
