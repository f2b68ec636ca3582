"""SQL of the read models (asyncpg): the rows a view's facts are built from, selected by the view's scope (its read
models, territories and programme), read in one consistent snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tdi_reporting.asof import VERSIONED_TABLES, AsOfConnection, Situation
from tdi_reporting.domain import Territory, TerritoryMap
from tdi_reporting.ledger import (
    Grant,
    LedgerFacts,
    Payment,
    Release,
    Rules,
    Transfer,
    VteAid,
    VtePayout,
    VteRequest,
)
from tdi_runtime.db import Connection
from tdi_runtime.territories import TERRITORY_MIGRATIONS

MIGRATIONS = [TERRITORY_MIGRATIONS, "tdi_reporting"]
"""The migrations of reporting's schema after the kit's, in order: the territory projection's tables first, since
reporting's history (migration 0007) versions them too."""

READ_MODEL_TABLES = (*VERSIONED_TABLES, "rm_partner_answer", "known_communes")
"""Every table a rebuild empties (the kit's territory projection included: it is a read model here too)."""

_FICHES = """
SELECT fiche_action_id, territory_id, categories, planned_on, started_on, completed_on, abandoned_on, synthetic,
       title, maturity, lead_kind, lead, partners, external_reference, estimated_cost_cents, expected_jobs,
       expected_investment_cents, proposed_on
FROM rm_fiche_action WHERE categories IS NOT NULL {where}
"""
_APPLICATIONS = """
SELECT application_id, territory_id, programme, requested_cents, eligible_cost_cents, jobs_expected, filed_at,
       approved_cents, approved_at, rejected_at, instruction_started_at, withdrawn_at, synthetic, reverted_at
FROM rm_application
"""
_GRANTS = """
SELECT g.grant_id, g.territory_id, g.programme, g.committed_cents,
       coalesce((SELECT sum(released_cents) FROM rm_grant_release r WHERE r.grant_id = g.grant_id), 0)::bigint
           AS released_cents,
       coalesce((SELECT sum(amount_cents) FROM rm_payment p WHERE p.grant_id = g.grant_id), 0)::bigint AS paid_cents
FROM rm_grant g
"""
_ENVELOPES = """
SELECT e.envelope_id, e.programme, e.region, e.year, e.ceiling_cents, e.closed_on, e.ceiling_provenance,
       e.balance_committed_cents, e.balance_paid_cents, e.balance_at, e.balance_allocated_cents,
       (SELECT sum(committed_cents) FROM rm_grant g WHERE g.envelope_id = e.envelope_id)::bigint AS committed_cents,
       (SELECT sum(released_cents) FROM rm_grant_release r WHERE r.envelope_id = e.envelope_id)::bigint
           AS released_cents,
       (SELECT sum(p.amount_cents) FROM rm_payment p JOIN rm_grant g USING (grant_id)
         WHERE g.envelope_id = e.envelope_id)::bigint AS paid_cents
FROM rm_envelope e
"""
_VTE = """
SELECT c.vte_contract_id, c.territory_id, c.employer_size, c.green_mission, c.signed_on, c.granted_on, c.refused_on,
       c.ended_on, c.base_granted_cents, c.green_granted_cents, c.synthetic,
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
SELECT territory_id, count(*) AS synthetic_binomes FROM rm_binome WHERE synthetic AND ended_on IS NULL {where}
GROUP BY territory_id
"""
_TERRITORIES = """
SELECT territory_id, official_id, name, labelled, regions, departements, epci_sirens, active_binomes,
       chefs_de_projet
FROM known_territories
"""


_MAP = {
    "actions_axes": """SELECT territory_id, NULL::text AS programme, count(*)::bigint AS fiches_actions
        FROM rm_fiche_action WHERE cardinality(categories) > 0 {where} GROUP BY territory_id""",
    "financements": """SELECT g.territory_id, g.programme, sum(coalesce(g.committed_cents, 0) - coalesce(
            (SELECT sum(released_cents) FROM rm_grant_release r WHERE r.grant_id = g.grant_id), 0))::bigint
            AS engage_centimes
        FROM rm_grant g WHERE g.programme IS NOT NULL {where} GROUP BY g.territory_id, g.programme""",
    "vte": """SELECT territory_id, NULL::text AS programme,
            count(*) FILTER (WHERE signed_on IS NOT NULL OR granted_on IS NOT NULL)::bigint AS contrats_signes
        FROM rm_vte_contract WHERE true {where} GROUP BY territory_id""",
}
"""Per territory, what each figure of the dashboard's map adds up (a fiche, grant or contract has one territory,
so summing a territory's counts per zone equals counting the facts per zone)."""


@dataclass(frozen=True)
class Scope:
    """What one view reads: the read models it shows, within which territories (platform and official ids; None:
    all) and which programme (an instructor's; None: all), and whether the dashboard's map (over `map_territories`)."""

    models: frozenset[str]
    territories: tuple[str, ...] | None = None
    programme: str | None = None
    with_map: bool = False
    map_territories: tuple[str, ...] | None = None


LEDGER_TABLES = frozenset(
    {
        "rm_grant",
        "rm_grant_release",
        "rm_payment",
        "rm_vte_contract",
        "rm_vte_payment",
        "rm_vte_payment_request",
        "rm_state_transfer",
        "rm_ledger_note",
    }
)
MODEL_TABLES: dict[str, frozenset[str]] = {
    "territoires": frozenset({"known_territories", "rm_binome"}),
    "actions": frozenset({"rm_fiche_action"}),
    "actions_axes": frozenset({"rm_fiche_action"}),
    "fiches": frozenset({"rm_fiche_action"}),
    "financements": frozenset({"rm_application", "rm_grant", "rm_grant_release", "rm_payment"}),
    "enveloppes": frozenset({"rm_envelope", "rm_grant", "rm_grant_release", "rm_payment"}),
    "vte": frozenset({"rm_vte_contract", "rm_vte_payment", "rm_vte_payment_request", "rm_vte_housing_aid"}),
    **dict.fromkeys(("grand_livre", "ecarts"), LEDGER_TABLES),
}
"""The tables each read model is read from (with the territory map, `known_territories`, always): an as-of read
fills these with their versions of the asked tick (`asof.overlay`)."""
REGISTER_TABLES = frozenset(
    {"rm_site", "rm_site_support", "rm_ecole_de_production", "rm_rebond_laureate", "rm_regional_post"}
)
"""The programme's registers (issue 24): the dashboard document's `registres` section, read beside the models."""


def tables_of(models: Iterable[str]) -> set[str]:
    return {"known_territories"}.union(*(MODEL_TABLES.get(m, frozenset()) for m in models))


@dataclass
class Snapshot:
    """The rows a view is computed from, as of one instant."""

    territories: TerritoryMap
    fiches: list[Any] = field(default_factory=list)
    applications: list[Any] = field(default_factory=list)
    grants: list[Any] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    vte: list[Any] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # facts of each read model, built once per snapshot
    binomes: list[Any] = field(default_factory=list)  # synthetic binômes in office, per territory
    map_facts: dict[str, list[Any]] | None = None  # per territory, what each map figure adds up
    situation: Situation | None = None  # the tick (and instant) these rows describe
    ledger: LedgerFacts | None = None  # the money ledger's facts (read models grand_livre and ecarts)
    ledger_rules: Rules = field(default_factory=Rules)  # how the ledger's gaps are judged (settings)
    registers: dict[str, Any] | None = None  # the `registres` section (the dashboard's document only)


async def load_territories(conn: Connection | AsOfConnection) -> TerritoryMap:
    """The territory map (a few hundred rows): the filters are resolved against it."""
    return TerritoryMap(
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
    )


def _scoped(sql: str, column: str | None, territories: tuple[str, ...] | None, programme: str | None,
            programme_column: str | None) -> tuple[str, list[Any]]:  # fmt: skip
    """`sql` narrowed to the territories and the programme; `{where}` marks where (else a WHERE is appended)."""
    clauses: list[str] = []
    args: list[Any] = []
    if territories is not None and column is not None:
        args.append(list(territories))
        clauses.append(f"{column} = ANY(${len(args)}::text[])")
    if programme is not None and programme_column is not None:
        args.append(programme)
        clauses.append(f"{programme_column} = ${len(args)}")
    if "{where}" in sql:
        return sql.format(where="".join(f" AND {c}" for c in clauses)), args
    return (sql + (" WHERE " + " AND ".join(clauses) if clauses else "")), args


async def load_snapshot(conn: Connection | AsOfConnection, tmap: TerritoryMap, scope: Scope) -> Snapshot:
    """The rows of the read models in `scope`, within its territories and programme (call inside the transaction
    that read `tmap`, so the figures agree with each other)."""
    snapshot = Snapshot(tmap)
    t, p = scope.territories, scope.programme
    wanted = [
        ("fiches", _FICHES, "territory_id", None, {"actions", "actions_axes", "fiches"}),
        ("applications", _APPLICATIONS, "territory_id", "programme", {"financements"}),
        ("grants", _GRANTS, "g.territory_id", "g.programme", {"financements"}),
        ("envelopes", _ENVELOPES, None, "e.programme", {"enveloppes"}),
        ("vte", _VTE, "c.territory_id", None, {"vte"}),
        ("binomes", _SYNTHETIC_BINOMES, "territory_id", None, {"territoires"}),
    ]
    for attribute, sql, column, programme_column, models in wanted:
        if scope.models & models:
            query, args = _scoped(sql, column, t, p, programme_column)
            setattr(snapshot, attribute, await conn.fetch(query, *args))
    if scope.models & {"grand_livre", "ecarts"}:
        snapshot.ledger = await load_ledger(conn)
    if scope.with_map:
        snapshot.map_facts = {}
        for name, sql in _MAP.items():
            programme_column = "g.programme" if name == "financements" else None
            column = "g.territory_id" if name == "financements" else "territory_id"
            query, args = _scoped(sql, column, scope.map_territories, p, programme_column)
            snapshot.map_facts[name] = [dict(r) for r in await conn.fetch(query, *args)]
    return snapshot


async def load_ledger(conn: Connection | AsOfConnection) -> LedgerFacts:
    """Every fact of the money ledger (commitments, releases, payments and their payers, VTE aids, payouts and the
    State's share, the State's transfers, staff's notes); filters apply to its lines and gaps."""
    grants = await conn.fetch(
        "SELECT grant_id, programme, envelope_id, territory_id, committed_cents, committed_on FROM rm_grant"
    )
    releases = await conn.fetch(
        "SELECT grant_id, envelope_id, territory_id, released_cents, released_on FROM rm_grant_release"
    )
    payments = await conn.fetch(
        "SELECT payment_id, grant_id, territory_id, amount_cents, paid_on, paid_by FROM rm_payment"
    )
    aids = await conn.fetch(
        "SELECT vte_contract_id, territory_id, refused_on, coalesce(granted_on, signed_on) AS granted_on,"
        " CASE WHEN refused_on IS NULL AND (granted_on IS NOT NULL OR base_granted_cents IS NOT NULL)"
        "      THEN coalesce(base_granted_cents, 0) + coalesce(green_granted_cents, 0) END AS granted_cents"
        " FROM rm_vte_contract"
    )
    payouts = await conn.fetch(
        "SELECT payment_id, vte_contract_id, territory_id, base_cents + green_cents AS cents, paid_on"
        " FROM rm_vte_payment"
    )
    requests = await conn.fetch(
        "SELECT vte_contract_id, funder, amount_cents, requested_on FROM rm_vte_payment_request"
    )
    transfers = await conn.fetch(
        "SELECT transfer_id, programme, operator, envelope_id, budget_year, amount_cents, transferred_on"
        " FROM rm_state_transfer"
    )
    notes = await conn.fetch("SELECT gap_reference, explanation, explained_on FROM rm_ledger_note")
    return LedgerFacts(
        grants=[Grant(*r.values()) for r in grants],
        releases=[Release(*r.values()) for r in releases],
        payments=[Payment(*r.values()) for r in payments],
        vte_aids=[VteAid(r["vte_contract_id"], r["territory_id"], r["granted_cents"], r["granted_on"]) for r in aids],
        vte_payouts=[VtePayout(*r.values()) for r in payouts],
        vte_requests=[VteRequest(*r.values()) for r in requests],
        transfers=[Transfer(*r.values()) for r in transfers],
        notes={r["gap_reference"]: (r["explanation"], r["explained_on"]) for r in notes},
    )


async def change_cursor(conn: Connection, group: str) -> int:
    """When the group last applied events (epoch ms): the same value on every replica, growing with changes."""
    value = await conn.fetchval(
        "SELECT (extract(epoch FROM max(processed_at)) * 1000)::bigint FROM inbox WHERE consumer = $1", group
    )
    return int(value or 0)
