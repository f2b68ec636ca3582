"""HTTP commands of the funding service (who may send them: the README's Access section): envelopes, dossiers,
decisions, payments; the router also carries the reads of `api_reads`.

A command route is a door: body (and path) → command → `Pipeline.run(command, caller)`, the handler of
`tdi_funding.handlers` that also serves the partners' topics (rights checked there) → the ids it names."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, status

from tdi_funding.api_reads import build_read_router
from tdi_funding.commands import (
    Approve,
    CloseEnvelope,
    FileApplicationRequest,
    OpenEnvelope,
    RecordOpinionRequest,
    RecordPaymentRequest,
    Refuse,
    ReleaseEnvelopeBalance,
    ReleaseRequest,
    SetCeiling,
    SetEnvelopeCeiling,
    StaffApproval,
    StaffOpinion,
    StaffPayment,
    StaffReduction,
    StaffRefusal,
    StaffWithdrawal,
    StartInstruction,
)
from tdi_runtime.http_access import commands, documented
from tdi_runtime.pipeline import Caller, Pipeline

Writer = Annotated[Caller, Depends(commands())]
National = Annotated[Caller, Depends(commands(roles=("national",)))]
Instructor = Annotated[Caller, Depends(commands(scope="region+programme", instructors=True))]
Filer = Annotated[
    Caller, Depends(commands(scope="region+programme+territory", instructors=True, territories=True))
]  # a territory: its own chef de projet dossier only (rights.TERRITORY_FILES, checked by the use case)
Adviser = Annotated[Caller, Depends(commands(scope="region+programme", roles=("instructor", "region-council")))]


async def _ids(request: Request, command: object, caller: Caller) -> dict[str, str]:
    """The command through the pipeline (its handler checks the caller's programme, region and rights on the dossier
    and envelope it resolves); the ids it names."""
    return await Pipeline.of(request).run(command, caller, expect=dict)


def build_router() -> APIRouter:
    """The commands (national, regional; instructors on their programme's dossiers), and the reads of `api_reads`."""
    router = APIRouter(tags=["funding"])
    router.include_router(build_read_router())

    @router.post("/envelopes", status_code=status.HTTP_201_CREATED, summary="Open an envelope")
    async def post_envelope(request: Request, command: OpenEnvelope, caller: Writer) -> dict[str, Any]:
        await Pipeline.of(request).run(command, caller)
        return {"envelope_id": command.envelope_id}

    @router.put("/envelopes/{envelope_id}/ceiling", summary="Set an envelope's ceiling (national staff)")
    async def put_ceiling(request: Request, envelope_id: str, command: SetCeiling, caller: National) -> dict[str, Any]:
        ceiling = SetEnvelopeCeiling(envelope_id, command.ceiling_cents, command.provenance)
        await Pipeline.of(request).run(ceiling, caller)
        return {"envelope_id": envelope_id, "ceiling_cents": command.ceiling_cents}

    @router.post("/envelopes/{envelope_id}/closure", summary="Close an envelope: no more filing nor commitment")
    async def post_closure(request: Request, envelope_id: str, caller: National) -> dict[str, Any]:
        await Pipeline.of(request).run(CloseEnvelope(envelope_id), caller)
        return {"envelope_id": envelope_id, "closed": True}

    @router.post("/envelopes/{envelope_id}/release", summary="Release a closed envelope's unused balance")
    async def post_release_balance(request: Request, envelope_id: str, caller: National) -> dict[str, Any]:
        released = await Pipeline.of(request).run(ReleaseEnvelopeBalance(envelope_id), caller, expect=int)
        return {"envelope_id": envelope_id, "released_cents": released}

    @router.post("/applications", status_code=status.HTTP_201_CREATED, summary="File a dossier")
    async def post_application(request: Request, command: FileApplicationRequest, caller: Filer) -> dict[str, Any]:
        return await _ids(request, command, caller)

    @router.post("/applications/{application_id}/instruction", summary="Open the instruction")
    async def post_instruction(request: Request, application_id: UUID, caller: Instructor) -> dict[str, Any]:
        return await _ids(request, StartInstruction(application_id), caller)

    @router.post("/applications/{application_id}/approval", summary="Approve and commit")
    async def post_approval(
        request: Request, application_id: UUID, command: Approve, caller: Instructor
    ) -> dict[str, Any]:
        return await _ids(request, StaffApproval(application_id, command.granted_cents), caller)

    @router.post("/applications/{application_id}/refusal", summary="Refuse, with reasons")
    async def post_refusal(
        request: Request, application_id: UUID, command: Refuse, caller: Instructor
    ) -> dict[str, Any]:
        return await _ids(request, StaffRefusal(application_id, command.reason_code, command.reason), caller)

    @router.post("/applications/{application_id}/withdrawal", summary="Withdraw (de-commits)")
    async def post_withdrawal(request: Request, application_id: UUID, caller: Instructor) -> dict[str, Any]:
        return await _ids(request, StaffWithdrawal(application_id), caller)

    @router.post("/applications/{application_id}/opinions", status_code=201, summary="Record an avis (advisers)")
    async def post_opinion(
        request: Request, application_id: UUID, command: RecordOpinionRequest, caller: Adviser
    ) -> dict[str, Any]:
        return await _ids(request, StaffOpinion(application_id, command.opinion, command.text), caller)

    @router.post("/grants/{grant_id}/payments", status_code=201, summary="Record a payment")
    async def post_payment(
        request: Request, grant_id: UUID, command: RecordPaymentRequest, caller: Instructor
    ) -> dict[str, Any]:
        payment = StaffPayment(grant_id, command.reference, command.amount_cents, command.paid_on)
        return await _ids(request, payment, caller)

    @router.post("/grants/{grant_id}/releases", summary="Reduce a grant (de-commit)")
    async def post_release(
        request: Request, grant_id: UUID, command: ReleaseRequest, caller: Instructor
    ) -> dict[str, Any]:
        return await _ids(request, StaffReduction(grant_id, command.released_cents, command.reason), caller)

    return documented(router)
