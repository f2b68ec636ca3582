"""Reads of the fiches at a scope (territory, département, region) with filters, a page, and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tdi_actions.typology import shares
from tdi_contracts.reference import Axis, Category
from tdi_runtime.db import Connection

PUBLIC_COLUMNS = (
    "id, territory_id, external_reference, title, description, maturity, lead_kind, lead, partners, categories,"
    " axes, budget_cents, expected_jobs, expected_investment_cents, funding_application_ids, status,"
    " proposed_on, planned_on, started_on, done_on, abandoned_on, abandon_reason, synthetic"
)


@dataclass(frozen=True)
class Scope:
    """Which fiches: of one territory (platform id), of the territories of a département or a region, of an
    axis or a category, in a status. A département or a region holds every fiche of a territory touching it."""

    territory_id: str | None = None
    departement: str | None = None
    region: str | None = None
    axis: str | None = None
    category: str | None = None
    status: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses, args = [], []
        geo = {"departement": "departements", "region": "regions"}
        for name, value in vars(self).items():
            if value is None:
                continue
            args.append(value)
            n = f"${len(args)}"
            if name in geo:
                clauses.append(
                    f"territory_id IN (SELECT territory_id FROM known_territories WHERE {n} = ANY({geo[name]}))"
                )
            elif name in ("axis", "category"):
                clauses.append(f"{n} = ANY({'axes' if name == 'axis' else 'categories'})")
            else:
                clauses.append(f"{name} = {n}")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


async def page(conn: Connection, scope: Scope, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    where, args = scope.where()
    total = await conn.fetchval(f"SELECT count(*) FROM fiches{where}", *args)
    rows = await conn.fetch(
        f"SELECT {PUBLIC_COLUMNS} FROM fiches{where} ORDER BY territory_id, proposed_on, id"
        f" LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *args,
        limit,
        offset,
    )
    return total, [public(r) for r in rows]


def public(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["id"] = str(out["id"])
    out["funding_application_ids"] = [str(i) for i in out["funding_application_ids"]]
    for column in ("proposed_on", "planned_on", "started_on", "done_on", "abandoned_on"):
        out[column] = out[column].isoformat() if out[column] else None
    return out


async def counts(conn: Connection, scope: Scope) -> dict[str, Any]:
    """Fiches at the scope, per category and per axis (a fiche counts once in each of its categories and once
    in each axis it touches) and the typology: each axis's share of the axes' counts, in whole percent."""
    where, args = scope.where()
    total = await conn.fetchval(f"SELECT count(*) FROM fiches{where}", *args)
    per_category = dict.fromkeys((c.value for c in Category), 0)
    for r in await conn.fetch(f"SELECT unnest(categories) AS k, count(*) AS n FROM fiches{where} GROUP BY 1", *args):
        per_category[r["k"]] = r["n"]
    per_axis = dict.fromkeys((a.value for a in Axis), 0)
    for r in await conn.fetch(f"SELECT unnest(axes) AS k, count(*) AS n FROM fiches{where} GROUP BY 1", *args):
        per_axis[r["k"]] = r["n"]
    typology = shares(per_axis)
    return {
        "fiches": total,
        "by_category": [
            {"category": c.value, "label": c.label, "axis": c.axis.value, "fiches": per_category[c.value]}
            for c in Category
        ],
        "by_axis": [
            {"axis": a.value, "label": a.label, "fiches": per_axis[a.value], "share_percent": typology[a.value]}
            for a in Axis
        ],
    }


async def one(conn: Connection, fiche_id: Any) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {PUBLIC_COLUMNS} FROM fiches WHERE id = $1", fiche_id)
    return None if row is None else public(row)


async def regions_of(conn: Connection, fiche_id: Any) -> list[str] | None:
    """The regions of a fiche's territory (None: no such fiche; empty: a territory not known here)."""
    row = await conn.fetchrow(
        "SELECT coalesce(k.regions, '{}') AS regions FROM fiches f"
        " LEFT JOIN known_territories k ON k.territory_id = f.territory_id WHERE f.id = $1",
        fiche_id,
    )
    return None if row is None else list(row["regions"])


async def territory_ids_of(conn: Connection, fiche_id: Any) -> list[str]:
    """The ids of a fiche's territory: its platform id and, when known, its official one (empty: no such fiche)."""
    row = await conn.fetchrow(
        "SELECT f.territory_id, k.official_id FROM fiches f"
        " LEFT JOIN known_territories k ON k.territory_id = f.territory_id WHERE f.id = $1",
        fiche_id,
    )
    return [] if row is None else [i for i in (row["territory_id"], row["official_id"]) if i]
