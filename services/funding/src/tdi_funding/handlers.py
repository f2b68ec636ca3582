"""THE commands and events of the funding service: one handler per decision, whatever door it came through (a
partner's ingress topic, the staff's HTTP routes), each `(command, uow)`.

Each partner (Bpifrance, Banque des Territoires, ADEME) publishes on `tdi.partner.<partner>.funding.v1`: it files,
decides (commit, refuse, withdraw, release, pay) on the programmes it operates and records an avis on those it
advises on (`tdi_contracts.permissions`); staff do the same over HTTP (`api`), with the commands of `commands`.
`PartnerIngressFeedback("funding")` answers each record exactly once on the partner's feedback topic, the inbox
makes a redelivered record a no-op, and a command repeated under a new event id has one effect too (same partner
reference, same decision, same payment reference). Rights are checked in the use cases (`filing`, `deciding`,
`grants`, `envelopes`) on `uow.caller`, on the dossier and envelope they resolved. The group also keeps the kit's
territory projection and funding's chef de projet posts (`posts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tdi_contracts.events.funding import (
    CommitGrant,
    DeclareProgramme,
    FileApplication,
    FileApplicationV2,
    RecordApplicationOpinion,
    RecordPayment,
    RefuseApplication,
    ReleaseCommitment,
    WithdrawApplication,
)
from tdi_contracts.events.territory import ChefDeProjetAppointed, ChefDeProjetEnded, ChefDeProjetShared
from tdi_contracts.reference.programmes_catalogue import (
    DECLARED_ENVELOPE_SEEDS,
    DECLARED_PROGRAMMES,
    ENVELOPE_SEEDS,
    CeilingProvenance,
    DeclaredProgrammeSeed,
    EnvelopeSeed,
)
from tdi_contracts.topics import ingress_topics_of
from tdi_funding import deciding, envelopes, grants, posts, programmes
from tdi_funding.actor import Actor
from tdi_funding.commands import (
    CloseEnvelope,
    FileApplicationRequest,
    FileFromDemarches,
    OpenCatalogueEnvelopes,
    OpenEnvelope,
    ReleaseEnvelopeBalance,
    RevertDecision,
    SetEnvelopeCeiling,
    StaffApproval,
    StaffOpinion,
    StaffPayment,
    StaffReduction,
    StaffRefusal,
    StaffWithdrawal,
    StartInstruction,
)
from tdi_funding.deciding import Ids, resulting
from tdi_funding.filing import file_application, file_from_demarches
from tdi_funding.repositories import FundingUnitOfWork
from tdi_runtime.partners import PartnerIngressFeedback
from tdi_runtime.pipeline import Registry
from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.territories import TERRITORY_PROJECTION, TERRITORY_TOPICS

GROUP = "tdi-funding"
registry: Registry[FundingUnitOfWork] = Registry(TERRITORY_PROJECTION)
"""The partners' and staff's commands, the chef de projet posts and the kit's territory projection."""


def consumer_spec(group: str = GROUP) -> ConsumerSpec:
    """One consumer group: the territory projection (with funding's chef de projet posts) and every partner's funding
    ingress topic (strict and answered on ingress only)."""
    return ConsumerSpec(
        group=group,
        topics=[*TERRITORY_TOPICS, *ingress_topics_of("funding")],
        registry=registry,
        feedback=PartnerIngressFeedback("funding"),
        strict=True,
    )


def _actor(uow: FundingUnitOfWork) -> Actor:
    return Actor(uow.caller, national_decides_fonds_vert=uow.rules.national_decides_fonds_vert)


def _quoted(territory_id: object) -> str | None:
    """The territory a partner quoted (its dossier must be of it); staff quote none."""
    return None if territory_id is None else str(territory_id)


def _now() -> datetime:
    return datetime.now(UTC)


# Dossiers and decisions.


async def warm(commands: Sequence[object], uow: FundingUnitOfWork) -> None:
    """The dossiers a consumer batch decides on, locked (ids sorted, one statement) and read (one query) before
    its first decision: every consumer takes its locks in one order."""
    await uow.dossiers.warm(
        (
            c.application_id
            for c in commands
            if isinstance(c, CommitGrant | RefuseApplication | WithdrawApplication | RecordApplicationOpinion)
        ),
        (c.grant_id for c in commands if isinstance(c, ReleaseCommitment | RecordPayment)),
    )


@registry.handles(FileApplication, FileApplicationV2, FileApplicationRequest)
async def file(command: FileApplication | FileApplicationV2 | FileApplicationRequest, uow: FundingUnitOfWork) -> Ids:
    reference = None if isinstance(command, FileApplicationRequest) else command.partner_reference
    application_id = await file_application(uow, command, _actor(uow), _now(), partner_reference=reference)
    return resulting(uow, application=application_id)


@registry.handles(FileFromDemarches)
async def file_demarches(command: FileFromDemarches, uow: FundingUnitOfWork) -> Ids:
    """A Démarches simplifiées dossier (the DS door, `demarches.translate`): the same filing rule, its own id."""
    application_id = await file_from_demarches(uow, command, _actor(uow), _now())
    return resulting(uow, application=application_id)


@registry.handles(RevertDecision)
async def revert_decision(command: RevertDecision, uow: FundingUnitOfWork) -> Ids:
    return await deciding.reopen(uow, command.application_id, _actor(uow), _now())


@registry.handles(StartInstruction)
async def start_instruction(command: StartInstruction, uow: FundingUnitOfWork) -> Ids:
    return await deciding.start_instruction(uow, command.application_id, _actor(uow), _now())


@registry.handles(CommitGrant, StaffApproval, prefetch=warm)
async def approve(command: CommitGrant | StaffApproval, uow: FundingUnitOfWork) -> Ids:
    return await deciding.approve(
        uow, command.application_id, command.amount_cents, _actor(uow), _now(), _quoted(command.territory_id)
    )


@registry.handles(RefuseApplication, StaffRefusal, prefetch=warm)
async def refuse(command: RefuseApplication | StaffRefusal, uow: FundingUnitOfWork) -> Ids:
    return await deciding.refuse(
        uow,
        command.application_id,
        command.reason_code,
        command.reason,
        _actor(uow),
        _now(),
        _quoted(command.territory_id),
    )


@registry.handles(WithdrawApplication, StaffWithdrawal, prefetch=warm)
async def withdraw(command: WithdrawApplication | StaffWithdrawal, uow: FundingUnitOfWork) -> Ids:
    return await deciding.withdraw(uow, command.application_id, _actor(uow), _now(), _quoted(command.territory_id))


@registry.handles(RecordApplicationOpinion, StaffOpinion, prefetch=warm)
async def record_opinion(command: RecordApplicationOpinion | StaffOpinion, uow: FundingUnitOfWork) -> Ids:
    return await deciding.record_opinion(
        uow,
        command.application_id,
        command.opinion,
        command.text,
        _actor(uow),
        _now(),
        _quoted(command.territory_id),
    )


@registry.handles(ReleaseCommitment, StaffReduction, prefetch=warm)
async def release(command: ReleaseCommitment | StaffReduction, uow: FundingUnitOfWork) -> Ids:
    return await grants.release(
        uow,
        command.grant_id,
        command.released_cents,
        command.reason,
        _actor(uow),
        _now(),
        _quoted(command.territory_id),
    )


@registry.handles(RecordPayment, StaffPayment, prefetch=warm)
async def pay(command: RecordPayment | StaffPayment, uow: FundingUnitOfWork) -> Ids:
    return await grants.pay(
        uow,
        command.grant_id,
        command.partner_reference,
        command.amount_cents,
        command.paid_on,
        _actor(uow),
        _now(),
        _quoted(command.territory_id),
    )


# Programmes and envelopes.


@registry.handles(DeclareProgramme)
async def declare_programme(c: DeclareProgramme, uow: FundingUnitOfWork) -> None:
    """A partner declares a programme it operates (a partner's ingress topic only)."""
    partner = uow.caller.partner
    assert partner is not None  # only partners are granted this command (`PARTNER_COMMANDS`)
    seed = DeclaredProgrammeSeed(
        c.programme,
        c.label,
        partner,
        frozenset(c.instruments),
        frozenset(c.project_types),
        c.labelled_territories_only,
    )
    await programmes.declare(uow, seed, _now().date())


@registry.handles(OpenEnvelope)
async def open_envelope(command: OpenEnvelope, uow: FundingUnitOfWork) -> None:
    seed = EnvelopeSeed(
        command.envelope_id,
        command.programme,
        command.ceiling_cents,
        command.region,
        command.year,
        command.operator,
        provenance=command.ceiling_provenance if command.ceiling_cents is not None else None,
        parent_id=command.parent_envelope_id,
        files_from=command.files_from,
        files_until=command.files_until,
    )
    await envelopes.open_envelope(uow, seed, _now().date())


@registry.handles(SetEnvelopeCeiling)
async def set_ceiling(command: SetEnvelopeCeiling, uow: FundingUnitOfWork) -> None:
    await envelopes.set_ceiling(
        uow, command.envelope_id, command.ceiling_cents, CeilingProvenance(command.provenance), _now()
    )


@registry.handles(CloseEnvelope)
async def close_envelope(command: CloseEnvelope, uow: FundingUnitOfWork) -> None:
    await envelopes.close_envelope(uow, command.envelope_id, _now())


@registry.handles(ReleaseEnvelopeBalance)
async def release_balance(command: ReleaseEnvelopeBalance, uow: FundingUnitOfWork) -> int:
    return await envelopes.release_balance(uow, command.envelope_id, _now())


@registry.handles(OpenCatalogueEnvelopes)
async def open_catalogue(command: OpenCatalogueEnvelopes, uow: FundingUnitOfWork) -> list[str]:
    """The declared programmes and the envelopes of the catalogue, opened once (an existing envelope keeps its
    amounts). Returns the envelopes opened now."""
    await programmes.declare_all(uow, DECLARED_PROGRAMMES, command.on)
    return await envelopes.open_envelopes(uow, [*ENVELOPE_SEEDS, *DECLARED_ENVELOPE_SEEDS], command.on)


# The chef de projet posts (funding's own projection of the territory service's events).

registry.handles(ChefDeProjetAppointed)(posts.on_appointed)
registry.handles(ChefDeProjetShared)(posts.on_shared)
registry.handles(ChefDeProjetEnded)(posts.on_ended)
