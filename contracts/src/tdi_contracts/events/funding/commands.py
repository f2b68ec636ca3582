"""Funding commands partners publish on their ingress topic; each gets one answer on their feedback topic."""

from datetime import date

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import FrenchSentence, Label, UniqueList
from ...ids import (
    ApplicationId,
    GrantId,
    PartnerReference,
    TerritoryId,
)
from ...money import Cents
from ...reference import Instrument, ProgrammeCode
from ...reference.programmes_catalogue import ProjectType
from ...topics import ingress_topics_of
from . import fields as f
from .applications import ApplicationDetails, RejectionReason
from .grants import ReleaseReason

INGRESS = ingress_topics_of("funding")


@contract(service="funding", topics=INGRESS, subject="partner_reference", kind="command")
class FileApplication(ApplicationDetails):
    """File an application for funding on behalf of a project holder."""

    partner_reference: PartnerReference = f.PARTNER_REFERENCE


@contract(service="funding", topics=INGRESS, subject="partner_reference", kind="command", version=2,
          name="FileApplication")  # fmt: skip
class FileApplicationV2(FileApplication):
    """File an application for funding on behalf of a project holder. v2: the programme is an open code, so a
    programme a partner declared (`DeclareProgramme`) takes dossiers too."""

    programme: ProgrammeCode = f.PROGRAMME_CODE  # type: ignore[assignment]


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


@contract(service="funding", topics=INGRESS, subject="programme", key="programme", kind="command")
class DeclareProgramme(ContractModel):
    """Declare a programme the partner operates beside the State's catalogue (e.g. Banque des Territoires' 600 M€
    decarbonisation line): its code, its French name, what it funds and with which instruments. The partner decides on
    its dossiers; a code of the catalogue, or another partner's, is refused (PROGRAMME_ALREADY_DECLARED)."""

    programme: ProgrammeCode = f.PROGRAMME_CODE
    label: Label = Field(description="French name of the programme", examples=["Prêts verts pour l'industrie"])
    instruments: UniqueList[Instrument] = Field(
        min_length=1, max_length=4, description="How it gives money", examples=[["pret"]]
    )
    project_types: UniqueList[ProjectType] = Field(
        min_length=1, max_length=6, description="What it funds", examples=[["investissement-industriel"]]
    )
    labelled_territories_only: bool = Field(
        default=True, description="Only projects located in a labelled Territoire d'industrie", examples=[True]
    )
    partner_reference: PartnerReference = f.PARTNER_REFERENCE
