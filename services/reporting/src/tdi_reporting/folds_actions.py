"""Folds of the actions service's events into `rm_fiche_action` (one row per fiche action)."""

from __future__ import annotations

from tdi_contracts.events.actions import (
    FicheActionAbandoned,
    FicheActionBudgetRevised,
    FicheActionCompleted,
    FicheActionDetailsRevised,
    FicheActionPlanned,
    FicheActionProposed,
    FicheActionRecategorised,
    FicheActionStarted,
)
from tdi_reporting.folding import registry, upsert_sql
from tdi_reporting.repositories import ReportingUnitOfWork

# Categories are a last-writer-wins register on the event time, so a late older event never wins.
_CATEGORIES = """
INSERT INTO rm_fiche_action (fiche_action_id, territory_id, categories, categories_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (fiche_action_id) DO UPDATE SET categories = excluded.categories, categories_at = excluded.categories_at
WHERE rm_fiche_action.categories_at IS NULL OR rm_fiche_action.categories_at <= excluded.categories_at
"""
_PLANNED = """
INSERT INTO rm_fiche_action (fiche_action_id, territory_id, planned_on, title) VALUES ($1, $2, $3, $4)
ON CONFLICT (fiche_action_id) DO UPDATE SET planned_on = excluded.planned_on,
    title = CASE WHEN rm_fiche_action.details_at IS NULL THEN excluded.title ELSE rm_fiche_action.title END
"""


def _lifecycle(column: str) -> str:
    return f"""
INSERT INTO rm_fiche_action (fiche_action_id, territory_id, {column}) VALUES ($1, $2, $3)
ON CONFLICT (fiche_action_id) DO UPDATE SET {column} = excluded.{column}
"""


@registry.handles(FicheActionPlanned)
async def fiche_planned(p: FicheActionPlanned, uow: ReportingUnitOfWork) -> None:
    fiche = str(p.fiche_action_id)
    await uow.defer(_PLANNED, fiche, p.territory_id, p.planned_on, p.title)
    await uow.defer(_CATEGORIES, fiche, p.territory_id, [c.value for c in p.categories], uow.event.time)


@registry.handles(FicheActionRecategorised)
async def fiche_recategorised(p: FicheActionRecategorised, uow: ReportingUnitOfWork) -> None:
    categories = [c.value for c in p.categories]
    await uow.defer(_CATEGORIES, str(p.fiche_action_id), p.territory_id, categories, uow.event.time)


@registry.handles(FicheActionStarted)
async def fiche_started(p: FicheActionStarted, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_lifecycle("started_on"), str(p.fiche_action_id), p.territory_id, p.started_on)


@registry.handles(FicheActionCompleted)
async def fiche_completed(p: FicheActionCompleted, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_lifecycle("completed_on"), str(p.fiche_action_id), p.territory_id, p.completed_on)


@registry.handles(FicheActionAbandoned)
async def fiche_abandoned(p: FicheActionAbandoned, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_lifecycle("abandoned_on"), str(p.fiche_action_id), p.territory_id, p.abandoned_on)


_PROPOSED = upsert_sql(
    "rm_fiche_action", "fiche_action_id", ("territory_id", "proposed_on", "synthetic", "external_reference")
)
# What describes the fiche (title, maturity, lead, partners, expected jobs and investment), and the budget:
# last writer wins by event time, like the categories.
_DETAILS = """
INSERT INTO rm_fiche_action (fiche_action_id, territory_id, title, maturity, lead_kind, lead, partners, expected_jobs,
                             expected_investment_cents, details_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (fiche_action_id) DO UPDATE SET title = excluded.title, maturity = excluded.maturity,
    lead_kind = excluded.lead_kind, lead = excluded.lead, partners = excluded.partners,
    expected_jobs = excluded.expected_jobs, expected_investment_cents = excluded.expected_investment_cents,
    details_at = excluded.details_at
WHERE rm_fiche_action.details_at IS NULL OR rm_fiche_action.details_at <= excluded.details_at
"""


def _details(p: FicheActionProposed | FicheActionDetailsRevised) -> tuple[object, ...]:
    return (p.title, p.maturity.value, p.lead_kind.value, p.lead, list(p.partners), p.expected_jobs,
            p.expected_investment_cents)  # fmt: skip


_BUDGET = """
INSERT INTO rm_fiche_action (fiche_action_id, territory_id, estimated_cost_cents, budget_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (fiche_action_id) DO UPDATE SET estimated_cost_cents = excluded.estimated_cost_cents,
    budget_at = excluded.budget_at
WHERE rm_fiche_action.budget_at IS NULL OR rm_fiche_action.budget_at <= excluded.budget_at
"""


@registry.handles(FicheActionProposed)
async def fiche_proposed(p: FicheActionProposed, uow: ReportingUnitOfWork) -> None:
    fiche, at = str(p.fiche_action_id), uow.event.time
    await uow.defer(_PROPOSED, fiche, p.territory_id, p.proposed_on, p.synthetic, p.external_reference)
    await uow.defer(_CATEGORIES, fiche, p.territory_id, [c.value for c in p.categories], at)
    await uow.defer(_DETAILS, fiche, p.territory_id, *_details(p), at)
    await uow.defer(_BUDGET, fiche, p.territory_id, p.estimated_cost_cents, at)


@registry.handles(FicheActionDetailsRevised)
async def fiche_details_revised(p: FicheActionDetailsRevised, uow: ReportingUnitOfWork) -> None:
    fiche = str(p.fiche_action_id)
    await uow.defer(_DETAILS, fiche, p.territory_id, *_details(p), uow.event.time)


@registry.handles(FicheActionBudgetRevised)
async def fiche_budget_revised(p: FicheActionBudgetRevised, uow: ReportingUnitOfWork) -> None:
    await uow.defer(_BUDGET, str(p.fiche_action_id), p.territory_id, p.estimated_cost_cents, uow.event.time)
