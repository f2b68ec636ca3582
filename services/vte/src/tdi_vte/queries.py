"""Reads for the HTTP API: aids filtered by territory, département, region, company size and green; totals;
one contract's decision with its reasons. Never the candidate's identity (the platform has none)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from tdi_runtime.db import Connection


@dataclass(frozen=True)
class AidFilter:
    territory_id: str | None = None
    departement: str | None = None
    region: str | None = None
    company_size: str | None = None
    green: bool | None = None
    decision: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses = [
            "($1::text IS NULL OR territory_id = $1)",
            "($2::text IS NULL OR departement = $2)",
            "($3::text IS NULL OR $3 = ANY(regions))",
            "($4::text IS NULL OR company_size = $4)",
            "($5::boolean IS NULL OR green_mission = $5)",
            "($6::text IS NULL OR decision = $6)",
        ]
        args = [self.territory_id, self.departement, self.region, self.company_size, self.green, self.decision]
        return " AND ".join(clauses), args


_COLUMNS = (
    "vte_contract_id, contract_reference, territory_id, departement, regions, company_size, decision,"
    " base_cents, green_cents, paid_cents, green_mission, decided_on"
)


def _summary(row: Any) -> dict[str, Any]:
    return {
        "vte_contract_id": str(row["vte_contract_id"]),
        "contract_reference": row["contract_reference"],
        "territory_id": row["territory_id"],
        "departement": row["departement"],
        "regions": list(row["regions"]),
        "company_size": row["company_size"],
        "decision": row["decision"],
        "green_mission": row["green_mission"],
        "base_cents": row["base_cents"],
        "green_top_up_cents": row["green_cents"],
        "total_cents": row["base_cents"] + row["green_cents"],
        "paid_cents": row["paid_cents"],
        "decided_on": row["decided_on"].isoformat(),
    }


async def list_aids(conn: Connection, f: AidFilter, limit: int, offset: int) -> dict[str, Any]:
    where, args = f.where()
    count = await conn.fetchval(f"SELECT count(*) FROM vte_contracts WHERE {where}", *args)
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM vte_contracts WHERE {where} ORDER BY decided_on, vte_contract_id LIMIT $7 OFFSET $8",
        *args,
        limit,
        offset,
    )
    return {"count": count, "limit": limit, "offset": offset, "aids": [_summary(r) for r in rows]}


async def totals(conn: Connection, f: AidFilter) -> dict[str, Any]:
    where, args = f.where()
    row = await conn.fetchrow(
        f"""SELECT count(*) AS contracts, count(*) FILTER (WHERE decision = 'granted') AS granted,
            count(*) FILTER (WHERE decision = 'refused') AS refused,
            count(*) FILTER (WHERE decision = 'pending') AS pending,
            count(*) FILTER (WHERE green_cents > 0) AS green,
            coalesce(sum(base_cents), 0)::bigint AS base_cents, coalesce(sum(green_cents), 0)::bigint AS green_cents,
            coalesce(sum(paid_cents), 0)::bigint AS paid_cents
            FROM vte_contracts WHERE {where}""",
        *args,
    )
    assert row is not None  # an aggregate without GROUP BY always answers one row
    result = dict(row)
    result["total_cents"] = result["base_cents"] + result["green_cents"]
    return result


async def decision(conn: Connection, vte_contract_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS}, state FROM vte_contracts WHERE vte_contract_id = $1", vte_contract_id
    )
    if row is None:
        return None
    state = json.loads(row["state"])
    terms = state["terms"]
    candidate = terms["candidate"]
    return {
        **_summary(row),
        "reasons": state["refusals"],
        "waiting_for": state.get("waiting_for", []),
        "green_mission_declared": state["mission"],
        "ended_on": state["ended_on"],
        "end_reason": state["end_reason"],
        "establishment": terms["establishment"],
        "contract_type": terms["contract_type"],
        "duration_months": terms["duration_months"],
        "starts_on": terms["starts_on"],
        "candidate": {k: candidate[k] for k in ("status", "study_level", "graduated_in")},
        "housing_aids_cents": state.get("housing", {}),
        "funders": [{"funder": f, "part": p, "amount_cents": a} for f, p, a in state["requested"]],
    }
