"""Funding commands partners publish on their ingress topic; each gets one answer on their feedback topic."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import FrenchSentence
from ...ids import (
    ApplicationId,
    GrantId,
    PartnerReference,
    TerritoryId,
)
from ...money import Cents
from ...reference import Instrument
from ...topics import ingress_topics_of
from . import fields as f
from .applications import ApplicationDetails, RejectionReason
from .grants import ReleaseReason

INGRESS = ingress_topics_of("funding")


@contract(service="funding", topics=INGRESS, subject="partner_reference", kind="command")
class FileApplication(ApplicationDetails):
    """File an application for funding on behalf of a project holder."""

    partner_reference: PartnerReference = f.PARTNER_REFERENCE


@contract(service="funding", topics=INGRESS, subject="application_id", kind="command")
class CommitGrant(ContractModel):
    """Commit money for an approved application; refused if it would over-commit the envelope."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    amount_cents: Cents = Field(description="Amount to commit, in euro cents", examples=[120_000_000])
    instrument: Instrument = f.INSTRUMENT
    partner_reference: PartnerReference = f.PARTNER_REFERENCE


@contract(service="funding", topics=INGRESS, subject="grant_id", kind="command")
class ReleaseCommitment(ContractModel):
    """Give back part or all of a grant's commitment to its envelope."""

    grant_id: GrantId = f.GRANT
    territory_id: TerritoryId = f.TERRITORY
    released_cents: Cents = Field(description="Amount to release, in euro cents", examples=[20_000_000])
    reason: ReleaseReason = Field(description="Why", examples=["underspent"])


@contract(service="funding", topics=INGRESS, subject="grant_id", kind="command")
class RecordPayment(ContractModel):
    """Record a payment a partner made on a grant; never more than what is committed."""

    grant_id: GrantId = f.GRANT
    territory_id: TerritoryId = f.TERRITORY
    amount_cents: Cents = Field(description="Amount paid, in euro cents", examples=[60_000_000])
    paid_on: date = Field(description="Value date of the payment", examples=["2024-05-15"])
    partner_reference: PartnerReference = f.PARTNER_REFERENCE


@contract(service="funding", topics=INGRESS, subject="application_id", kind="command")
class RefuseApplication(ContractModel):
    """Refuse a dossier of a programme the partner decides on, with a reason code and a sentence the holder reads."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    reason_code: RejectionReason = Field(description="Why, as a stable code", examples=["project-not-eligible"])
    reason: FrenchSentence = Field(
        description="Why, in French", examples=["Le projet ne présente pas de gain environnemental mesurable."]
    )
    partner_reference: PartnerReference = f.PARTNER_REFERENCE


@contract(service="funding", topics=INGRESS, subject="application_id", kind="command")
class WithdrawApplication(ContractModel):
    """Withdraw a dossier at its holder's request; what is committed and not yet paid goes back to the envelope."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    partner_reference: PartnerReference = f.PARTNER_REFERENCE
