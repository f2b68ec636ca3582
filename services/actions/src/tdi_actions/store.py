"""SQL of the fiches (asyncpg): a fiche is loaded and saved as a whole aggregate (`repositories.FicheRepository`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tdi_actions.domain import FicheAction, FicheDetails
from tdi_actions.lifecycle import FicheStatus
from tdi_contracts.events.actions import AbandonReason, LeadKind, Maturity
from tdi_contracts.reference import Category
from tdi_runtime.db import Connection

_STEP_COLUMNS = {
    FicheStatus.PROPOSED: "proposed_on",
    FicheStatus.PLANNED: "planned_on",
    FicheStatus.IN_PROGRESS: "started_on",
    FicheStatus.DONE: "done_on",
    FicheStatus.ABANDONED: "abandoned_on",
}
_COLUMNS = (
    "id, territory_id, natural_key, external_reference, title, description, maturity, lead_kind, lead, partners,"
    " categories, axes, budget_cents, expected_jobs, expected_investment_cents, funding_application_ids, status,"
    " proposed_on, planned_on, started_on, done_on, abandoned_on, abandon_reason, synthetic"
)
_SAVE = f"""
INSERT INTO fiches ({_COLUMNS})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, description = excluded.description, maturity = excluded.maturity,
    lead_kind = excluded.lead_kind, lead = excluded.lead, partners = excluded.partners,
    categories = excluded.categories, axes = excluded.axes, budget_cents = excluded.budget_cents,
    expected_jobs = excluded.expected_jobs, expected_investment_cents = excluded.expected_investment_cents,
    funding_application_ids = excluded.funding_application_ids, status = excluded.status,
    planned_on = excluded.planned_on, started_on = excluded.started_on, done_on = excluded.done_on,
    abandoned_on = excluded.abandoned_on, abandon_reason = excluded.abandon_reason, updated_at = now()
"""


def _row(f: FicheAction) -> tuple[Any, ...]:
    d = f.details
    axes = list(dict.fromkeys(c.axis.value for c in f.categories))
    return (
        f.id, f.territory_id, f.natural_key, f.external_reference, d.title, d.description, d.maturity.value,
        d.lead_kind.value, d.lead, list(d.partners), [c.value for c in f.categories], axes, f.budget_cents,
        d.expected_jobs, d.expected_investment_cents, list(d.funding_application_ids), f.status.value,
        *(f.steps.get(s) for s in _STEP_COLUMNS), f.abandon_reason.value if f.abandon_reason else None, f.synthetic,
    )  # fmt: skip


def fiche_of(row: Any) -> FicheAction:
    """The aggregate from its row (steps in the order they were taken: abandoned is always the last)."""
    details = FicheDetails(
        row["title"], row["description"], Maturity(row["maturity"]), LeadKind(row["lead_kind"]), row["lead"],
        tuple(row["partners"]), row["expected_jobs"], row["expected_investment_cents"],
        tuple(row["funding_application_ids"]),
    )  # fmt: skip
    steps = {s: row[c] for s, c in _STEP_COLUMNS.items() if row[c] is not None}
    return FicheAction(
        row["id"], row["territory_id"], details, tuple(Category(c) for c in row["categories"]), row["budget_cents"],
        FicheStatus(row["status"]), steps, row["external_reference"], row["synthetic"],
        AbandonReason(row["abandon_reason"]) if row["abandon_reason"] else None, row["natural_key"],
    )  # fmt: skip


async def save_all(conn: Connection, fiches: list[FicheAction]) -> None:
    """Insert or update whole fiches (with their natural key, fixed at creation), in one statement."""
    if fiches:
        await conn.executemany(_SAVE, [_row(f) for f in fiches])


async def load_many(conn: Connection, fiche_ids: list[UUID]) -> dict[UUID, FicheAction]:
    """The fiches, locked until the end of the transaction (ids sorted: every transaction locks in one order)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM fiches WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE", fiche_ids
    )
    return {r["id"]: fiche_of(r) for r in rows}


async def load_by_keys(conn: Connection, keys: list[str]) -> dict[str, FicheAction]:
    """Fiches by natural key (an import matches its rows on it), locked until the end of the transaction."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM fiches WHERE natural_key = ANY($1::text[]) ORDER BY id FOR UPDATE", keys
    )
    return {r["natural_key"]: fiche_of(r) for r in rows}
