"""Funding commands partners publish on their ingress topic; each gets one answer on their feedback topic."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import Label
from ...ids import (
    ApplicationId,
    EnvelopeId,
    FicheActionId,
    GrantId,
    PartnerReference,
    Siren,
    Siret,
    TerritoryId,
)
from ...money import Cents
from ...reference import Instrument, Programme, ValueChain
from ...topics import PARTNER_INGRESS_TOPICS, names
from . import fields as f
from .grants import ReleaseReason

INGRESS = names(PARTNER_INGRESS_TOPICS)


@contract(service="funding", topics=INGRESS, subject="partner_reference", kind="command")
class FileApplication(ContractModel):
    """File an application for funding on behalf of a project holder."""

    partner_reference: PartnerReference = f.PARTNER_REFERENCE
    territory_id: TerritoryId = f.TERRITORY
    programme: Programme = f.PROGRAMME
    envelope_id: EnvelopeId = f.ENVELOPE
    applicant_siren: Siren = f.APPLICANT
    establishment_siret: Siret | None = f.SITE
    project_title: Label = f.TITLE
    requested_cents: Cents = f.REQUESTED
    eligible_cost_cents: Cents | None = f.ELIGIBLE_COST
    instrument: Instrument = f.INSTRUMENT
    value_chain: ValueChain | None = f.VALUE_CHAIN
    fiche_action_id: FicheActionId | None = f.FICHE_ACTION
    funding_year: int | None = f.FUNDING_YEAR


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
