"""Bpifrance's VTE commands, v2: keyed by Bpifrance's own contract reference, so they may arrive in any order.

The v1 commands (`commands.py`) need a platform contract id Bpifrance cannot know before the contract is
recorded, accept any company size and carry a 0-4,000 EUR base; they stay readable but the vte service
acts on these.
"""

from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field, Strict

from ...base import ContractModel, contract
from ...ids import PartnerReference, TerritoryId
from ...money import refuse_non_integers
from ...reference.figures import VTE_GREEN_TOP_UP_MAX, VTE_MAX_PER_CONTRACT
from ...topics import ingress_topics_of
from .eligibility import ContractEndReason
from .facts import (
    CONTRACT_REFERENCE,
    OFFER_REFERENCE,
    VteCandidateFacts,
    VteContractType,
    VteEstablishment,
    VteGreenScope,
)

INGRESS = ingress_topics_of("vte")
REF = "contract_reference"
QUOTED_TERRITORY = Field(
    default=None,
    description="Territory Bpifrance believes the establishment is in (the platform locates it by its commune)",
    examples=["ti-8413"],
)
ESTABLISHMENT = Field(
    description="The hiring establishment",
    examples=[{"siret": "73282932000074", "siren": "732829320", "size": "pme", "commune_insee": "51454"}],
)
PositiveCents = Annotated[int, Strict(), Field(ge=1, le=VTE_MAX_PER_CONTRACT), BeforeValidator(refuse_non_integers)]
GREEN_REQUEST_BOUND = 100 * VTE_GREEN_TOP_UP_MAX
"""A sanity bound on the top-up asked (800,000 EUR): anything above is a typing error, not a request. The aid granted
is capped at 8,000 EUR whatever is asked (issue 24: a request above the cap is granted the cap, never refused)."""
GreenRequestV1 = Annotated[int, Strict(), Field(ge=1, le=VTE_GREEN_TOP_UP_MAX), BeforeValidator(refuse_non_integers)]
GreenRequest = Annotated[int, Strict(), Field(ge=1, le=GREEN_REQUEST_BOUND), BeforeValidator(refuse_non_integers)]


@contract(service="vte", topics=INGRESS, subject="offer_reference", key="offer_reference", kind="command")
class RecordVteOffer(ContractModel):
    """Record a VTE offer a company published on Bpifrance's platform (no aid is decided on an offer)."""

    offer_reference: PartnerReference = OFFER_REFERENCE
    establishment: VteEstablishment = ESTABLISHMENT
    territory_id: TerritoryId | None = QUOTED_TERRITORY
    green_mission: bool = Field(description="True when the offer is for a « VTE vert » mission", examples=[False])
    published_on: date = Field(description="Publication date of the offer", examples=["2024-05-02"])


@contract(service="vte", topics=INGRESS, subject=REF, key=REF, kind="command", version=2, name="RecordVteContract")
class RecordVteContractV2(ContractModel):
    """Record a signed VTE contract; the platform locates the establishment and decides the aid."""

    contract_reference: PartnerReference = CONTRACT_REFERENCE
    offer_reference: PartnerReference | None = Field(
        default=None, description="The offer the contract fills, when known", examples=["BPI-VTE-OFFRE-0007"]
    )
    establishment: VteEstablishment = ESTABLISHMENT
    territory_id: TerritoryId | None = QUOTED_TERRITORY
    candidate: VteCandidateFacts = Field(
        description="The candidate's reference and eligibility facts (no identity)",
        examples=[
            {
                "candidate_reference": "BPI-CAND-2024-0042",
                "status": "jeune-diplome",
                "study_level": "bac+5",
                "graduated_in": "2024-06",
            }
        ],
    )
    contract_type: VteContractType = Field(description="Kind of employment contract", examples=["cdd"])
    duration_months: int | None = Field(
        default=None, ge=1, le=60, description="Planned duration; absent for a CDI", examples=[12]
    )
    starts_on: date = Field(description="First day of the mission", examples=["2024-09-02"])
    signed_on: date = Field(description="Signature date", examples=["2024-07-10"])
    aid_requested_on: date = Field(description="Day the company asked for the aid", examples=["2024-09-20"])
    synthetic: bool = Field(
        default=False, description="True for generated demonstration data, never a real contract", examples=[False]
    )


@contract(service="vte", topics=INGRESS, subject=REF, key=REF, kind="command")
class DeclareVteGreenMission(ContractModel):
    """Declare the contract's mission a « VTE vert » one, with its scope and the top-up asked (8,000 EUR at most)."""

    contract_reference: PartnerReference = CONTRACT_REFERENCE
    scope: VteGreenScope = Field(description="Theme of the mission", examples=["decarbonation"])
    requested_cents: GreenRequestV1 = Field(description="Top-up asked, in euro cents", examples=[800_000])
    declared_on: date = Field(description="Declaration date", examples=["2024-09-20"])


@contract(service="vte", topics=INGRESS, subject=REF, key=REF, kind="command", version=2, name="DeclareVteGreenMission")
class DeclareVteGreenMissionV2(ContractModel):
    """Declare the contract's mission a « VTE vert » one, with its scope and the top-up asked: any amount, granted up to
    8,000 EUR (issue 24: v1 refused more as INVALID_PAYLOAD; the answer and the decision now say it was capped)."""

    contract_reference: PartnerReference = CONTRACT_REFERENCE
    scope: VteGreenScope = Field(description="Theme of the mission", examples=["decarbonation"])
    requested_cents: GreenRequest = Field(
        description="Top-up asked, in euro cents; above 8,000 EUR it is granted 8,000 EUR (the answer says so)",
        examples=[800_000],
    )
    declared_on: date = Field(description="Declaration date", examples=["2024-09-20"])


@contract(service="vte", topics=INGRESS, subject=REF, key=REF, kind="command", version=2, name="EndVteContract")
class EndVteContractV2(ContractModel):
    """Record the end of a VTE contract; an early end adjusts the aid by the platform's early-end rule."""

    contract_reference: PartnerReference = CONTRACT_REFERENCE
    reason: ContractEndReason = Field(description="Why it ended", examples=["ended-early"])
    ended_on: date = Field(description="Last day of the contract", examples=["2025-03-31"])


@contract(service="vte", topics=INGRESS, subject=REF, key=REF, kind="command", version=2, name="RecordVteAidPayment")
class RecordVteAidPaymentV2(ContractModel):
    """Record a payment of a contract's aid; the payments of a contract never exceed its aid."""

    contract_reference: PartnerReference = CONTRACT_REFERENCE
    payment_reference: PartnerReference = Field(
        description="Bpifrance's reference of the payment", examples=["BPI-VTE-PAY-0099"]
    )
    amount_cents: PositiveCents = Field(description="Amount paid, in euro cents", examples=[400_000])
    paid_on: date = Field(description="Value date of the payment", examples=["2024-10-01"])
