"""Read side of the HTTP API: a territory with its EPCI, communes count, binômes and chefs de projet."""

from typing import Any

from tdi_runtime.db import Connection


def summary(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "official_id": row["official_id"],
        "name": row["name"],
        "departements": list(row["departements"]),
        "regions": list(row["regions"]),
        "interregional": row["interregional"],
        "labelled_for_temps_ii": row["labelled_for_temps_ii"],
        "status": row["status"],
        "labelled_on": row["labelled_on"],
        "label_withdrawn_on": row["label_withdrawn_on"],
    }


async def detail(conn: Connection, row: Any) -> dict[str, Any]:
    tid = row["id"]
    epcis = await conn.fetch(
        "SELECT siren, name, nature_juridique, joined_on FROM epci_memberships"
        " WHERE territory_id = $1 AND left_on IS NULL ORDER BY joined_on, siren",
        tid,
    )
    communes = await conn.fetchval("SELECT count(*) FROM communes WHERE territory_id = $1", tid)
    binomes = await conn.fetch(
        "SELECT id, elected_mandate, elected_authority, industrial_company, industrial_company_size,"
        " industrial_sector, appointed_on, ended_on FROM binomes WHERE territory_id = $1"
        " ORDER BY ended_on IS NULL DESC, appointed_on, id",
        tid,
    )
    posts = await conn.fetch(
        "SELECT p.id, p.employer_siren, p.employer_authority, p.annual_cost_cents, p.started_on, p.ended_on,"
        " array(SELECT territory_id FROM chef_de_projet_territories o WHERE o.post_id = p.id"
        "       AND o.territory_id <> $1 ORDER BY territory_id) AS shared_with"
        " FROM chef_de_projet_posts p JOIN chef_de_projet_territories t ON t.post_id = p.id"
        " WHERE t.territory_id = $1 ORDER BY p.ended_on IS NULL DESC, p.started_on DESC",
        tid,
    )
    return {
        **summary(row),
        "epci": [dict(r) for r in epcis],
        "communes_count": int(communes),
        "binomes": [dict(r) for r in binomes if r["ended_on"] is None],
        "former_binomes": [dict(r) for r in binomes if r["ended_on"] is not None],
        "chefs_de_projet": [{**dict(r), "shared_with": list(r["shared_with"])} for r in posts],
    }
