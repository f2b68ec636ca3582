"""The platform's decisions on a VTE contract: aid granted, refused (every reason named), adjusted, and the
payment requested from each funder. Amounts in integer euro cents."""

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, Strict

from ...base import ContractModel, contract
from ...fields import FrenchSentence
from ...ids import DepartementCode, TerritoryId, VteContractId
from ...money import refuse_non_integers
from ...reference.figures import VTE_BASE_AID, VTE_GREEN_TOP_UP_MAX, VTE_MAX_PER_CONTRACT
from ...topics import VTE_CONTRACT
from .contracts import CONTRACT

TOPIC = (VTE_CONTRACT.name,)
SYNTHETIC = Field(
    default=False,
    description="True when the contract was demonstration data (its RecordVteContract said so), never a real one",
    examples=[False],
)
ExactBaseAid = Annotated[int, Strict(), Field(ge=VTE_BASE_AID, le=VTE_BASE_AID), BeforeValidator(refuse_non_integers)]
"""The base aid is exactly 4,000 EUR: it is granted whole or not at all."""
GreenCents = Annotated[int, Strict(), Field(ge=0, le=VTE_GREEN_TOP_UP_MAX), BeforeValidator(refuse_non_integers)]
BaseCents = Annotated[int, Strict(), Field(ge=0, le=VTE_BASE_AID), BeforeValidator(refuse_non_integers)]
TotalCents = Annotated[int, Strict(), Field(ge=0, le=VTE_MAX_PER_CONTRACT), BeforeValidator(refuse_non_integers)]
DeltaCents = Annotated[
    int, Strict(), Field(ge=-VTE_MAX_PER_CONTRACT, le=VTE_MAX_PER_CONTRACT), BeforeValidator(refuse_non_integers)
]
PLATFORM_TERRITORY = Field(
    description="Platform id of the territory the establishment is in", examples=["tdi-44-grand-reims"]
)


class EligibleCompanySize(StrEnum):
    """PME (micro-enterprises included, as in the EU SME definition) or ETI: a large company gets no aid."""

    PME = "pme"
    ETI = "eti"


class VteRefusalReason(StrEnum):
    """One failed eligibility check of a VTE contract."""

    COMPANY_TOO_LARGE = "company-too-large"
    SIRET_NOT_OF_SIREN = "siret-not-of-siren"
    CANDIDATE_NOT_ELIGIBLE = "candidate-not-eligible"
    CONTRACT_TYPE_NOT_ELIGIBLE = "contract-type-not-eligible"
    CONTRACT_TOO_SHORT = "contract-too-short"
    AID_REQUESTED_TOO_LATE = "aid-requested-too-late"
    OUTSIDE_EVERY_TERRITORY = "outside-every-territory"


class VteFunder(StrEnum):
    """Who funds a part of the aid."""

    ETAT = "etat"
    BANQUE_DES_TERRITOIRES = "banque-des-territoires"


class VteAidPart(StrEnum):
    BASE = "base"
    GREEN = "vert"


class VteAdjustmentCause(StrEnum):
    GREEN_MISSION_DECLARED = "green-mission-declared"
    ENDED_EARLY = "ended-early"


class VteEarlyEndRule(StrEnum):
    """What an early end does to the aid (a platform setting): keep it, pro rata of the time served, or recover it."""

    KEEP = "keep"
    PRO_RATA = "pro-rata"
    CLAWBACK = "clawback"


class VteRefusal(ContractModel):
    """One reason of a refusal, coded and in French."""

    reason: VteRefusalReason = Field(description="Which check failed", examples=["company-too-large"])
    message: FrenchSentence = Field(
        description="The reason in French", examples=["Une grande entreprise n'est pas éligible à l'aide VTE."]
    )


RequestedCents = Annotated[
    int, Strict(), Field(ge=1, le=100 * VTE_GREEN_TOP_UP_MAX), BeforeValidator(refuse_non_integers)
]


@contract(service="vte", topics=TOPIC, subject="vte_contract_id", version=2, name="VteAidGranted")
class VteAidGrantedV2(ContractModel):
    """The aid of a contract was granted: the 4,000 EUR base, once, and the green top-up known so far."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = PLATFORM_TERRITORY
    departement: DepartementCode = Field(description="Département of the establishment", examples=["51"])
    company_size: EligibleCompanySize = Field(description="PME or ETI", examples=["pme"])
    base_cents: ExactBaseAid = Field(description="Base aid, 4,000 EUR", examples=[VTE_BASE_AID])
    green_top_up_cents: GreenCents = Field(description="« VTE vert » top-up (8,000 EUR at most)", examples=[0])
    total_cents: TotalCents = Field(description="Base plus top-up, 12,000 EUR at most", examples=[VTE_BASE_AID])
    granted_on: date = Field(description="Date of the decision", examples=["2024-09-20"])
    synthetic: bool = SYNTHETIC


@contract(service="vte", topics=TOPIC, subject="vte_contract_id")
class VteAidRefused(ContractModel):
    """The aid of a contract was refused; every failed check is named."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId | None = Field(
        default=None, description="Platform territory id, absent outside every territory", examples=[None]
    )
    reasons: list[VteRefusal] = Field(
        min_length=1,
        max_length=10,
        description="Every failed check",
        examples=[[{"reason": "company-too-large", "message": "Une grande entreprise n'est pas éligible."}]],
    )
    refused_on: date = Field(description="Date of the decision", examples=["2024-09-20"])
    synthetic: bool = SYNTHETIC


@contract(service="vte", topics=TOPIC, subject="vte_contract_id")
class VteAidAdjusted(ContractModel):
    """The aid of a contract changed: a green mission was declared, or the contract ended early."""

    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = PLATFORM_TERRITORY
    cause: VteAdjustmentCause = Field(description="What changed the aid", examples=["green-mission-declared"])
    early_end_rule: VteEarlyEndRule | None = Field(
        default=None, description="Rule applied on an early end", examples=[None]
    )
    base_cents: BaseCents = Field(description="Base aid now", examples=[VTE_BASE_AID])
    green_top_up_cents: GreenCents = Field(description="Green top-up now", examples=[800_000])
    total_cents: TotalCents = Field(description="Aid now, 12,000 EUR at most", examples=[1_200_000])
    base_delta_cents: DeltaCents = Field(description="Change of the base (negative: reduced)", examples=[0])
    green_delta_cents: DeltaCents = Field(description="Change of the top-up", examples=[800_000])
    adjusted_on: date = Field(description="Date of the decision", examples=["2024-09-20"])
    requested_cents: RequestedCents | None = Field(
        default=None, description="Green top-up asked (a green mission's change only)", examples=[950_000]
    )
    capped: bool = Field(
        default=False,
        description="True when the top-up asked was above what the rules grant (8,000 EUR; 12,000 EUR in all)",
        examples=[True],
    )


@contract(service="vte", topics=TOPIC, subject="vte_contract_id")
class VteAidPaymentRequested(ContractModel):
    """One funder is asked to pay (or to take back) its part of a contract's aid."""

    payment_request_id: VteContractId = Field(
        description="Id of the request (stable: a replay asks nothing twice)",
        examples=["5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"],
    )
    vte_contract_id: VteContractId = CONTRACT
    territory_id: TerritoryId = PLATFORM_TERRITORY
    funder: VteFunder = Field(description="Who pays this part", examples=["etat"])
    part: VteAidPart = Field(description="Base aid or green top-up", examples=["base"])
    amount_cents: DeltaCents = Field(
        description="Amount asked in euro cents; negative when money is taken back (early end)", examples=[200_000]
    )
    requested_on: date = Field(description="Date of the request", examples=["2024-09-20"])
