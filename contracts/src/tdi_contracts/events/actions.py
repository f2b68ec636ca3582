"""Events of the actions service: lifecycle of a fiche action (one action of a territory's action plan)."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from ..base import ContractModel, contract
from ..fields import Label, UniqueList
from ..ids import FicheActionId, TerritoryId
from ..money import Cents
from ..reference import Category
from ..topics import FICHE_ACTION

_FICHE = Field(description="Id of the fiche action", examples=["6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a04"])
_TERRITORY = Field(description="Territory whose action plan holds the fiche", examples=["ti-8413"])
_CATEGORIES = Field(
    min_length=1,
    max_length=12,
    description="Categories the action counts in (one action may count in several); each implies its axis",
    examples=[["transition-energetique", "ecologie-industrielle"]],
)


class AbandonReason(StrEnum):
    """Why a fiche action was abandoned."""

    NO_FUNDING = "no-funding"
    PROJECT_HOLDER_WITHDREW = "project-holder-withdrew"
    MERGED_INTO_ANOTHER_ACTION = "merged-into-another-action"
    NO_LONGER_RELEVANT = "no-longer-relevant"


@contract(service="actions", topics=(FICHE_ACTION.name,), subject="fiche_action_id")
class FicheActionPlanned(ContractModel):
    """A fiche action entered the territory's action plan."""

    fiche_action_id: FicheActionId = _FICHE
    territory_id: TerritoryId = _TERRITORY
    title: Label = Field(
        description="Short title of the action", examples=["Réseau de chaleur fatale de la zone industrielle"]
    )
    categories: UniqueList[Category] = _CATEGORIES
    estimated_cost_cents: Cents | None = Field(
        default=None, description="Estimated total cost in euro cents, when known", examples=[120_000_000]
    )
    planned_on: date = Field(description="Date the action entered the plan", examples=["2024-03-12"])


@contract(service="actions", topics=(FICHE_ACTION.name,), subject="fiche_action_id")
class FicheActionStarted(ContractModel):
    """Work on a fiche action started."""

    fiche_action_id: FicheActionId = _FICHE
    territory_id: TerritoryId = _TERRITORY
    started_on: date = Field(description="Start date", examples=["2024-06-03"])


@contract(service="actions", topics=(FICHE_ACTION.name,), subject="fiche_action_id")
class FicheActionCompleted(ContractModel):
    """A fiche action was completed."""

    fiche_action_id: FicheActionId = _FICHE
    territory_id: TerritoryId = _TERRITORY
    completed_on: date = Field(description="Completion date", examples=["2025-11-28"])


@contract(service="actions", topics=(FICHE_ACTION.name,), subject="fiche_action_id")
class FicheActionAbandoned(ContractModel):
    """A fiche action was abandoned."""

    fiche_action_id: FicheActionId = _FICHE
    territory_id: TerritoryId = _TERRITORY
    reason: AbandonReason = Field(description="Why it was abandoned", examples=["no-funding"])
    abandoned_on: date = Field(description="Date of the decision", examples=["2025-02-14"])


@contract(service="actions", topics=(FICHE_ACTION.name,), subject="fiche_action_id")
class FicheActionRecategorised(ContractModel):
    """The categories a fiche action counts in changed."""

    fiche_action_id: FicheActionId = _FICHE
    territory_id: TerritoryId = _TERRITORY
    categories: UniqueList[Category] = _CATEGORIES
    previous_categories: UniqueList[Category] = Field(
        min_length=1,
        max_length=12,
        description="Categories before the change",
        examples=[["soutien-filieres"]],
    )
    recategorised_on: date = Field(description="Date of the change", examples=["2024-09-30"])
