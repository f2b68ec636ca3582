"""SQL of the read models (asyncpg): the rows the facts are built from, read in one consistent snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tdi_reporting.domain import Territory, TerritoryMap
from tdi_runtime.db import Connection

READ_MODEL_TABLES = (
    "rm_fiche_action",
    "rm_envelope",
    "rm_application",
    "rm_grant",
    "rm_grant_release",
    "rm_payment",
    "rm_vte_contract",
    "rm_vte_payment",
    "rm_vte_payment_request",
    "rm_vte_housing_aid",
    "rm_binome",
    "known_territories",
    "known_communes",
)
"""Every table a rebuild empties (the kit's territory projection included: it is a read model here too)."""

_FICHES = """
SELECT fiche_action_id, territory_id, categories, planned_on, started_on, completed_on, abandoned_on, synthetic,
       title, maturity, lead_kind, lead, partners, external_reference, estimated_cost_cents, expected_jobs,
       expected_investment_cents, proposed_on
FROM rm_fiche_action WHERE categories IS NOT NULL
"""
_APPLICATIONS = """
SELECT territory_id, programme, requested_cents, eligible_cost_cents, jobs_expected, filed_at,
       approved_cents, approved_at, rejected_at, instruction_started_at, withdrawn_at, synthetic
FROM rm_application
"""
_GRANTS = """
SELECT g.territory_id, g.programme, g.committed_cents,
       coalesce((SELECT sum(released_cents) FROM rm_grant_release r WHERE r.grant_id = g.grant_id), 0)::bigint
           AS released_cents,
       coalesce((SELECT sum(amount_cents) FROM rm_payment p WHERE p.grant_id = g.grant_id), 0)::bigint AS paid_cents
FROM rm_grant g
"""
_ENVELOPES = """
SELECT e.envelope_id, e.programme, e.region, e.year, e.ceiling_cents, e.closed_on,
       e.balance_committed_cents, e.balance_paid_cents, e.balance_at,
       (SELECT sum(committed_cents) FROM rm_grant g WHERE g.envelope_id = e.envelope_id)::bigint AS committed_cents,
       (SELECT sum(released_cents) FROM rm_grant_release r WHERE r.envelope_id = e.envelope_id)::bigint
           AS released_cents,
       (SELECT sum(p.amount_cents) FROM rm_payment p JOIN rm_grant g USING (grant_id)
         WHERE g.envelope_id = e.envelope_id)::bigint AS paid_cents
FROM rm_envelope e
"""
_VTE = """
SELECT c.territory_id, c.employer_size, c.green_mission, c.signed_on, c.granted_on, c.refused_on, c.ended_on,
       c.base_granted_cents, c.green_granted_cents, c.synthetic,
       p.payments, p.base_paid_cents, p.green_paid_cents, coalesce(r.requested_cents, 0)::bigint AS requested_cents,
       h.housing_aids, h.housing_cents
FROM rm_vte_contract c
LEFT JOIN (SELECT vte_contract_id, count(*) AS payments, sum(base_cents)::bigint AS base_paid_cents,
                  sum(green_cents)::bigint AS green_paid_cents
           FROM rm_vte_payment GROUP BY vte_contract_id) p USING (vte_contract_id)
LEFT JOIN (SELECT vte_contract_id, sum(amount_cents) AS requested_cents
           FROM rm_vte_payment_request GROUP BY vte_contract_id) r USING (vte_contract_id)
LEFT JOIN (SELECT vte_contract_id, count(*) AS housing_aids, sum(amount_cents)::bigint AS housing_cents
           FROM rm_vte_housing_aid GROUP BY vte_contract_id) h USING (vte_contract_id)
"""
_SYNTHETIC_BINOMES = """
SELECT territory_id, count(*) AS synthetic_binomes FROM rm_binome WHERE synthetic AND ended_on IS NULL
GROUP BY territory_id
"""
_TERRITORIES = """
SELECT territory_id, official_id, name, labelled, regions, departements, epci_sirens, active_binomes,
       chefs_de_projet
FROM known_territories
"""


@dataclass
class Snapshot:
    """Every row the read models are computed from, as of one instant."""

    territories: TerritoryMap
    fiches: list[Any]
    applications: list[Any]
    grants: list[Any]
    envelopes: list[Any]
    vte: list[Any]
    facts: dict[str, Any] = field(default_factory=dict)  # facts of each read model, built once per snapshot
    binomes: list[Any] = field(default_factory=list)  # synthetic binômes in office, per territory


async def load_snapshot(conn: Connection) -> Snapshot:
    """All read-model rows in one repeatable-read transaction, so the figures agree with each other."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        territories = [
            Territory(
                r["territory_id"],
                r["official_id"],
                r["name"],
                r["labelled"],
                tuple(r["regions"]),
                tuple(r["departements"]),
                tuple(r["epci_sirens"]),
                r["active_binomes"],
                tuple(str(c) for c in r["chefs_de_projet"]),
            )
            for r in await conn.fetch(_TERRITORIES)
        ]
        return Snapshot(
            TerritoryMap(territories),
            await conn.fetch(_FICHES),
            await conn.fetch(_APPLICATIONS),
            await conn.fetch(_GRANTS),
            await conn.fetch(_ENVELOPES),
            await conn.fetch(_VTE),
            binomes=await conn.fetch(_SYNTHETIC_BINOMES),
        )


async def truncate_read_models(conn: Connection) -> None:
    """Empty every read model (the inbox stays: the live consumer keeps its place, and folds are idempotent)."""
    await conn.execute(f"TRUNCATE {', '.join(READ_MODEL_TABLES)}")


async def change_cursor(conn: Connection, group: str) -> int:
    """When the group last applied events (epoch ms): the same value on every replica, growing with changes."""
    value = await conn.fetchval(
        "SELECT (extract(epoch FROM max(processed_at)) * 1000)::bigint FROM inbox WHERE consumer = $1", group
    )
    return int(value or 0)
