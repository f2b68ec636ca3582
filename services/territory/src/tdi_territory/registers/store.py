"""SQL of the registers: sites and their support, écoles de production, Rebond laureates, regional posts."""

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from tdi_runtime.db import Connection
from tdi_territory.store import Row


async def insert_site(conn: Connection, site_id: UUID, values: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO sites (id, name, commune_insee, departement, region, territory_id, criteria, maturity,"
        " proposed_on, synthetic) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        site_id,
        *(values[k] for k in SITE_FIELDS),
    )


SITE_FIELDS = (
    "name",
    "commune_insee",
    "departement",
    "region",
    "territory_id",
    "criteria",
    "maturity",
    "proposed_on",
    "synthetic",
)


async def find_site(conn: Connection, site_id: UUID) -> Row | None:
    return await conn.fetchrow("SELECT * FROM sites WHERE id = $1 FOR UPDATE", site_id)


async def proposed_in_region(conn: Connection, region: str) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM sites WHERE region = $1", region))


async def update_site(conn: Connection, site_id: UUID, column: str, value: Any) -> None:
    assert column in ("criteria", "maturity", "selected_on")  # a fixed list: never a caller's text in SQL
    await conn.execute(f"UPDATE sites SET {column} = $2 WHERE id = $1", site_id, value)


async def set_candidacy(conn: Connection, site_id: UUID, reference: str, link: str) -> None:
    """The Démarches simplifiées dossier behind a site: its reference and link (no name or e-mail)."""
    await conn.execute(
        "UPDATE sites SET candidacy_reference = $2, candidacy_link = $3 WHERE id = $1", site_id, reference, link
    )


async def set_candidacy_state(conn: Connection, site_id: UUID, state: str, on: date) -> None:
    await conn.execute(
        "UPDATE sites SET candidacy_state = $2, candidacy_changed_on = $3 WHERE id = $1", site_id, state, on
    )


async def insert_support(
    conn: Connection, support_id: UUID, site_id: UUID, support: str, amount: int | None, on: date
) -> None:
    await conn.execute(
        "INSERT INTO site_supports (id, site_id, support, amount_cents, recorded_on) VALUES ($1, $2, $3, $4, $5)",
        support_id,
        site_id,
        support,
        amount,
        on,
    )


async def sites(conn: Connection, region: str | None) -> Sequence[Row]:
    return await conn.fetch(
        "SELECT s.*, coalesce((SELECT json_agg(json_build_object('support', p.support, 'amount_cents',"
        " p.amount_cents, 'recorded_on', p.recorded_on) ORDER BY p.recorded_on, p.id) FROM site_supports p"
        " WHERE p.site_id = s.id), '[]') AS support FROM sites s WHERE $1::text IS NULL OR s.region = $1"
        " ORDER BY s.region, s.proposed_on, s.name",
        region,
    )


async def insert_ecole(conn: Connection, ecole_id: UUID, values: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO ecoles_de_production (id, name, commune_insee, departement, region, territory_id, opened_on,"
        " via_programme, synthetic) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        ecole_id,
        *(values[k] for k in ECOLE_FIELDS),
    )


ECOLE_FIELDS = (
    "name",
    "commune_insee",
    "departement",
    "region",
    "territory_id",
    "opened_on",
    "via_programme",
    "synthetic",
)


async def ecoles(conn: Connection, region: str | None) -> Sequence[Row]:
    return await conn.fetch(
        "SELECT * FROM ecoles_de_production WHERE $1::text IS NULL OR region = $1 ORDER BY region, opened_on, name",
        region,
    )


async def insert_laureate(conn: Connection, territory_id: str, since: date, source: str, synthetic: bool) -> bool:
    """False when the territory is already a laureate."""
    inserted = await conn.fetchval(
        "INSERT INTO rebond_laureates (territory_id, laureate_since, source, synthetic) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT DO NOTHING RETURNING true",
        territory_id,
        since,
        source,
        synthetic,
    )
    return bool(inserted)


async def insert_regional_post(
    conn: Connection, post_id: UUID, region: str, employer: str, on: date, synthetic: bool
) -> None:
    await conn.execute(
        "INSERT INTO regional_posts (id, region, employer, appointed_on, synthetic) VALUES ($1, $2, $3, $4, $5)",
        post_id,
        region,
        employer,
        on,
        synthetic,
    )


async def find_regional_post(conn: Connection, post_id: UUID) -> Row | None:
    return await conn.fetchrow("SELECT * FROM regional_posts WHERE id = $1 FOR UPDATE", post_id)


async def end_regional_post(conn: Connection, post_id: UUID, on: date) -> None:
    await conn.execute("UPDATE regional_posts SET ended_on = $2 WHERE id = $1", post_id, on)


async def network(conn: Connection, region: str) -> Row:
    """The network of chefs de projet of one region: its open regional posts, the labelled territories of the
    region, the distinct open posts serving them, and those territories without one."""
    return await conn.fetchrow(
        "WITH t AS (SELECT id FROM territories WHERE labelled_for_temps_ii AND $1 = ANY (regions)),"
        " p AS (SELECT DISTINCT o.post_id, o.territory_id FROM chef_de_projet_territories o"
        "       JOIN chef_de_projet_posts q ON q.id = o.post_id AND q.ended_on IS NULL"
        "       WHERE o.territory_id IN (SELECT id FROM t))"
        " SELECT (SELECT count(*) FROM regional_posts WHERE region = $1 AND ended_on IS NULL) AS regional,"
        " (SELECT count(*) FROM t) AS territories, (SELECT count(DISTINCT post_id) FROM p) AS territory_posts,"
        " (SELECT count(*) FROM t WHERE id NOT IN (SELECT territory_id FROM p)) AS without_post",
        region,
    )
