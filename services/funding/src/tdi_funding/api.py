"""HTTP commands of the funding service (role staff): envelopes, dossiers, decisions, payments; the router also
carries the reads of `api_reads`."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, status

from tdi_contracts.reference.programmes_catalogue import EnvelopeSeed
from tdi_funding import deciding, grants
from tdi_funding.api_reads import build_read_router
from tdi_funding.commands import (
    Approve,
    FileApplicationRequest,
    OpenEnvelope,
    RecordPaymentRequest,
    Refuse,
    ReleaseRequest,
)
from tdi_funding.envelopes import open_envelope
from tdi_funding.filing import file_application
from tdi_funding.use_cases import STAFF as STAFF_ACTOR
from tdi_funding.use_cases import Result, UseCases
from tdi_runtime.http import require_role

STAFF = [require_role("staff")]  # commands are for programme staff holding a token; reads are open


def _use_cases(request: Request) -> UseCases:
    runtime = request.app.state.runtime
    return UseCases(runtime.pool, runtime.outbox)


def _now() -> datetime:
    return datetime.now(UTC)


def _ids(result: Result) -> dict[str, str]:
    return {f"{kind}_id": id_ for kind, id_ in result.resulting}


def build_router() -> APIRouter:
    """The commands (role `staff`), and the reads of `api_reads`."""
    router = APIRouter(tags=["funding"])
    router.include_router(build_read_router())

    @router.post("/envelopes", dependencies=STAFF, status_code=status.HTTP_201_CREATED, summary="Open an envelope")
    async def post_envelope(request: Request, command: OpenEnvelope) -> dict[str, Any]:
        seed = EnvelopeSeed(
            command.envelope_id,
            command.programme,
            command.ceiling_cents,
            command.region,
            command.year,
            command.operator,
        )
        await _use_cases(request).run(lambda c: open_envelope(c, seed, _now().date()))
        return {"envelope_id": command.envelope_id}

    @router.post("/applications", dependencies=STAFF, status_code=status.HTTP_201_CREATED, summary="File a dossier")
    async def post_application(request: Request, command: FileApplicationRequest) -> dict[str, Any]:
        result = await _use_cases(request).run(lambda c: file_application(c, command, STAFF_ACTOR, _now()))
        return _ids(result)

    @router.post("/applications/{application_id}/instruction", dependencies=STAFF, summary="Open the instruction")
    async def post_instruction(request: Request, application_id: UUID) -> dict[str, Any]:
        result = await _use_cases(request).run(
            lambda c: deciding.start_instruction(c, application_id, STAFF_ACTOR, _now())
        )
        return _ids(result)

    @router.post("/applications/{application_id}/approval", dependencies=STAFF, summary="Approve and commit")
    async def post_approval(request: Request, application_id: UUID, command: Approve) -> dict[str, Any]:
        result = await _use_cases(request).run(
            lambda c: deciding.approve(c, application_id, command.granted_cents, STAFF_ACTOR, _now())
        )
        return _ids(result)

    @router.post("/applications/{application_id}/refusal", dependencies=STAFF, summary="Refuse, with reasons")
    async def post_refusal(request: Request, application_id: UUID, command: Refuse) -> dict[str, Any]:
        result = await _use_cases(request).run(
            lambda c: deciding.refuse(c, application_id, command.reason_code, command.reason, STAFF_ACTOR, _now())
        )
        return _ids(result)

    @router.post("/applications/{application_id}/withdrawal", dependencies=STAFF, summary="Withdraw (de-commits)")
    async def post_withdrawal(request: Request, application_id: UUID) -> dict[str, Any]:
        result = await _use_cases(request).run(lambda c: deciding.withdraw(c, application_id, STAFF_ACTOR, _now()))
        return _ids(result)

    @router.post("/grants/{grant_id}/payments", dependencies=STAFF, status_code=201, summary="Record a payment")
    async def post_payment(request: Request, grant_id: UUID, command: RecordPaymentRequest) -> dict[str, Any]:
        result = await _use_cases(request).run(
            lambda c: grants.pay(
                c, grant_id, command.reference, command.amount_cents, command.paid_on, STAFF_ACTOR, _now()
            )
        )
        return _ids(result)

    @router.post("/grants/{grant_id}/releases", dependencies=STAFF, summary="Reduce a grant (de-commit)")
    async def post_release(request: Request, grant_id: UUID, command: ReleaseRequest) -> dict[str, Any]:
        result = await _use_cases(request).run(
            lambda c: grants.release(c, grant_id, command.released_cents, command.reason, STAFF_ACTOR, _now())
        )
        return _ids(result)

    return router
