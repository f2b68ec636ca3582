"""Application events: a dossier filed for a programme's funding, then approved or rejected."""

from enum import StrEnum

from pydantic import Field

from ...base import ContractModel, contract
from ...fields import FrenchSentence, Label, UtcDatetime
from ...ids import ApplicationId, ChefDeProjetId, EnvelopeId, FicheActionId, PartnerReference, Siren, Siret, TerritoryId
from ...money import Cents
from ...reference import Instrument, Programme, ProgrammeCode, ValueChain
from ...reference.programmes_catalogue import ProjectType
from ...topics import FUNDING_APPLICATION
from . import fields as f


class RejectionReason(StrEnum):
    """Why an application was rejected."""

    TERRITORY_NOT_LABELLED = "territory-not-labelled"
    PROJECT_NOT_ELIGIBLE = "project-not-eligible"
    ENVELOPE_EXHAUSTED = "envelope-exhausted"
    INCOMPLETE_FILE = "incomplete-file"
    STATE_SHARE_ABOVE_CAP = "state-share-above-cap"


class ApplicationDetails(ContractModel):
    """What a project holder applies for: shared by the command that files it and the event that records it."""

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
    project_type: ProjectType | None = f.PROJECT_TYPE
    expected_jobs: int | None = f.EXPECTED_JOBS
    productive_investment_cents: Cents | None = f.PRODUCTIVE_INVESTMENT
    synthetic: bool = Field(
        default=False, description="True for generated demonstration data, never a real dossier", examples=[False]
    )
    supported_by_local_authorities: bool | None = f.SUPPORTED_BY_LOCAL_AUTHORITIES
    linked_to_territory_strategy: bool | None = f.LINKED_TO_TERRITORY_STRATEGY
    industrial_shock: bool | None = f.INDUSTRIAL_SHOCK
    chef_de_projet_id: ChefDeProjetId | None = f.CHEF_DE_PROJET_POST


@contract(service="funding", topics=(FUNDING_APPLICATION.name,), subject="application_id")
class ApplicationFiled(ApplicationDetails):
    """An application for funding was filed (applications are filed continuously, « au fil de l'eau »)."""

    application_id: ApplicationId = f.APPLICATION
    partner_reference: PartnerReference | None = Field(
        default=None,
        description="Reference of the partner that filed it, if any",
        examples=["BPI-2024-000123"],
    )
    filed_at: UtcDatetime = Field(description="When it was filed", examples=["2024-01-15T09:30:00Z"])


@contract(service="funding", topics=(FUNDING_APPLICATION.name,), subject="application_id", version=2,
          name="ApplicationFiled")  # fmt: skip
class ApplicationFiledV2(ApplicationFiled):
    """An application for funding was filed. v2: the programme is an open code (a programme of the catalogue or one
    a partner declared, `ProgrammeDeclared`): treat a code you do not know yet as a programme to read the label of."""

    programme: ProgrammeCode = f.PROGRAMME_CODE  # type: ignore[assignment]


@contract(service="funding", topics=(FUNDING_APPLICATION.name,), subject="application_id")
class ApplicationApproved(ContractModel):
    """An application was approved for an amount (the grant is committed separately)."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    approved_cents: Cents = Field(description="Amount approved, in euro cents", examples=[120_000_000])
    approved_at: UtcDatetime = Field(description="When it was approved", examples=["2024-03-01T14:00:00Z"])
    funding_year: int | None = Field(
        default=None, ge=2023, le=2027, description="Year the decision funds (yearly programmes)", examples=[2024]
    )


@contract(service="funding", topics=(FUNDING_APPLICATION.name,), subject="application_id")
class ApplicationRejected(ContractModel):
    """An application was rejected, with a reason code and a sentence the applicant can read."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    reason_code: RejectionReason = Field(description="Why, as a stable code", examples=["envelope-exhausted"])
    reason: FrenchSentence = Field(
        description="Why, in French",
        examples=["L'enveloppe régionale du Fonds vert est entièrement engagée."],
    )
    rejected_at: UtcDatetime = Field(description="When it was rejected", examples=["2024-03-01T14:00:00Z"])


@contract(service="funding", topics=(FUNDING_APPLICATION.name,), subject="application_id")
class ApplicationInstructionStarted(ContractModel):
    """An instructor opened the instruction of a filed application."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    started_at: UtcDatetime = Field(description="When the instruction started", examples=["2024-02-01T09:00:00Z"])


@contract(service="funding", topics=(FUNDING_APPLICATION.name,), subject="application_id")
class ApplicationWithdrawn(ContractModel):
    """The project holder withdrew the application; what was committed and not paid is de-committed."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    released_cents: Cents = Field(description="Amount de-committed by the withdrawal, in euro cents", examples=[0])
    withdrawn_at: UtcDatetime = Field(description="When it was withdrawn", examples=["2024-04-01T10:00:00Z"])


class RevertedDecision(StrEnum):
    """The decision an `ApplicationDecisionReverted` takes back."""

    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


@contract(service="funding", topics=(FUNDING_APPLICATION.name,), subject="application_id")
class ApplicationDecisionReverted(ContractModel):
    """A decision was taken back and the application is under instruction again (Démarches simplifiées lets an
    instructor « repasser en instruction » a decided dossier). A later decision follows as usual. An approval taken
    back releases its commitment (its own `CommitmentReleased`); a decision after a payment is never taken back."""

    application_id: ApplicationId = f.APPLICATION
    territory_id: TerritoryId = f.TERRITORY
    reverted: RevertedDecision = Field(description="The decision taken back", examples=["approved"])
    released_cents: Cents = Field(
        description="Commitment released by taking an approval back, in euro cents (0 otherwise)", examples=[0]
    )
    reverted_at: UtcDatetime = Field(
        description="When the application went back under instruction", examples=["2024-03-05T10:00:00Z"]
    )
