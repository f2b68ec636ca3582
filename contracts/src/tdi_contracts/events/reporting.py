"""Events of the reporting service: programme indicators per scope, on a compacted topic."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from ..base import ContractModel, contract
from ..fields import UtcDatetime
from ..money import Cents
from ..topics import REPORTING_INDICATORS

ScopeId = Annotated[str, StringConstraints(pattern=r"^(fr|region-[0-9]{2}|ti-[0-9]{1,6})$")]
MAX_COUNT = 1_000_000


class Scope(StrEnum):
    """What the indicators cover."""

    NATIONAL = "national"
    REGION = "region"
    TERRITORY = "territory"


class AxisCounts(ContractModel):
    """Fiches actions counted per axis of the action plans."""

    transition_ecologique: int = Field(
        ge=0, le=MAX_COUNT, description="Transition écologique et énergétique", examples=[26]
    )
    foncier: int = Field(ge=0, le=MAX_COUNT, description="Foncier industriel", examples=[24])
    innovation: int = Field(ge=0, le=MAX_COUNT, description="Innovation", examples=[15])
    competences: int = Field(ge=0, le=MAX_COUNT, description="Compétences et attractivité", examples=[35])


@contract(service="reporting", topics=(REPORTING_INDICATORS.name,), subject="scope_id", key="scope_id")
class IndicatorsPublished(ContractModel):
    """Latest indicators of one scope (national, a region, a territory), rebuilt from the domain topics."""

    scope: Scope = Field(description="What the indicators cover", examples=["territory"])
    scope_id: ScopeId = Field(
        description="'fr', 'region-<INSEE code>' or a territory id (also the Kafka key)", examples=["ti-8413"]
    )
    labelled_territories: int = Field(ge=0, le=MAX_COUNT, description="Labelled territories in scope", examples=[1])
    fiches_actions: AxisCounts = Field(
        description="Fiches actions in the plans, per axis (one action may count in several)",
        examples=[{"transition_ecologique": 26, "foncier": 24, "innovation": 15, "competences": 35}],
    )
    committed_cents: Cents = Field(description="Total committed, in euro cents", examples=[790_000_000])
    paid_cents: Cents = Field(description="Total paid, in euro cents", examples=[120_000_000])
    vte_contracts_signed: int = Field(ge=0, le=MAX_COUNT, description="VTE contracts signed", examples=[12])
    as_of: UtcDatetime = Field(description="Instant the indicators describe", examples=["2024-06-30T22:00:00Z"])
