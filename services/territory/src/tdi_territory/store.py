"""SQL of the territory service (asyncpg, explicit queries); every function runs on the caller's connection."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tdi_runtime.db import Connection
from tdi_territory.announcements import TerritoryState
from tdi_territory.domain import normalise_name
from tdi_territory.reference.catalogue import ReferenceTerritory

Row = Any  # an asyncpg Record: read by column name

TERRITORY_COLUMNS = "id, official_id, name, departements, regions, interregional, labelled_for_temps_ii, status"


async def territory_count(conn: Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM territories"))


async def insert_reference(conn: Connection, territories: Sequence[ReferenceTerritory]) -> None:
    await conn.executemany(
        "INSERT INTO territories (id, official_id, name, name_normalised, departements, regions, interregional)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            (
                t.id,
                t.official_id,
                t.name,
                normalise_name(t.name),
                list(t.departements),
                list(t.regions),
                t.interregional,
            )
            for t in territories
        ],
    )


async def find_territory(conn: Connection, any_id: str, *, for_update: bool = False) -> Row | None:
    """A territory by its platform id or its official id (`for_update` serialises changes to it)."""
    lock = " FOR UPDATE" if for_update else ""
    query = f"SELECT {TERRITORY_COLUMNS}, label_announced FROM territories WHERE id = $1 OR official_id = $1{lock}"
    return await conn.fetchrow(query, any_id)


async def search(
    conn: Connection, region: str | None, departement: str | None, interregional: bool | None, q: str | None
) -> list[Row]:
    return list(
        await conn.fetch(
            f"SELECT {TERRITORY_COLUMNS} FROM territories"
            " WHERE ($1::text IS NULL OR $1 = ANY (regions)) AND ($2::text IS NULL OR $2 = ANY (departements))"
            " AND ($3::boolean IS NULL OR interregional = $3)"
            " AND ($4::text IS NULL OR name_normalised LIKE '%' || $4 || '%') ORDER BY name_normalised",
            region,
            departement,
            interregional,
            normalise_name(q) if q else None,
        )
    )


async def next_state(conn: Connection, territory_id: str) -> TerritoryState:
    """Bump the territory's revision and read its full state (call once per changed territory and transaction)."""
    row = await conn.fetchrow(
        "UPDATE territories SET revision = revision + 1, updated_at = now() WHERE id = $1"
        " RETURNING id, official_id, name, departements, regions, labelled_for_temps_ii, revision, updated_at",
        territory_id,
    )
    return await _state(conn, row)


async def current_state(conn: Connection, territory_id: str) -> TerritoryState:
    row = await conn.fetchrow(
        "SELECT id, official_id, name, departements, regions, labelled_for_temps_ii, revision, updated_at"
        " FROM territories WHERE id = $1",
        territory_id,
    )
    return await _state(conn, row)


async def _state(conn: Connection, row: Row) -> TerritoryState:
    tid = row["id"]
    sirens = await conn.fetch(
        "SELECT siren FROM epci_memberships WHERE territory_id = $1 AND left_on IS NULL ORDER BY joined_on, id", tid
    )
    binomes = await conn.fetchval("SELECT count(*) FROM binomes WHERE territory_id = $1 AND ended_on IS NULL", tid)
    posts = await conn.fetch(
        "SELECT p.id FROM chef_de_projet_posts p JOIN chef_de_projet_territories t ON t.post_id = p.id"
        " WHERE t.territory_id = $1 AND p.ended_on IS NULL ORDER BY p.started_on, p.id",
        tid,
    )
    return TerritoryState(
        id=tid,
        official_id=row["official_id"],
        name=row["name"],
        departements=tuple(row["departements"]),
        regions=tuple(row["regions"]),
        labelled=row["labelled_for_temps_ii"],
        revision=row["revision"],
        epci_sirens=tuple(r["siren"] for r in sirens),
        active_binomes=int(binomes),
        chefs_de_projet=tuple(r["id"] for r in posts),
        as_of=row["updated_at"].astimezone(UTC) if isinstance(row["updated_at"], datetime) else row["updated_at"],
    )


async def mark_label_announced(conn: Connection, territory_id: str) -> None:
    await conn.execute("UPDATE territories SET label_announced = true WHERE id = $1", territory_id)


async def set_official_id(conn: Connection, territory_id: str, official_id: str) -> None:
    await conn.execute("UPDATE territories SET official_id = $2 WHERE id = $1", territory_id, official_id)


async def official_ids(conn: Connection) -> dict[str, str | None]:
    return {r["id"]: r["official_id"] for r in await conn.fetch("SELECT id, official_id FROM territories")}
