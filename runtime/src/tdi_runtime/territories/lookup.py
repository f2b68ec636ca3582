"""Reads of the projection at decision time: a territory by either id, the territory of a commune, a list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from tdi_runtime.db import Connection


@dataclass(frozen=True)
class TerritoryRef:
    """What a consuming service knows of a territory, as of its last reference revision."""

    territory_id: str
    official_id: str | None
    name: str
    labelled: bool
    regions: tuple[str, ...]
    departements: tuple[str, ...]
    epci_sirens: tuple[str, ...]
    active_binomes: int
    chefs_de_projet: tuple[UUID, ...]
    revision: int

    @property
    def epci_count(self) -> int:
        """Member EPCI today (0 until the open data or a join made them known)."""
        return len(self.epci_sirens)


_COLUMNS = (
    "territory_id, official_id, name, labelled, regions, departements, epci_sirens, active_binomes,"
    " chefs_de_projet, revision"
)


def _ref(row: Any) -> TerritoryRef:
    return TerritoryRef(
        territory_id=row["territory_id"],
        official_id=row["official_id"],
        name=row["name"],
        labelled=row["labelled"],
        regions=tuple(row["regions"]),
        departements=tuple(row["departements"]),
        epci_sirens=tuple(row["epci_sirens"]),
        active_binomes=row["active_binomes"],
        chefs_de_projet=tuple(row["chefs_de_projet"]),
        revision=row["revision"],
    )


async def find_territory(conn: Connection, any_id: str) -> TerritoryRef | None:
    """A territory by its platform id (tdi-44-grand-reims) or its official id (ti-8413)."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM known_territories WHERE territory_id = $1"
        " UNION ALL"
        f" SELECT {_COLUMNS} FROM known_territories WHERE official_id = $1 LIMIT 1",
        any_id,
    )
    return None if row is None else _ref(row)


async def territory_of_commune(conn: Connection, insee: str) -> TerritoryRef | None:
    """The territory a commune was assigned to (None when no territory event named the commune)."""
    row = await conn.fetchrow(
        f"SELECT {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM known_communes c JOIN known_territories t USING (territory_id) WHERE c.insee = $1",
        insee,
    )
    return None if row is None else _ref(row)


async def find_territories(conn: Connection, any_ids: Iterable[str]) -> dict[str, TerritoryRef]:
    """`find_territory` of many ids in one query: each id found, by platform id first, then official id."""
    rows = await conn.fetch(
        f"SELECT q.any_id, {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM unnest($1::text[]) AS q(any_id)"
        " JOIN known_territories t ON t.territory_id = q.any_id OR t.official_id = q.any_id",
        sorted(set(any_ids)),
    )
    found: dict[str, TerritoryRef] = {}
    for row in rows:  # a platform id wins over another territory's equal official id, as in find_territory
        if row["any_id"] not in found or row["territory_id"] == row["any_id"]:
            found[row["any_id"]] = _ref(row)
    return found


async def territories_of_communes(conn: Connection, insees: Iterable[str]) -> dict[str, TerritoryRef]:
    """`territory_of_commune` of many communes in one query (a commune no territory event named is absent)."""
    rows = await conn.fetch(
        f"SELECT c.insee, {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM known_communes c JOIN known_territories t USING (territory_id) WHERE c.insee = ANY($1::text[])",
        sorted(set(insees)),
    )
    return {row["insee"]: _ref(row) for row in rows}


async def list_territories(
    conn: Connection, region: str | None = None, departement: str | None = None
) -> list[TerritoryRef]:
    """Known territories, optionally those of one region and/or one département, by platform id."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM known_territories"
        " WHERE ($1::text IS NULL OR $1 = ANY(regions)) AND ($2::text IS NULL OR $2 = ANY(departements))"
        " ORDER BY territory_id",
        region,
        departement,
    )
    return [_ref(r) for r in rows]
