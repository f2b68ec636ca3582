"""The contract payloads a fiche action's changes announce (all keyed by the platform territory id)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from tdi_actions.lifecycle import FicheStatus
from tdi_contracts.events import actions as ev
from tdi_contracts.reference import Category

if TYPE_CHECKING:
    from tdi_actions.domain import FicheAction


def _ids(f: FicheAction) -> dict[str, Any]:
    return {"fiche_action_id": f.id, "territory_id": f.territory_id}


def _described(f: FicheAction) -> dict[str, Any]:
    d = f.details
    return {
        "title": d.title,
        "maturity": d.maturity,
        "lead_kind": d.lead_kind,
        "lead": d.lead,
        "partners": list(d.partners),
        "expected_jobs": d.expected_jobs,
        "expected_investment_cents": d.expected_investment_cents,
        "funding_application_ids": list(d.funding_application_ids),
    }


def proposed(f: FicheAction, on: date) -> ev.FicheActionProposed:
    return ev.FicheActionProposed(
        **_ids(f),
        **_described(f),
        categories=list(f.categories),
        estimated_cost_cents=f.budget_cents,
        external_reference=f.external_reference,
        synthetic=f.synthetic,
        proposed_on=on,
    )


def moved(f: FicheAction, target: FicheStatus, on: date) -> Any:
    """Planned, started (progressed to « en cours »), completed or abandoned."""
    if target is FicheStatus.PLANNED:
        return ev.FicheActionPlanned(
            **_ids(f),
            title=f.details.title,
            categories=list(f.categories),
            estimated_cost_cents=f.budget_cents,
            planned_on=on,
        )
    if target is FicheStatus.IN_PROGRESS:
        return ev.FicheActionStarted(**_ids(f), started_on=on)
    if target is FicheStatus.DONE:
        return ev.FicheActionCompleted(**_ids(f), completed_on=on)
    return ev.FicheActionAbandoned(
        **_ids(f), reason=f.abandon_reason or ev.AbandonReason.NO_LONGER_RELEVANT, abandoned_on=on
    )


def recategorised(f: FicheAction, previous: tuple[Category, ...], on: date) -> ev.FicheActionRecategorised:
    return ev.FicheActionRecategorised(
        **_ids(f), categories=list(f.categories), previous_categories=list(previous), recategorised_on=on
    )


def budget_revised(f: FicheAction, previous: int | None, on: date) -> ev.FicheActionBudgetRevised:
    return ev.FicheActionBudgetRevised(
        **_ids(f), estimated_cost_cents=f.budget_cents, previous_cost_cents=previous, revised_on=on
    )


def details_revised(f: FicheAction, on: date) -> ev.FicheActionDetailsRevised:
    return ev.FicheActionDetailsRevised(**_ids(f), **_described(f), revised_on=on)
