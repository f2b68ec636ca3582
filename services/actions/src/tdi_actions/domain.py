"""A fiche action (one action of a territory's action plan) and its lifecycle, as pure rules.

Lifecycle: proposed → planned → in progress → done; any open step → abandoned. Each step reached is dated,
never before the step before it. A closed fiche (done or abandoned) keeps its history and takes no change.
The aggregate records the facts it establishes (contract payloads) in `events`; its handler hands them to the
unit of work, which writes them to the outbox in the transaction that saves the fiche.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from tdi_actions import facts
from tdi_actions.details import FicheDetails
from tdi_actions.lifecycle import FicheStatus, check_move
from tdi_actions.text import normalise
from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.actions import AbandonReason, LeadKind, Maturity
from tdi_contracts.reference import Category
from tdi_runtime.errors import DomainError

__all__ = ["AbandonReason", "FicheAction", "FicheDetails", "FicheStatus", "LeadKind", "Maturity", "natural_key"]


def _categories(categories: tuple[Category, ...]) -> tuple[Category, ...]:
    if not categories or len(set(categories)) != len(categories):
        message = "Une fiche action compte dans au moins une catégorie, chacune une seule fois."
        raise DomainError(ErrorCode.INVALID_FICHE_ACTION, message, field="categories")
    return categories


def _budget(cents: int | None) -> int | None:
    if cents is not None and (isinstance(cents, bool) or not isinstance(cents, int) or cents < 0):
        message = "Le budget estimé est un nombre entier positif de centimes d'euro."
        raise DomainError(ErrorCode.INVALID_FICHE_ACTION, message, field="estimated_cost_cents")
    return cents


@dataclass
class FicheAction:
    """One action of one territory's plan, loaded and saved as a whole."""

    id: UUID
    territory_id: str
    details: FicheDetails
    categories: tuple[Category, ...]
    budget_cents: int | None
    status: FicheStatus
    steps: dict[FicheStatus, date]
    external_reference: str | None = None
    synthetic: bool = False
    abandon_reason: AbandonReason | None = None
    natural_key: str = field(default="", compare=False)
    """What identifies it across imports (`natural_key()`), fixed when it is proposed."""
    events: list[Any] = field(default_factory=list, compare=False)

    @classmethod
    def propose(
        cls,
        fiche_id: UUID,
        territory_id: str,
        labelled: bool,
        details: FicheDetails,
        categories: tuple[Category, ...],
        budget_cents: int | None,
        on: date,
        *,
        external_reference: str | None = None,
        synthetic: bool = False,
    ) -> FicheAction:
        """A new fiche in its first state; a territory that lost its label takes no new fiche."""
        if not labelled:
            message = f"Le territoire {territory_id} n'est plus labellisé : il ne reçoit plus de nouvelle fiche action."
            raise DomainError(ErrorCode.TERRITORY_NOT_LABELLED, message, field="territory_id", value=territory_id)
        steps = {FicheStatus.PROPOSED: on}
        fiche = cls(
            fiche_id,
            territory_id,
            details,
            _categories(categories),
            _budget(budget_cents),
            FicheStatus.PROPOSED,
            steps,
            external_reference,
            synthetic,
            natural_key=natural_key(territory_id, external_reference, details.title),
        )
        fiche.events.append(facts.proposed(fiche, on))
        return fiche

    @property
    def closed(self) -> bool:
        return self.status.closed

    def move_to(self, target: FicheStatus, on: date, reason: AbandonReason | None = None) -> None:
        """One lifecycle step; a step the lifecycle forbids, or dated before the last one, is refused."""
        check_move(self.status, target, on, max(self.steps.values()))
        self.status = target
        self.steps[target] = on
        if target is FicheStatus.ABANDONED:
            self.abandon_reason = reason or AbandonReason.NO_LONGER_RELEVANT
        self.events.append(facts.moved(self, target, on))

    def recategorise(self, categories: tuple[Category, ...], on: date) -> None:
        if set(_categories(categories)) != set(self.categories):
            self._open("categories")
            previous, self.categories = self.categories, categories
            self.events.append(facts.recategorised(self, previous, on))

    def revise_budget(self, cents: int | None, on: date) -> None:
        if _budget(cents) != self.budget_cents:
            self._open("estimated_cost_cents")
            previous, self.budget_cents = self.budget_cents, cents
            self.events.append(facts.budget_revised(self, previous, on))

    def revise_details(self, details: FicheDetails, on: date) -> None:
        if details != self.details:
            self._open("details")
            self.details = details
            self.events.append(facts.details_revised(self, on))

    def _open(self, what: str) -> None:
        """A change of a closed fiche is refused; restating what it already holds is not a change."""
        if self.closed:
            message = f"La fiche action « {self.details.title} » est close ({self.status.label}) : elle ne change plus."
            raise DomainError(ErrorCode.FICHE_ACTION_CLOSED, message, field=what)


def natural_key(territory_id: str, external_reference: str | None, title: str) -> str:
    """What identifies a fiche across imports: the territory's own reference, else its title (case, accents,
    spaces ignored). Platform rule: two fiches of one territory never share this key."""
    if external_reference and external_reference.strip():
        return f"{territory_id}|ref:{normalise(external_reference)}"
    return f"{territory_id}|title:{normalise(title)}"
