"""HTTP routes of the vte service: aids (filtered, paginated), totals, one contract's decision; staff commands.

A command route is a door: body → the contract's command → `Pipeline.run(command, caller)` (the handler of
`tdi_vte.handlers` that also serves Bpifrance's topic, rights checked there) → the decision as the API shows it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from tdi_contracts.errors import ErrorCode
from tdi_contracts.events.vte import DeclareVteGreenMissionV2, EndVteContractV2, RecordVteContractV2
from tdi_contracts.reference import CompanySize, Departement, DepartementParam, RegionParam
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import commands, documented, reads
from tdi_runtime.pipeline import Caller, Pipeline
from tdi_runtime.territories import find_territory
from tdi_vte import queries
from tdi_vte.domain import VteContract

PROGRAMME = "vte"
"""The VTE is one programme: its instructors read and act here, another programme's instructors do not."""


async def _reader(caller: Annotated[Caller, Depends(reads(scope="region+programme"))]) -> Caller:
    caller.require_programme(PROGRAMME)
    return caller


async def _writer(
    caller: Annotated[Caller, Depends(commands(scope="region+programme", instructors=True))],
) -> Caller:
    caller.require_programme(PROGRAMME)
    return caller


Reader = Annotated[Caller, Depends(_reader)]
Writer = Annotated[Caller, Depends(_writer)]


def _filters(
    territory_id: Annotated[str | None, Query(max_length=80, description="tdi-… or ti-… id")] = None,
    departement: Annotated[DepartementParam | None, Query(description="INSEE département code or name")] = None,
    region: Annotated[RegionParam | None, Query(description="INSEE region code or name")] = None,
    company_size: Annotated[CompanySize | None, Query(description="pme or eti (refused contracts: any)")] = None,
    green: Annotated[bool | None, Query(description="With a « VTE vert » top-up or not")] = None,
    decision: Annotated[
        str | None,
        Query(pattern="^(granted|refused|pending)$", description="granted, refused or pending (held: issue 24)"),
    ] = None,
) -> queries.AidFilter:
    return queries.AidFilter(
        territory_id=territory_id,
        departement=None if departement is None else departement.value,
        region=None if region is None else region.value,
        company_size=None if company_size is None else company_size.value,
        green=green,
        decision=decision,
    )


Filters = Annotated[queries.AidFilter, Depends(_filters)]


async def _resolved(conn: Any, f: queries.AidFilter, access: Caller) -> queries.AidFilter:
    """An official territory id (ti-…) is read as the platform id events and tables carry; the filters are
    narrowed to the caller's region (another region's territory or département: 403 OUT_OF_REGION)."""
    if f.departement is not None:
        access.require_region(Departement(f.departement).region.value)
    narrowed = {**f.__dict__, "region": access.region_filter(f.region)}
    if f.territory_id is None:
        return queries.AidFilter(**narrowed)
    ref = await find_territory(conn, f.territory_id)
    if ref is None:
        raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=f.territory_id)
    access.require_region(ref.regions)
    return queries.AidFilter(**{**narrowed, "territory_id": ref.territory_id})


C = TypeVar("C", bound=BaseModel)
JsonBody = Annotated[dict[str, Any], Body(description="The command, as Bpifrance sends it on its topic")]


def _command(model: type[C], body: dict[str, Any]) -> C:
    """The contracts are strict Python-side (an enum is an enum): read the body as JSON, as from Kafka."""
    try:
        return model.model_validate_json(json.dumps(body))
    except ValidationError as error:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()]) from error


async def _decided(
    request: Request, command: RecordVteContractV2 | DeclareVteGreenMissionV2 | EndVteContractV2, caller: Caller
) -> dict[str, Any]:
    """Run the command through the pipeline, then answer with the contract's decision as the API shows it."""
    contract = await Pipeline.of(request).run(command, caller, expect=VteContract)
    async with request.app.state.runtime.pool.acquire() as conn:
        decided = await queries.decision(conn, contract.vte_contract_id)
    assert decided is not None  # the handler saved it, or found it recorded
    return decided


def build_router() -> APIRouter:
    router = APIRouter(prefix="/vte", tags=["vte"])

    @router.get("/aids", summary="VTE aids by territory, département, region, company size, green; paginated")
    async def list_aids(
        request: Request,
        caller: Reader,
        f: Filters,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> dict[str, Any]:
        """The aids one by one. A reader gets counts, not rows (`/vte/aids/totals`): 403 AGGREGATES_ONLY."""
        caller.require_rows()
        async with request.app.state.runtime.pool.acquire() as conn:
            return await queries.list_aids(conn, await _resolved(conn, f, caller), limit, offset)

    @router.get("/aids/totals", summary="Totals of the aids matching the same filters, in euro cents")
    async def totals(request: Request, caller: Reader, f: Filters) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            return await queries.totals(conn, await _resolved(conn, f, caller))

    @router.get("/contracts/{vte_contract_id}", summary="One contract's decision, with every reason of a refusal")
    async def contract_decision(request: Request, vte_contract_id: UUID, caller: Reader) -> dict[str, Any]:
        """One contract with its candidate's status, study level and graduation year: not for a reader (counts only)."""
        caller.require_rows()
        async with request.app.state.runtime.pool.acquire() as conn:
            found = await queries.decision(conn, vte_contract_id)
        if found is None:
            raise DomainError(ErrorCode.UNKNOWN_AGGREGATE, field="vte_contract_id", value=vte_contract_id)
        caller.require_region(found["regions"])
        return found

    @router.post("/contracts", status_code=status.HTTP_201_CREATED, summary="Record a signed contract")
    async def post_contract(request: Request, caller: Writer, body: JsonBody) -> dict[str, Any]:
        """For staff recording a contract Bpifrance sent by other means (body: RecordVteContract.v2)."""
        return await _decided(request, _command(RecordVteContractV2, body), caller)

    @router.post("/contracts/green-mission", summary="Declare a « VTE vert » mission")
    async def post_green(request: Request, caller: Writer, body: JsonBody) -> dict[str, Any]:
        """Body: DeclareVteGreenMission.v2 (a v1 body is one too): the top-up asked, granted up to 8,000 EUR; the
        decision (`VteAidAdjusted.capped`) says when it was capped."""
        return await _decided(request, _command(DeclareVteGreenMissionV2, body), caller)

    @router.post("/contracts/end", summary="Record the end of a contract")
    async def post_end(request: Request, caller: Writer, body: JsonBody) -> dict[str, Any]:
        """Body: EndVteContract.v2."""
        return await _decided(request, _command(EndVteContractV2, body), caller)

    return documented(router)
