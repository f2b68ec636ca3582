"""Events of the reporting service: programme indicators per scope, on a compacted topic."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from ..base import ContractModel, contract
from ..fields import UtcDatetime
from ..ids import REFERENCE_TERRITORY_ID_PATTERN
from ..money import Cents
from ..topics import REPORTING_INDICATORS

ScopeId = Annotated[str, StringConstraints(pattern=r"^(fr|region-[0-9]{2}|ti-[0-9]{1,6})$")]
"""Scope ids of v1: national, a region, an official territory id (kept unchanged for v1 readers)."""
_SCOPE_V2_PATTERN = (
    r"^(?:fr|region-(?:0[1-46]|11|24|27|28|32|44|52|53|75|76|84|93|94)"
    r"|departement-(?:0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-46])"
    rf"|ti-[0-9]{{1,6}}|{REFERENCE_TERRITORY_ID_PATTERN[1:-1]})$"
)
ScopeIdV2 = Annotated[str, StringConstraints(pattern=_SCOPE_V2_PATTERN)]
"""Scope ids of v2: 'fr', 'region-<INSEE>', 'departement-<INSEE>', or a territory id in either form
(the platform id `tdi-<region>-<slug>` is what the platform emits)."""
MAX_COUNT = 1_000_000


class Scope(StrEnum):
    """What the indicators cover."""

    NATIONAL = "national"
    REGION = "region"
    TERRITORY = "territory"


class ScopeV2(StrEnum):
    """What the indicators cover (v2: a département scope besides national, region and territory)."""

    NATIONAL = "national"
    REGION = "region"
    DEPARTEMENT = "departement"
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


@contract(
    service="reporting",
    topics=(REPORTING_INDICATORS.name,),
    subject="scope_id",
    key="scope_id",
    version=2,
    name="IndicatorsPublished",
)
class IndicatorsPublishedV2(ContractModel):
    """Latest indicators of one scope; v2 adds the département scope and the platform territory ids."""

    scope: ScopeV2 = Field(description="What the indicators cover", examples=["departement"])
    scope_id: ScopeIdV2 = Field(
        description=(
            "'fr', 'region-<INSEE code>', 'departement-<INSEE code>' or a territory id, platform form"
            " `tdi-<region>-<slug>` (also the Kafka key)"
        ),
        examples=["departement-51"],
    )
    labelled_territories: int = Field(ge=0, le=MAX_COUNT, description="Labelled territories in scope", examples=[5])
    fiches_actions: AxisCounts = Field(
        description="Fiches actions in the plans, per axis (one action may count in several)",
        examples=[{"transition_ecologique": 26, "foncier": 24, "innovation": 15, "competences": 35}],
    )
    committed_cents: Cents = Field(description="Total committed, in euro cents", examples=[790_000_000])
    paid_cents: Cents = Field(description="Total paid, in euro cents", examples=[120_000_000])
    vte_contracts_signed: int = Field(ge=0, le=MAX_COUNT, description="VTE contracts signed", examples=[12])
    as_of: UtcDatetime = Field(description="Instant the indicators describe", examples=["2024-06-30T22:00:00Z"])
