"""HTTP commands of the funding service (who may send them: the README's Access section): envelopes, dossiers,
decisions, payments; the router also carries the reads of `api_reads`."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, status

from tdi_contracts.reference.programmes_catalogue import CeilingProvenance, EnvelopeSeed
from tdi_funding import deciding, envelopes, grants, store_applications
from tdi_funding.api_reads import build_read_router
from tdi_funding.commands import (
    Approve,
    FileApplicationRequest,
    OpenEnvelope,
    RecordOpinionRequest,
    RecordPaymentRequest,
    Refuse,
    ReleaseRequest,
    SetCeiling,
)
from tdi_funding.envelopes import open_envelope
from tdi_funding.filing import file_application
from tdi_funding.settings import FundingRules
from tdi_funding.use_cases import STAFF, Actor, Result, UseCases
from tdi_runtime.access import Access
from tdi_runtime.http_access import commands, documented

Writer = Annotated[Access, Depends(commands())]
National = Annotated[Access, Depends(commands(roles=("national",)))]
Instructor = Annotated[Access, Depends(commands(scope="region+programme", instructors=True))]
Filer = Annotated[
    Access, Depends(commands(scope="region+programme+territory", instructors=True, territories=True))
]  # a territory: its own chef de projet dossier only (rights.TERRITORY_FILES, checked by the use case)
Adviser = Annotated[Access, Depends(commands(scope="region+programme", roles=("instructor", "region-council")))]


def _use_cases(request: Request) -> UseCases:
    runtime = request.app.state.runtime
    return UseCases(runtime.pool, runtime.outbox)


def _now() -> datetime:
    return datetime.now(UTC)


def _ids(result: Result) -> dict[str, str]:
    return {f"{kind}_id": id_ for kind, id_ in result.resulting}


def _staff(request: Request, access: Access) -> Actor:
    """Staff acting over HTTP: the use case checks the caller's region on the dossier and envelope it writes, and
    whether its role decides or advises on the programme. The history names the role, never the person."""
    scope = access.region or access.programme or access.territory
    rules: FundingRules = request.app.state.funding_rules
    return Actor(
        f"{access.role}:{scope}" if scope else access.role or STAFF.name,
        reach=access.require_region,
        role=access.role,
        national_decides_fonds_vert=rules.national_decides_fonds_vert,
        territory_reach=access.require_territory,
    )


async def _dossier_in_reach(
    request: Request, access: Access, application_id: UUID | None = None, grant_id: UUID | None = None
) -> None:
    """The dossier (or the grant's dossier) must be, for an instructor, of its programme (the region is checked
    by the use case, with the envelope). An unknown one is left to the use case, which answers 404."""
    async with request.app.state.runtime.pool.acquire() as conn:
        if application_id is not None:
            stored = await store_applications.load(conn, application_id)
        else:
            assert grant_id is not None
            stored = await store_applications.find_by_grant(conn, grant_id)
    if stored is not None:
        access.require_programme(stored.application.programme)


def build_router() -> APIRouter:
    """The commands (national, regional; instructors on their programme's dossiers), and the reads of `api_reads`."""
    router = APIRouter(tags=["funding"])
    router.include_router(build_read_router())

    @router.post("/envelopes", status_code=status.HTTP_201_CREATED, summary="Open an envelope")
    async def post_envelope(request: Request, command: OpenEnvelope, access: Writer) -> dict[str, Any]:
        access.require_region(None if command.region is None else command.region.value)
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
        await _use_cases(request).run(lambda c: open_envelope(c, seed, _now().date(), reach=access.require_region))
        return {"envelope_id": command.envelope_id}

    @router.put("/envelopes/{envelope_id}/ceiling", summary="Set an envelope's ceiling (national staff)")
    async def put_ceiling(request: Request, envelope_id: str, command: SetCeiling, access: National) -> dict[str, Any]:
        await _use_cases(request).run(
            lambda c: envelopes.set_ceiling(
                c,
                envelope_id,
                command.ceiling_cents,
                CeilingProvenance(command.provenance),
                _now(),
                access.require_region,
            )
        )
        return {"envelope_id": envelope_id, "ceiling_cents": command.ceiling_cents}

    @router.post("/envelopes/{envelope_id}/closure", summary="Close an envelope: no more filing nor commitment")
    async def post_closure(request: Request, envelope_id: str, access: National) -> dict[str, Any]:
        await _use_cases(request).run(lambda c: envelopes.close_envelope(c, envelope_id, _now(), access.require_region))
        return {"envelope_id": envelope_id, "closed": True}

    @router.post("/envelopes/{envelope_id}/release", summary="Release a closed envelope's unused balance")
    async def post_release_balance(request: Request, envelope_id: str, access: National) -> dict[str, Any]:
        result = await _use_cases(request).run(
            lambda c: envelopes.release_balance(c, envelope_id, _now(), access.require_region)
        )
        return {"envelope_id": envelope_id, "released_cents": result.value}

    @router.post("/applications", status_code=status.HTTP_201_CREATED, summary="File a dossier")
    async def post_application(request: Request, command: FileApplicationRequest, access: Filer) -> dict[str, Any]:
        access.require_programme(command.programme)
        rules: FundingRules = request.app.state.funding_rules
        result = await _use_cases(request).run(
            lambda c: file_application(
                c, command, _staff(request, access), _now(), without_ceiling=rules.filing_without_ceiling
            )
        )
        return _ids(result)

    @router.post("/applications/{application_id}/instruction", summary="Open the instruction")
    async def post_instruction(request: Request, application_id: UUID, access: Instructor) -> dict[str, Any]:
        await _dossier_in_reach(request, access, application_id=application_id)
        result = await _use_cases(request).run(
            lambda c: deciding.start_instruction(c, application_id, _staff(request, access), _now())
        )
        return _ids(result)

    @router.post("/applications/{application_id}/approval", summary="Approve and commit")
    async def post_approval(
        request: Request, application_id: UUID, command: Approve, access: Instructor
    ) -> dict[str, Any]:
        await _dossier_in_reach(request, access, application_id=application_id)
        result = await _use_cases(request).run(
            lambda c: deciding.approve(c, application_id, command.granted_cents, _staff(request, access), _now())
        )
        return _ids(result)

    @router.post("/applications/{application_id}/refusal", summary="Refuse, with reasons")
    async def post_refusal(
        request: Request, application_id: UUID, command: Refuse, access: Instructor
    ) -> dict[str, Any]:
        await _dossier_in_reach(request, access, application_id=application_id)
        result = await _use_cases(request).run(
            lambda c: deciding.refuse(
                c, application_id, command.reason_code, command.reason, _staff(request, access), _now()
            )
        )
        return _ids(result)

    @router.post("/applications/{application_id}/withdrawal", summary="Withdraw (de-commits)")
    async def post_withdrawal(request: Request, application_id: UUID, access: Instructor) -> dict[str, Any]:
        await _dossier_in_reach(request, access, application_id=application_id)
        result = await _use_cases(request).run(
            lambda c: deciding.withdraw(c, application_id, _staff(request, access), _now())
        )
        return _ids(result)

    @router.post("/applications/{application_id}/opinions", status_code=201, summary="Record an avis (advisers)")
    async def post_opinion(
        request: Request, application_id: UUID, command: RecordOpinionRequest, access: Adviser
    ) -> dict[str, Any]:
        await _dossier_in_reach(request, access, application_id=application_id)
        result = await _use_cases(request).run(
            lambda c: deciding.record_opinion(
                c, application_id, command.opinion, command.text, _staff(request, access), _now()
            )
        )
        return _ids(result)

    @router.post("/grants/{grant_id}/payments", status_code=201, summary="Record a payment")
    async def post_payment(
        request: Request, grant_id: UUID, command: RecordPaymentRequest, access: Instructor
    ) -> dict[str, Any]:
        await _dossier_in_reach(request, access, grant_id=grant_id)
        result = await _use_cases(request).run(
            lambda c: grants.pay(
                c, grant_id, command.reference, command.amount_cents, command.paid_on, _staff(request, access), _now()
            )
        )
        return _ids(result)

    @router.post("/grants/{grant_id}/releases", summary="Reduce a grant (de-commit)")
    async def post_release(
        request: Request, grant_id: UUID, command: ReleaseRequest, access: Instructor
    ) -> dict[str, Any]:
        await _dossier_in_reach(request, access, grant_id=grant_id)
        result = await _use_cases(request).run(
            lambda c: grants.release(
                c, grant_id, command.released_cents, command.reason, _staff(request, access), _now()
            )
        )
        return _ids(result)

    return documented(router)
