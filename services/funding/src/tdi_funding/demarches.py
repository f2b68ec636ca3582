"""The Fonds vert démarche of Démarches simplifiées, read as funding changes: the pure part of funding's translator.

`changes(dossier, previous)` turns a dossier snapshot (from the kit's DS door) and the state last applied to it into
the `DossierChange` values funding must apply, in order. Funding's use cases turn each into a command of its
pipeline (`FileApplication`, start instruction, approve, refuse, withdraw; `DecisionReverted` is new).

Rules (issue 25; the "goes back" ones are platform rules, documented in the funding README):
- application id `uuid5(DS_NAMESPACE, "ds:<démarche>:<number>")`, partner reference `ds:<démarche>:<number>`:
  stable, so a dossier is filed once;
- `en_construction` → filed; `en_instruction` → under instruction; `accepte` → approved for the private
  annotation « montant accordé » (absent: refused `DS_GRANTED_AMOUNT_MISSING`); `refuse` → refused, reason code
  `project-not-eligible` (platform rule, `DS_REJECTION_REASON`) and a sentence citing the dossier (DS's
  `motivation` is free text written to the applicant: not copied); `sans_suite` → withdrawn. A dossier first seen
  further on is brought there in one go (filed, then instructed, then decided);
- goes back: `accepte|refuse|sans_suite → en_instruction` → `DecisionReverted` (funding's use case: if nothing
  was paid, release the commitment and reopen the instruction; if something was paid, refuse it with
  `DS_DECISION_REVERTED_AFTER_PAYMENT` so it is a dead letter and staff act); a new decision then follows as usual;
  `en_instruction → en_construction`: nothing (the door keeps the dossier under instruction);
- edits of a dossier that keep its state (amounts changed en construction, annotation changed after acceptance)
  are not mirrored: staff act on the platform (reduce a grant...);
- the Fonds vert's declarations (P:541: supported by the local authorities, linked to the territory's strategy)
  are the form's yes/no champs; funding's eligibility applies to a DS dossier as to any (missing: a dead letter
  APPLICATION_NOT_ELIGIBLE with every reason);
- commune: the project's commune champ (else the applicant's), a Paris, Lyon or Marseille arrondissement located
  as its commune; company: the form's SIRET (else the applicant's), SIREN from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from pydantic import TypeAdapter, ValidationError

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.funding import RejectionReason
from tdi_contracts.ids import Siren
from tdi_contracts.reference import Instrument, Programme
from tdi_contracts.reference.programmes_catalogue import ProjectType
from tdi_funding.commands import (
    FileFromDemarches,
    RevertDecision,
    StaffApproval,
    StaffRefusal,
    StaffWithdrawal,
    StartInstruction,
)
from tdi_runtime.doors.demarches.cursor import Applied
from tdi_runtime.doors.demarches.model import DossierState
from tdi_runtime.doors.demarches.refusals import refusal
from tdi_runtime.doors.demarches.translator import DossierSnapshot

DS_NAMESPACE = UUID("5b0f3d1e-7c2a-4e8b-9d61-2f4a8c3e1b70")
"""Namespace of the application ids of DS dossiers (never change it: ids would change)."""
DS_REJECTION_REASON = RejectionReason.PROJECT_NOT_ELIGIBLE
"""The rejection reason code of a dossier refused on DS. Platform rule: `ApplicationRejected.v1`'s reason codes are a
closed list (a new one breaks its readers) and DS's motivation is free text to the applicant, not copied: a DS
refusal says the project was not retained (`project-not-eligible`), its sentence names the dossier on DS."""


def application_id(demarche: int, number: int) -> UUID:
    return uuid5(DS_NAMESPACE, f"ds:{demarche}:{number}")


def partner_reference(demarche: int, number: int) -> str:
    return f"ds:{demarche}:{number}"


_PLM = (("13201", "13216", "13055"), ("69381", "69389", "69123"), ("75101", "75120", "75056"))


def commune_of(insee: str) -> str:
    """DS gives a Paris, Lyon or Marseille project its arrondissement (API Géo's `arrondissement-municipal`): the
    commune the territories list is 75056, 69123 or 13055."""
    for first, last, commune in _PLM:
        if first <= insee <= last and len(insee) == 5:
            return commune
    return insee


@dataclass(frozen=True)
class Options:
    """The Fonds vert settings file's `[options]`."""

    programme: Programme
    instrument: Instrument
    envelope: str


def options_of(options: Mapping[str, str | int | bool]) -> Options:
    return Options(
        programme=Programme(str(options.get("programme", Programme.FONDS_VERT_TI.value))),
        instrument=Instrument(str(options.get("instrument", Instrument.SUBVENTION.value))),
        envelope=str(options.get("envelope", "by-region")),
    )


@dataclass(frozen=True)
class InstructionStarted:
    application_id: UUID
    at: datetime


@dataclass(frozen=True)
class Approved:
    application_id: UUID
    granted_cents: int
    at: datetime


@dataclass(frozen=True)
class Refused:
    application_id: UUID
    reason_code: RejectionReason
    reason: str
    at: datetime


@dataclass(frozen=True)
class Withdrawn:
    application_id: UUID
    at: datetime


@dataclass(frozen=True)
class DecisionReverted:
    """DS took a decision back (« repasser en instruction »): `decided` is the decision that no longer holds."""

    application_id: UUID
    decided: DossierState
    at: datetime


DossierChange = FileFromDemarches | InstructionStarted | Approved | Refused | Withdrawn | DecisionReverted
FundingCommand = FileFromDemarches | StartInstruction | StaffApproval | StaffRefusal | StaffWithdrawal | RevertDecision
"""What the door dispatches: funding's own commands, handled by the registry like any door's (`handlers`)."""

_SIREN: TypeAdapter[str] = TypeAdapter(Siren)


def _company(d: DossierSnapshot) -> tuple[str, str | None]:
    siret = d.fields.text("establishment_siret") or (d.applicant.siret if d.applicant else None)
    siren = siret[:9] if siret else (d.applicant.siren if d.applicant else None)
    if siren is None:
        raise refusal(ErrorCode.DS_CHAMP_MISSING, "Champ : applicant_siren.", field="applicant_siren")
    try:
        return _SIREN.validate_python(siren), siret
    except ValidationError as error:
        raise refusal(ErrorCode.DS_CHAMP_INVALID, "Champ : applicant_siren.", field="applicant_siren") from error


def _filed(d: DossierSnapshot) -> FileFromDemarches:
    commune = d.fields.text("commune") or (d.applicant.commune if d.applicant else None)
    if commune is None:
        raise refusal(ErrorCode.DS_CHAMP_MISSING, "Champ : commune.", field="commune")
    requested = d.fields.cents("requested_cents")
    if requested is None:
        raise refusal(ErrorCode.DS_CHAMP_MISSING, "Champ : requested_cents.", field="requested_cents")
    siren, siret = _company(d)
    options = options_of(d.options)
    return FileFromDemarches(
        application_id=application_id(d.demarche, d.number),
        partner_reference=partner_reference(d.demarche, d.number),
        link=d.link,
        programme=options.programme,
        instrument=options.instrument,
        envelope=options.envelope,
        project_title=d.fields.text("project_title") or f"Dossier Démarches simplifiées n° {d.number}",
        commune_insee=commune_of(commune),
        applicant_siren=siren,
        establishment_siret=siret,
        requested_cents=requested,
        eligible_cost_cents=d.fields.cents("eligible_cost_cents"),
        project_type=_project_type(d.fields.text("project_type")),
        filed_at=d.deposited_at,
        supported_by_local_authorities=d.fields.flag("supported_by_local_authorities"),
        linked_to_territory_strategy=d.fields.flag("linked_to_territory_strategy"),
    )


def _project_type(value: str | None) -> ProjectType | None:
    if value is None:
        return None
    try:
        return ProjectType(value)
    except ValueError as error:  # the settings file maps a choice to a value funding does not know
        raise refusal(ErrorCode.DS_CHAMP_INVALID, "Champ : project_type.", field="project_type") from error


def _decision(d: DossierSnapshot, app: UUID) -> DossierChange:
    at = d.processed_at or d.updated_at
    if d.state is DossierState.ACCEPTE:
        granted = d.fields.cents("granted_cents")
        if granted is None:
            raise refusal(ErrorCode.DS_GRANTED_AMOUNT_MISSING, field="granted_cents")
        return Approved(app, granted, at)
    if d.state is DossierState.REFUSE:
        return Refused(app, DS_REJECTION_REASON, f"Refusé sur Démarches simplifiées (dossier n° {d.number}).", at)
    return Withdrawn(app, at)


def changes(d: DossierSnapshot, previous: Applied | None) -> list[DossierChange]:
    """What funding must apply to bring the dossier from `previous` (None: never applied) to `d.state`."""
    app = application_id(d.demarche, d.number)
    found: list[DossierChange] = []
    was = previous.state if previous is not None else None
    if was is None:
        found.append(_filed(d))
        was = DossierState.EN_CONSTRUCTION
    if was.decided and d.state is not was:
        found.append(DecisionReverted(app, was, d.updated_at))
        was = DossierState.EN_INSTRUCTION
    if d.state is DossierState.EN_CONSTRUCTION:
        return found
    if was is DossierState.EN_CONSTRUCTION:
        found.append(InstructionStarted(app, d.instruction_started_at or d.updated_at))
    if d.state.decided and d.state is not was:
        found.append(_decision(d, app))
    return found


def command_of(change: DossierChange) -> FundingCommand:
    """The funding command that applies one change: the staff's commands (same handlers, same rules) for the
    decisions, `FileFromDemarches` and `RevertDecision` for what only DS does."""
    if isinstance(change, FileFromDemarches):  # filing is the one change that is its own command
        return change
    if isinstance(change, InstructionStarted):
        return StartInstruction(change.application_id)
    if isinstance(change, Approved):
        return StaffApproval(change.application_id, change.granted_cents)
    if isinstance(change, Refused):
        return StaffRefusal(change.application_id, change.reason_code, change.reason)
    if isinstance(change, Withdrawn):
        return StaffWithdrawal(change.application_id)
    return RevertDecision(change.application_id)


def translate(d: DossierSnapshot, previous: Applied | None) -> list[FundingCommand]:
    """The door's translator of the `fonds-vert` kind: `changes`, each as its funding command, in order."""
    return [command_of(change) for change in changes(d, previous)]
