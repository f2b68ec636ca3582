"""Read side of the HTTP API: a territory with its EPCI, communes count, binômes and chefs de projet."""

from typing import Any, NamedTuple
from uuid import UUID

from tdi_runtime.db import Connection
from tdi_runtime.pipeline import Caller
from tdi_territory import store
from tdi_territory.perimeter.communes import perimeter_known
from tdi_territory.reference.cog import load_cog

BINOME_COMPANY = ("industrial_company", "industrial_company_size")
POST_COST = ("annual_cost_cents",)
"""Sensitive fields (platform rule, issue 14): null unless the caller's role may see them (`Caller.may_see`)."""


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


class ListKey(NamedTuple):
    """Everything that shapes `GET /territories`' body: the filters as the caller may use them (a regional caller's
    region already imposed), nothing else of the caller."""

    region: str | None
    departement: str | None
    interregional: bool | None
    q: str | None


async def territory_list(conn: Connection, key: ListKey) -> dict[str, Any]:
    rows = await store.search(conn, key.region, key.departement, key.interregional, key.q)
    return {"count": len(rows), "territories": [summary(r) for r in rows]}


async def detail(conn: Connection, row: Any, access: Caller) -> dict[str, Any]:
    tid = row["id"]
    epcis = await conn.fetch(
        "SELECT siren, name, nature_juridique, joined_on FROM epci_memberships"
        " WHERE territory_id = $1 AND left_on IS NULL ORDER BY joined_on, siren",
        tid,
    )
    communes = await conn.fetchval("SELECT count(*) FROM communes WHERE territory_id = $1", tid)
    sirens = [r["siren"] for r in epcis]
    known = perimeter_known(load_cog(), sirens)
    binomes = await conn.fetch(
        "SELECT id, elected_mandate, elected_authority, industrial_company, industrial_company_size,"
        " industrial_sector, appointed_on, ended_on, synthetic FROM binomes WHERE territory_id = $1"
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
    shown = [access.hide("binome_company", dict(r), BINOME_COMPANY) for r in binomes]
    return {
        **summary(row),
        "epci": [dict(r) for r in epcis],
        "communes_count": int(communes),
        "perimeter": {
            "known": known,
            "cog": load_cog().label,
            "epci_not_in_cog": [s for s in sirens if load_cog().epci(s) is None],
        },
        "binomes": [b for b in shown if b["ended_on"] is None],
        "former_binomes": [b for b in shown if b["ended_on"] is not None],
        "chefs_de_projet": [
            access.hide("post_cost", {**dict(r), "shared_with": list(r["shared_with"])}, POST_COST) for r in posts
        ],
    }


async def post_regions(conn: Connection, post_id: UUID) -> list[str]:
    """The regions of the territories a chef de projet post serves (empty: no such post)."""
    rows = await conn.fetch(
        "SELECT DISTINCT unnest(t.regions) AS region FROM chef_de_projet_territories o"
        " JOIN territories t ON t.id = o.territory_id WHERE o.post_id = $1",
        post_id,
    )
    return [r["region"] for r in rows]
