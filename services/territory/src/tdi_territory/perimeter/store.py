"""SQL of a territory's perimeter: EPCI memberships over time and the communes it holds."""

from collections.abc import Sequence
from datetime import date

from tdi_runtime.db import Connection
from tdi_territory.perimeter.communes import AliasAssignment, CommuneAssignment
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


async def assigned_communes(conn: Connection, source: str | None = None) -> dict[str, str]:
    """Territory per commune (of one source: 'open-data', the national file's, or 'epci', an EPCI's members)."""
    rows = await conn.fetch("SELECT insee, territory_id FROM communes WHERE $1::text IS NULL OR source = $1", source)
    return {r["insee"]: r["territory_id"] for r in rows}


async def held_communes(conn: Connection, insees: Sequence[str]) -> dict[str, Row]:
    """The communes among `insees` some territory holds: territory, EPCI, source."""
    rows = await conn.fetch(
        "SELECT insee, territory_id, epci_siren, source FROM communes WHERE insee = ANY($1::text[])", list(insees)
    )
    return {r["insee"]: r for r in rows}


async def assign_epci_communes(
    conn: Connection, territory_id: str, communes: Sequence[CommuneAssignment], on: date
) -> None:
    await conn.executemany(
        "INSERT INTO communes (insee, name, territory_id, departement, epci_siren, assigned_on, source)"
        " VALUES ($1, $2, $3, $4, $5, $6, 'epci')",
        [(c.insee, c.name, territory_id, c.departement, c.epci_siren, on) for c in communes],
    )


async def reassign_commune(conn: Connection, insee: str, territory_id: str, epci_siren: str | None, on: date) -> None:
    """The national file places a commune an EPCI had brought elsewhere: the file keeps the last word."""
    await conn.execute(
        "UPDATE communes SET territory_id = $2, epci_siren = $3, assigned_on = $4, source = 'open-data'"
        " WHERE insee = $1",
        insee,
        territory_id,
        epci_siren,
        on,
    )


async def confirm_communes(conn: Connection, insees: Sequence[str]) -> None:
    """Communes an EPCI brought that the national file names in the same territory: now the file's."""
    await conn.execute("UPDATE communes SET source = 'open-data' WHERE insee = ANY($1::text[])", list(insees))


async def assign_aliases(conn: Connection, aliases: Sequence[AliasAssignment], on: date) -> list[AliasAssignment]:
    """Record the aliases no commune holds yet; the ones recorded are returned (to announce them)."""
    rows = await conn.fetch(
        "INSERT INTO commune_aliases (alias, insee, kind, aliased_on)"
        " SELECT a, i, k, $4::date FROM unnest($1::text[], $2::text[], $3::text[]) AS u(a, i, k)"
        " ON CONFLICT (alias) DO NOTHING RETURNING alias",
        [a.alias for a in aliases],
        [a.insee for a in aliases],
        [a.kind for a in aliases],
        on,
    )
    recorded = {r["alias"] for r in rows}
    return [a for a in aliases if a.alias in recorded]


async def aliases_of_communes(conn: Connection, insees: Sequence[str]) -> list[AliasAssignment]:
    rows = await conn.fetch(
        "SELECT alias, insee, kind FROM commune_aliases WHERE insee = ANY($1::text[]) ORDER BY alias", list(insees)
    )
    return [AliasAssignment(r["alias"], r["insee"], r["kind"]) for r in rows]


async def unassign_epci_communes(conn: Connection, territory_id: str, siren: str) -> int:
    """An EPCI left: the communes it brought leave with it (their aliases too)."""
    result = await conn.execute("DELETE FROM communes WHERE territory_id = $1 AND epci_siren = $2", territory_id, siren)
    return int(result.split()[-1])


async def assign_communes(conn: Connection, rows: Sequence[tuple[str, str, str, str, str | None, date]]) -> None:
    """(insee, name, territory id, département, EPCI siren or None, date) per commune."""
    await conn.executemany(
        "INSERT INTO communes (insee, name, territory_id, departement, epci_siren, assigned_on)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        rows,
    )


async def territory_of_commune(conn: Connection, insee: str) -> Row | None:
    """The commune (an alias resolved to its commune: `alias_kind` says so) and its territory."""
    return await conn.fetchrow(
        "SELECT c.insee, c.name, c.departement, c.territory_id, NULL AS alias_kind FROM communes c WHERE c.insee = $1"
        " UNION ALL SELECT c.insee, c.name, c.departement, c.territory_id, a.kind FROM commune_aliases a"
        " JOIN communes c USING (insee) WHERE a.alias = $1 LIMIT 1",
        insee,
    )
