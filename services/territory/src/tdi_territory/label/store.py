"""SQL of the list of territories and their label: the annex's at first start, errata, a territory entered
later, a label withdrawn, official ids."""

from collections.abc import Sequence
from datetime import date

from tdi_runtime.db import Connection
from tdi_territory.domain import Territory, normalise_name
from tdi_territory.reference.catalogue import ReferenceTerritory
from tdi_territory.store import Row


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


async def insert_territory(conn: Connection, territory: Territory, labelled_on: date) -> None:
    """A territory added after the first start; its label is announced with the transaction's events."""
    await conn.execute(
        "INSERT INTO territories (id, official_id, name, name_normalised, departements, regions, interregional,"
        " labelled_on, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)",
        territory.id,
        territory.official_id,
        territory.name,
        normalise_name(territory.name),
        list(territory.departements),
        list(territory.regions),
        territory.interregional,
        labelled_on,
    )


async def holder_of_name_or_official_id(conn: Connection, territory: Territory) -> Row | None:
    """A territory already listed under the same platform id, name (normalised) or official id."""
    return await conn.fetchrow(
        "SELECT id, name, official_id FROM territories"
        " WHERE id = $1 OR name_normalised = $2 OR official_id = $3 LIMIT 1",
        territory.id,
        normalise_name(territory.name),
        territory.official_id,
    )


async def reference_rows(conn: Connection) -> dict[str, Row]:
    """What the database holds of each territory's reference data (name, départements, regions)."""
    rows = await conn.fetch("SELECT id, name, departements, regions, interregional FROM territories")
    return {r["id"]: r for r in rows}


async def correct_reference(conn: Connection, territory: ReferenceTerritory) -> None:
    """An erratum of the annex (name, départements) reaching a database seeded before it."""
    await conn.execute(
        "UPDATE territories SET name = $2, name_normalised = $3, departements = $4, regions = $5,"
        " interregional = $6 WHERE id = $1",
        territory.id,
        territory.name,
        normalise_name(territory.name),
        list(territory.departements),
        list(territory.regions),
        territory.interregional,
    )


async def set_official_id(conn: Connection, territory_id: str, official_id: str) -> None:
    await conn.execute("UPDATE territories SET official_id = $2 WHERE id = $1", territory_id, official_id)


async def official_ids(conn: Connection) -> dict[str, str | None]:
    return {r["id"]: r["official_id"] for r in await conn.fetch("SELECT id, official_id FROM territories")}


async def listed_territories(conn: Connection) -> list[ReferenceTerritory]:
    """Every territory the database lists (the annex's and any entered since), as the open-data load matches them."""
    rows = await conn.fetch("SELECT id, official_id, name, departements, regions, interregional FROM territories")
    return [
        ReferenceTerritory(
            r["id"], r["official_id"], r["name"], tuple(r["departements"]), tuple(r["regions"]), r["interregional"], ()
        )
        for r in rows
    ]
