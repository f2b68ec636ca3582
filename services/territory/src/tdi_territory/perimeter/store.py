"""SQL of a territory's perimeter: EPCI memberships over time and the communes it holds."""

from collections.abc import Sequence
from datetime import date

from tdi_runtime.db import Connection
from tdi_territory.perimeter.domain import Epci
from tdi_territory.store import Row


async def epci_holder(conn: Connection, siren: str) -> Row | None:
    """The territory an EPCI is in now (its open membership, locked), or None."""
    return await conn.fetchrow(
        "SELECT m.territory_id, t.name FROM epci_memberships m JOIN territories t ON t.id = m.territory_id"
        " WHERE m.siren = $1 AND m.left_on IS NULL FOR UPDATE OF m",
        siren,
    )


async def open_memberships(conn: Connection) -> dict[str, str]:
    return {
        r["siren"]: r["territory_id"]
        for r in await conn.fetch("SELECT siren, territory_id FROM epci_memberships WHERE left_on IS NULL")
    }


async def join_epci(conn: Connection, territory_id: str, epci: Epci, joined_on: date) -> None:
    await conn.execute(
        "INSERT INTO epci_memberships (siren, name, nature_juridique, territory_id, joined_on)"
        " VALUES ($1, $2, $3, $4, $5)",
        epci.siren,
        epci.name,
        epci.nature_juridique.value,
        territory_id,
        joined_on,
    )


async def leave_epci(conn: Connection, territory_id: str, siren: str, left_on: date) -> None:
    await conn.execute(
        "UPDATE epci_memberships SET left_on = $3 WHERE territory_id = $1 AND siren = $2 AND left_on IS NULL",
        territory_id,
        siren,
        left_on,
    )


async def assigned_communes(conn: Connection) -> dict[str, str]:
    return {r["insee"]: r["territory_id"] for r in await conn.fetch("SELECT insee, territory_id FROM communes")}


async def assign_communes(conn: Connection, rows: Sequence[tuple[str, str, str, str, str | None, date]]) -> None:
    """(insee, name, territory id, département, EPCI siren or None, date) per commune."""
    await conn.executemany(
        "INSERT INTO communes (insee, name, territory_id, departement, epci_siren, assigned_on)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        rows,
    )


async def territory_of_commune(conn: Connection, insee: str) -> Row | None:
    return await conn.fetchrow("SELECT insee, name, departement, territory_id FROM communes WHERE insee = $1", insee)
