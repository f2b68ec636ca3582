"""Commands the actions service accepts (HTTP bodies and import rows alike), validated field by field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tdi_actions.details import FicheDetails
from tdi_actions.lifecycle import FicheStatus
from tdi_contracts.events.actions import AbandonReason, LeadKind, Maturity
from tdi_contracts.fields import FreeText, Label, UniqueList
from tdi_contracts.money import Cents
from tdi_contracts.reference import Category
from tdi_contracts.spreadsheet_safety import PlainLabel

Description = Annotated[FreeText, Field(max_length=4000, description="What the action is about (lines and tabs kept)")]
Jobs = Annotated[int, Field(ge=0, le=1_000_000, description="Jobs the action is expected to create")]


class Command(BaseModel):
    """Unknown fields are refused: a typo in a field name must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FicheFields(Command):
    """What describes a fiche action. The lead is a role or an organisation, never a private person. Title, lead
    and partners never start like a spreadsheet formula (`=`, `+`, `@`: they would run in an export)."""

    title: PlainLabel = Field(examples=["Réseau de chaleur fatale de la zone industrielle"])
    description: Description = ""
    maturity: Maturity = Maturity.IDEA
    lead_kind: LeadKind = LeadKind.ORGANISATION
    lead: PlainLabel = Field(examples=["Communauté urbaine du Grand Reims"])
    partners: Annotated[UniqueList[PlainLabel], Field(max_length=30)] = []
    categories: Annotated[UniqueList[Category], Field(min_length=1, max_length=12)] = Field(
        examples=[["transition-energetique", "ecologie-industrielle"]]
    )
    estimated_cost_cents: Cents | None = Field(default=None, description="Estimated budget in euro cents")
    expected_jobs: Jobs | None = None
    expected_investment_cents: Cents | None = None
    funding_application_ids: Annotated[UniqueList[UUID], Field(max_length=20)] = []

    def details(self) -> FicheDetails:
        return FicheDetails(
            self.title,
            self.description,
            self.maturity,
            self.lead_kind,
            self.lead,
            tuple(self.partners),
            self.expected_jobs,
            self.expected_investment_cents,
            tuple(self.funding_application_ids),
        )


class CreateFiche(FicheFields):
    """Propose a fiche action for a territory's plan (platform or official territory id)."""

    territory_id: Label = Field(examples=["tdi-44-grand-reims", "ti-8413"])
    external_reference: Label | None = Field(default=None, description="The territory's own reference")
    proposed_on: date
    synthetic: bool = Field(default=False, description="Demonstration data, not a real action")


class ReviseFiche(FicheFields):
    """The whole description of the fiche as it now stands (what did not change is sent unchanged)."""

    revised_on: date


class MoveFiche(Command):
    """One step of the lifecycle: proposed → planned → in-progress → done, or abandoned."""

    status: FicheStatus = Field(examples=["planned"])
    on: date = Field(description="Date of the step (never before the previous one)")
    reason: AbandonReason | None = Field(default=None, description="Why, when the fiche is abandoned")


# What a route hands the pipeline: the body above and the fiche its path names (a handler is found by the class).
@dataclass(frozen=True)
class ReviseFicheOf:
    fiche_id: UUID
    body: ReviseFiche


@dataclass(frozen=True)
class MoveFicheOf:
    fiche_id: UUID
    body: MoveFiche
