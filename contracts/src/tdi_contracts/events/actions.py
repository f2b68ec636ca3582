"""Events of the actions service: lifecycle of a fiche action (one action of a territory's action plan)."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from ..base import ContractModel, contract
from ..fields import Label, UniqueList
from ..ids import ApplicationId, FicheActionId, TerritoryId
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


class Maturity(StrEnum):
    """How far a fiche action's project has matured."""

    IDEA = "idea"
    IN_STUDY = "in-study"
    READY = "ready"


class LeadKind(StrEnum):
    """What leads a fiche action: a role (e.g. président de l'EPCI) or an organisation, never a private person."""

    ROLE = "role"
    ORGANISATION = "organisation"


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


_ON = "Date of the fact"


@contract(service="actions", topics=(FICHE_ACTION.name,), subject="fiche_action_id")
class FicheActionProposed(ContractModel):
    """A fiche action was proposed for the territory's action plan (its first state), with what describes it."""

    fiche_action_id: FicheActionId = _FICHE
    territory_id: TerritoryId = _TERRITORY
    title: Label = Field(
        description="Short title of the action", examples=["Réseau de chaleur fatale de la zone industrielle"]
    )
    categories: UniqueList[Category] = _CATEGORIES
    maturity: Maturity = Field(description="How far the project has matured", examples=["in-study"])
    lead_kind: LeadKind = Field(description="The lead is a role or an organisation", examples=["organisation"])
    lead: Label = Field(description="Role or organisation leading the action", examples=["Communauté urbaine"])
    partners: UniqueList[Label] = Field(
        default_factory=list, max_length=30, description="Organisations involved", examples=[["ADEME", "CCI"]]
    )
    estimated_cost_cents: Cents | None = Field(
        default=None, description="Estimated total cost in euro cents, when known", examples=[120_000_000]
    )
    expected_jobs: int | None = Field(
        default=None, ge=0, le=1_000_000, description="Jobs the action is expected to create", examples=[25]
    )
    expected_investment_cents: Cents | None = Field(
        default=None, description="Productive investment expected, in euro cents", examples=[500_000_000]
    )
    funding_application_ids: UniqueList[ApplicationId] = Field(
        default_factory=list,
        max_length=20,
        description="Funding applications filed for the action",
        examples=[["0b6f2a52-9a0c-4b8e-9d7e-2f1c3a4b5c6d"]],
    )
    external_reference: Label | None = Field(
        default=None, description="The territory's own reference of the fiche", examples=["GR-2024-07"]
    )
    synthetic: bool = Field(
        default=False, description="True for generated demonstration data, never a real action", examples=[False]
    )
    proposed_on: date = Field(description="Date the action was proposed", examples=["2024-01-20"])


@contract(service="actions", topics=(FICHE_ACTION.name,), subject="fiche_action_id")
class FicheActionDetailsRevised(ContractModel):
    """What describes a fiche action changed (title, maturity, lead, partners, indicators, funding links)."""

    fiche_action_id: FicheActionId = _FICHE
    territory_id: TerritoryId = _TERRITORY
    title: Label = Field(description="Short title of the action", examples=["Réseau de chaleur fatale"])
    maturity: Maturity = Field(description="How far the project has matured", examples=["ready"])
    lead_kind: LeadKind = Field(description="The lead is a role or an organisation", examples=["role"])
    lead: Label = Field(description="Role or organisation leading the action", examples=["Président de l'EPCI"])
    partners: UniqueList[Label] = Field(max_length=30, description="Organisations involved", examples=[["ADEME"]])
    expected_jobs: int | None = Field(default=None, ge=0, le=1_000_000, description="Expected jobs", examples=[25])
    expected_investment_cents: Cents | None = Field(
        default=None, description="Productive investment expected, in euro cents", examples=[500_000_000]
    )
    funding_application_ids: UniqueList[ApplicationId] = Field(
        max_length=20,
        description="Funding applications filed for the action",
        examples=[["0b6f2a52-9a0c-4b8e-9d7e-2f1c3a4b5c6d"]],
    )
    revised_on: date = Field(description=_ON, examples=["2024-05-02"])


@contract(service="actions", topics=(FICHE_ACTION.name,), subject="fiche_action_id")
class FicheActionBudgetRevised(ContractModel):
    """The estimated budget of a fiche action was revised (null: no longer known)."""

    fiche_action_id: FicheActionId = _FICHE
    territory_id: TerritoryId = _TERRITORY
    estimated_cost_cents: Cents | None = Field(description="New estimated cost in euro cents", examples=[150_000_000])
    previous_cost_cents: Cents | None = Field(description="Estimate before the revision", examples=[120_000_000])
    revised_on: date = Field(description=_ON, examples=["2024-09-30"])
