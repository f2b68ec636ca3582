"""Grant events: money committed against an envelope, released, and paid."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from ...base import ContractModel, contract
from ...ids import ApplicationId, EnvelopeId, GrantId, PartnerReference, PaymentId, TerritoryId
from ...money import Cents
from ...reference import Instrument, Partner, Programme, ProgrammeCode
from ...topics import FUNDING_GRANT
from . import fields as f


class ReleaseReason(StrEnum):
    """Why committed money went back to its envelope."""

    PROJECT_ABANDONED = "project-abandoned"
    UNDERSPENT = "underspent"
    GRANT_CANCELLED = "grant-cancelled"


@contract(service="funding", topics=(FUNDING_GRANT.name,), subject="grant_id")
class GrantCommitted(ContractModel):
    """Money was committed (engagée) against an envelope for an approved application."""

    grant_id: GrantId = f.GRANT
    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    envelope_id: EnvelopeId = f.ENVELOPE
    programme: Programme = f.PROGRAMME
    instrument: Instrument = f.INSTRUMENT
    amount_cents: Cents = Field(description="Amount committed, in euro cents", examples=[120_000_000])
    operator: Partner | None = Field(
        default=None, description="Partner that committed it, e.g. Bpifrance", examples=["bpifrance"]
    )
    committed_on: date = Field(description="Date of the commitment", examples=["2024-03-04"])


@contract(service="funding", topics=(FUNDING_GRANT.name,), subject="grant_id", version=2, name="GrantCommitted")
class GrantCommittedV2(GrantCommitted):
    """Money was committed (engagée) against an envelope for an approved application. v2: the programme is an open
    code (catalogue or declared), and the year the decision funds."""

    programme: ProgrammeCode = f.PROGRAMME_CODE  # type: ignore[assignment]
    funding_year: int | None = Field(
        default=None, ge=2023, le=2027, description="Year the decision funds (yearly programmes)", examples=[2024]
    )


@contract(service="funding", topics=(FUNDING_GRANT.name,), subject="grant_id")
class CommitmentReleased(ContractModel):
    """Part or all of a grant's commitment went back to its envelope."""

    grant_id: GrantId = f.GRANT
    territory_id: TerritoryId = f.TERRITORY
    envelope_id: EnvelopeId = f.ENVELOPE
    released_cents: Cents = Field(description="Amount released, in euro cents", examples=[20_000_000])
    reason: ReleaseReason = Field(description="Why it was released", examples=["underspent"])
    released_on: date = Field(description="Date of the release", examples=["2025-06-30"])


@contract(service="funding", topics=(FUNDING_GRANT.name,), subject="grant_id")
class PaymentMade(ContractModel):
    """A payment was made on a grant."""

    payment_id: PaymentId = f.PAYMENT
    grant_id: GrantId = f.GRANT
    territory_id: TerritoryId = f.TERRITORY
    amount_cents: Cents = Field(description="Amount paid, in euro cents", examples=[60_000_000])
    partner_reference: PartnerReference | None = Field(
        default=None, description="Payment reference of the paying partner", examples=["BPI-PAY-2024-0042"]
    )
    paid_on: date = Field(description="Value date of the payment", examples=["2024-05-15"])
    paid_by: Partner | None = Field(
        default=None,
        description=(
            "Who paid the beneficiary: absent for the State (crédits de paiement); the operator when it paid out of"
            " the money it operates (Bpifrance for Rebond industriel, Banque des Territoires for its lines)"
        ),
        examples=["bpifrance"],
    )
