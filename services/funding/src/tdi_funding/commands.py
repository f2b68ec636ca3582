"""Commands the funding service accepts over HTTP (programme staff): the bodies, validated field by field, and the
commands the routes build from them for the pipeline."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tdi_contracts.events.funding import Opinion, RejectionReason, ReleaseReason
from tdi_contracts.events.funding.applications import ApplicationDetails
from tdi_contracts.fields import FrenchSentence
from tdi_contracts.ids import EnvelopeId, PartnerReference
from tdi_contracts.money import Cents
from tdi_contracts.reference import Instrument, Partner, Programme, ProgrammeCode, Region
from tdi_contracts.reference.programmes_catalogue import CeilingProvenance, ProjectType

StaffCeiling = Literal[CeilingProvenance.STAFF, CeilingProvenance.SYNTHETIC]
"""A ceiling set by command: staff's, or a demonstration one (the published ones come from the catalogue)."""


class Command(BaseModel):
    """Unknown fields are refused: a typo in a field name must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FileApplicationRequest(ApplicationDetails):
    """A dossier filed by staff for a project holder: the fields of the contract's application details, on a
    programme of the catalogue or one a partner declared."""

    model_config = ConfigDict(strict=False, extra="forbid", frozen=True)
    programme: ProgrammeCode = Field(description="Programme: a code of the catalogue or a declared one")  # type: ignore[assignment]


class Approve(Command):
    granted_cents: Cents = Field(description="Amount granted, in euro cents (at most the amount asked)")


class Refuse(Command):
    reason_code: RejectionReason
    reason: FrenchSentence = Field(examples=["Le projet ne relève d'aucune filière cible du Fonds vert."])


class RecordOpinionRequest(Command):
    """An avis of those who advise on the programme (ADEME's instructors, the Conseil régional)."""

    opinion: Opinion
    text: FrenchSentence = Field(examples=["Projet cohérent avec la stratégie du territoire ; gains à confirmer."])


class RecordPaymentRequest(Command):
    reference: PartnerReference = Field(description="Payment reference: one payment per reference and grant")
    amount_cents: Cents
    paid_on: date


class ReleaseRequest(Command):
    released_cents: Cents
    reason: ReleaseReason


class OpenEnvelope(Command):
    """Open an envelope: a programme's budget for a year, a regional share, or a partner's declared line."""

    envelope_id: EnvelopeId
    programme: ProgrammeCode = Field(description="Programme: a code of the catalogue or a declared one")
    ceiling_cents: Cents | None = Field(default=None, description="Ceiling; none while it is not published")
    ceiling_provenance: StaffCeiling = Field(default=CeilingProvenance.STAFF, description="staff or synthetic")
    region: Region | None = None
    year: int | None = Field(default=None, ge=2023, le=2027, description="Required for yearly programmes")
    operator: Partner | None = Field(default=None, description="Partner operating it, when not the State")
    parent_envelope_id: EnvelopeId | None = Field(
        default=None, description="The envelope holding it (its ceiling is taken from what that one has left)"
    )
    files_from: date | None = Field(default=None, description="First day dossiers may be filed")
    files_until: date | None = Field(default=None, description="Last day dossiers may be filed")


class SetCeiling(Command):
    """Set an envelope's ceiling (one the sources do not publish): staff's decision, or a demonstration figure."""

    ceiling_cents: Cents
    provenance: StaffCeiling = Field(default=CeilingProvenance.STAFF, description="staff, or synthetic for the demo")


# The staff's commands as the routes build them (path ids and body): each is handled by the same handler as the
# partners' command of the same decision (`handlers`), with no territory quoted (`territory_id` None).


@dataclass(frozen=True)
class SetEnvelopeCeiling:
    envelope_id: str
    ceiling_cents: int
    provenance: CeilingProvenance


@dataclass(frozen=True)
class CloseEnvelope:
    envelope_id: str


@dataclass(frozen=True)
class ReleaseEnvelopeBalance:
    envelope_id: str


@dataclass(frozen=True)
class OpenCatalogueEnvelopes:
    """At first start: the declared programmes and the envelopes of the catalogue (those already open kept)."""

    on: date


@dataclass(frozen=True)
class StartInstruction:
    application_id: UUID


@dataclass(frozen=True)
class StaffApproval:
    application_id: UUID
    amount_cents: int
    territory_id: None = None


@dataclass(frozen=True)
class StaffRefusal:
    application_id: UUID
    reason_code: RejectionReason
    reason: str
    territory_id: None = None


@dataclass(frozen=True)
class StaffWithdrawal:
    application_id: UUID
    territory_id: None = None


@dataclass(frozen=True)
class StaffOpinion:
    application_id: UUID
    opinion: Opinion
    text: str
    territory_id: None = None


@dataclass(frozen=True)
class StaffPayment:
    grant_id: UUID
    partner_reference: str
    amount_cents: int
    paid_on: date
    territory_id: None = None


@dataclass(frozen=True)
class StaffReduction:
    grant_id: UUID
    released_cents: int
    reason: ReleaseReason
    territory_id: None = None


# The Démarches simplifiées door's commands (`tdi_funding.demarches.translate`): a dossier filed there, and a
# decision taken back there. Its other changes are the staff's commands above (same handlers, same rules).

BY_REGION = "by-region"
"""A démarche's `envelope` option: the programme's envelope of the commune's region for the deposit's year."""


@dataclass(frozen=True)
class FileFromDemarches:
    """A Démarches simplifiées dossier to file: its stable id, its link (no personal data), what its champs say."""

    application_id: UUID
    partner_reference: str
    link: str
    programme: Programme
    instrument: Instrument
    envelope: str
    project_title: str
    commune_insee: str
    applicant_siren: str
    establishment_siret: str | None
    requested_cents: int
    eligible_cost_cents: int | None
    project_type: ProjectType | None
    filed_at: datetime
    supported_by_local_authorities: bool | None = None
    linked_to_territory_strategy: bool | None = None


@dataclass(frozen=True)
class RevertDecision:
    """A decision taken back on Démarches simplifiées: the dossier goes back under instruction (`deciding.reopen`)."""

    application_id: UUID
