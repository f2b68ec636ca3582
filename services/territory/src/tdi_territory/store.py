"""SQL of a territory as a whole (asyncpg, explicit queries): a territory's row by either id, its reference state
for the events, and the search; every function runs on the caller's connection (the aggregate itself is loaded by
`repositories.TerritoryRepository`)."""

from datetime import UTC, datetime
from typing import Any

from tdi_runtime.db import Connection
from tdi_territory.announcements import TerritoryState
from tdi_territory.domain import normalise_name
from tdi_territory.perimeter.communes import perimeter_known
from tdi_territory.reference.cog import load_cog

Row = Any  # an asyncpg Record: read by column name

TERRITORY_COLUMNS = (
    "id, official_id, name, departements, regions, interregional, labelled_for_temps_ii, status, labelled_on,"
    " label_withdrawn_on"
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


_STATE_COLUMNS = (
    "id, official_id, name, departements, regions, labelled_for_temps_ii, labelled_on, revision, updated_at,"
    " array(SELECT m.siren FROM epci_memberships m WHERE m.territory_id = t.id AND m.left_on IS NULL"
    "       ORDER BY m.joined_on, m.id) AS epci_sirens,"
    # the latest EPCI change: a join, or a leave
    " (SELECT max(greatest(m.joined_on, coalesce(m.left_on, m.joined_on))) FROM epci_memberships m"
    "  WHERE m.territory_id = t.id) AS perimeter_changed_on,"
    # the communes published as `CommuneAssigned` (through an EPCI)
    " (SELECT count(*) FROM communes c WHERE c.territory_id = t.id AND c.epci_siren IS NOT NULL) AS announced,"
    " (SELECT count(*) FROM binomes b WHERE b.territory_id = t.id AND b.ended_on IS NULL) AS active_binomes,"
    " array(SELECT p.id FROM chef_de_projet_posts p JOIN chef_de_projet_territories o ON o.post_id = p.id"
    "       WHERE o.territory_id = t.id AND p.ended_on IS NULL ORDER BY p.started_on, p.id) AS open_posts"
)
"""A territory's reference state in one statement (its row and what it is made of), one round trip per change."""


async def next_state(conn: Connection, territory_id: str) -> tuple[TerritoryState, bool]:
    """Bump the territory's revision and read its full state (call once per changed territory and transaction),
    with whether its label is announced now for the first time (a territory entered after the first start): one
    statement."""
    row = await conn.fetchrow(
        "UPDATE territories t SET revision = t.revision + 1, updated_at = now(), label_announced = true"
        " FROM (SELECT label_announced AS before FROM territories WHERE id = $1) AS was WHERE t.id = $1"
        f" RETURNING {_STATE_COLUMNS}, NOT was.before AS label_announced_now",
        territory_id,
    )
    assert row is not None  # the territory was loaded, under its lock, by the unit of work
    return _state(row), bool(row["label_announced_now"])


async def current_state(conn: Connection, territory_id: str) -> TerritoryState:
    row = await conn.fetchrow(f"SELECT {_STATE_COLUMNS} FROM territories t WHERE id = $1", territory_id)
    return _state(row)


def _state(row: Row) -> TerritoryState:
    sirens = list(row["epci_sirens"])
    known = perimeter_known(load_cog(), sirens)
    return TerritoryState(
        id=row["id"],
        official_id=row["official_id"],
        name=row["name"],
        departements=tuple(row["departements"]),
        regions=tuple(row["regions"]),
        labelled=row["labelled_for_temps_ii"],
        revision=row["revision"],
        epci_sirens=tuple(sirens),
        active_binomes=int(row["active_binomes"]),
        chefs_de_projet=tuple(row["open_posts"]),
        labelled_on=row["labelled_on"],
        perimeter_known=known,
        perimeter_as_of=row["perimeter_changed_on"] if known else None,
        perimeter_communes=int(row["announced"]) if known else None,
        as_of=row["updated_at"].astimezone(UTC) if isinstance(row["updated_at"], datetime) else row["updated_at"],
    )
