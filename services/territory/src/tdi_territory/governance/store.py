"""SQL of chef de projet posts (possibly shared): a new post, the territories it serves, its end (binômes are
written with their territory: `repositories.TerritoryRepository`)."""

from datetime import date
from uuid import UUID

from tdi_runtime.db import Connection


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


async def end_post(conn: Connection, post_id: UUID, ended_on: date) -> None:
    await conn.execute("UPDATE chef_de_projet_posts SET ended_on = $2 WHERE id = $1", post_id, ended_on)
