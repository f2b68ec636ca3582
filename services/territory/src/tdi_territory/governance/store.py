"""SQL of a territory's governance: binômes élus-industriels and chef de projet posts (possibly shared)."""

from datetime import date
from uuid import UUID

from tdi_runtime.db import Connection
from tdi_territory.governance.domain import Binome
from tdi_territory.store import Row


async def insert_binome(conn: Connection, territory_id: str, binome: Binome) -> None:
    await conn.execute(
        "INSERT INTO binomes (id, territory_id, elected_mandate, elected_authority, industrial_company,"
        " industrial_company_size, industrial_sector, appointed_on, synthetic)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        binome.id,
        territory_id,
        binome.elected_mandate.value,
        binome.elected_mandate.authority.value,
        binome.industrial_company,
        binome.industrial_company_size.value,
        binome.industrial_sector,
        binome.appointed_on,
        binome.synthetic,
    )


async def insert_post(
    conn: Connection,
    post_id: UUID,
    territory_id: str,
    employer: tuple[str, str],
    annual_cost_cents: int,
    started_on: date,
) -> None:
    await conn.execute(
        "INSERT INTO chef_de_projet_posts (id, lead_territory_id, employer_siren, employer_authority,"
        " annual_cost_cents, started_on) VALUES ($1, $2, $3, $4, $5, $6)",
        post_id,
        territory_id,
        *employer,
        annual_cost_cents,
        started_on,
    )
    await add_post_territories(conn, post_id, [territory_id], started_on)


async def add_post_territories(conn: Connection, post_id: UUID, territory_ids: list[str], since: date) -> None:
    await conn.executemany(
        "INSERT INTO chef_de_projet_territories (post_id, territory_id, since) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        [(post_id, t, since) for t in territory_ids],
    )


async def find_post(conn: Connection, post_id: UUID) -> tuple[Row, list[str]] | None:
    """The post (locked) and the territories it serves, lead territory first."""
    post = await conn.fetchrow("SELECT * FROM chef_de_projet_posts WHERE id = $1 FOR UPDATE", post_id)
    if post is None:
        return None
    served = await conn.fetch(
        "SELECT territory_id FROM chef_de_projet_territories WHERE post_id = $1"
        " ORDER BY territory_id <> $2, since, territory_id",
        post_id,
        post["lead_territory_id"],
    )
    return post, [r["territory_id"] for r in served]


async def end_post(conn: Connection, post_id: UUID, ended_on: date) -> None:
    await conn.execute("UPDATE chef_de_projet_posts SET ended_on = $2 WHERE id = $1", post_id, ended_on)


async def end_binome(conn: Connection, binome_id: UUID, ended_on: date) -> None:
    await conn.execute("UPDATE binomes SET ended_on = $2 WHERE id = $1", binome_id, ended_on)
