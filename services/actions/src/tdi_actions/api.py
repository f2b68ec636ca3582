"""HTTP routes of the actions service: fiches (create, revise, move, list), counts, and the bulk import.

A command route is a door: body → command → `Pipeline.run(command, caller)` (the handler of `tdi_actions.handlers`,
rights checked there) → the fiche as the API shows it. Reads go through `queries.py`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status

from tdi_actions import queries
from tdi_actions.commands import CreateFiche, MoveFiche, MoveFicheOf, ReviseFiche, ReviseFicheOf
from tdi_actions.domain import FicheAction
from tdi_actions.handlers import in_reach
from tdi_actions.importing.bounded import read_table_bounded
from tdi_actions.importing.use_case import ImportPlan, ImportReport
from tdi_actions.lifecycle import FicheStatus
from tdi_actions.settings import ImportSettings
from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Axis, Category, DepartementParam, RegionParam
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import commands, documented, reads
from tdi_runtime.http_edge import body_limit
from tdi_runtime.pipeline import Caller, Pipeline
from tdi_runtime.territories import find_territory

Reader = Annotated[Caller, Depends(reads(scope="region+territory", territories=True))]
Writer = Annotated[Caller, Depends(commands(scope="region+territory", territories=True))]
# an action plan file may span regions (platform rule): national, or a territory for its own rows (issue 24)
Importer = Annotated[Caller, Depends(commands(roles=("national",), scope="region+territory", territories=True))]
TerritoryQuery = Annotated[str | None, Query(max_length=200, description="Platform (tdi-…) or official (ti-…) id")]


async def _applied(
    request: Request, command: CreateFiche | ReviseFicheOf | MoveFicheOf, caller: Caller
) -> dict[str, Any]:
    """Run the command through the pipeline, then answer with the fiche as the API shows it."""
    fiche = await Pipeline.of(request).run(command, caller, expect=FicheAction)
    async with request.app.state.runtime.pool.acquire() as conn:
        found = await queries.one(conn, fiche.id)
    assert found is not None  # just written by the handler
    return found


async def _scope(request: Request, caller: Caller, territory_id: str | None, **filters: Any) -> queries.Scope:
    """The list's filters, narrowed to the caller's region (another region's territory or département: 403) and,
    for a territory caller, to its territory (another territory: 403 OUT_OF_TERRITORY, checked on the resolved ids)."""
    platform_id = None
    wanted = territory_id if territory_id is not None else caller.territory_filter(None)
    if wanted is not None:
        async with request.app.state.runtime.pool.acquire() as conn:
            ref = await find_territory(conn, wanted)
        if ref is None:
            raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=wanted)
        in_reach(caller, ref)
        platform_id = ref.territory_id
    if filters.get("departement") is not None:
        caller.require_region(filters["departement"].region.value)
    values = {k: (v.value if v is not None else None) for k, v in filters.items()}
    return queries.Scope(platform_id, **{**values, "region": caller.region_filter(values.get("region"))})


async def _body_within(request: Request, max_bytes: int) -> bytes:
    """The uploaded file, refused as soon as it grows past `max_bytes` (never buffered whole first)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            message = f"Le fichier dépasse la taille maximale de {max_bytes // 1024} Kio : découpez le plan d'actions."
            raise DomainError(ErrorCode.IMPORT_FILE_TOO_LARGE, message, max_bytes=max_bytes)
    return bytes(body)


def build_router(import_settings: ImportSettings | None = None) -> APIRouter:
    limits = import_settings or ImportSettings()
    router = APIRouter(tags=["fiches actions"])

    @router.post("/fiches", status_code=status.HTTP_201_CREATED, summary="Propose a fiche")
    async def create(request: Request, command: CreateFiche, caller: Writer) -> dict[str, Any]:
        return await _applied(request, command, caller)

    @router.post("/fiches/{fiche_id}/revision", summary="Revise a fiche's description")
    async def revise(request: Request, fiche_id: UUID, command: ReviseFiche, caller: Writer) -> dict[str, Any]:
        return await _applied(request, ReviseFicheOf(fiche_id, command), caller)

    @router.post("/fiches/{fiche_id}/status", summary="Move a fiche through its lifecycle")
    async def move(request: Request, fiche_id: UUID, command: MoveFiche, caller: Writer) -> dict[str, Any]:
        return await _applied(request, MoveFicheOf(fiche_id, command), caller)

    @router.get("/fiches/{fiche_id}", summary="One fiche action")
    async def read(request: Request, fiche_id: UUID, caller: Reader) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            found = await queries.one(conn, fiche_id)
            regions = await queries.regions_of(conn, fiche_id)
            territories = await queries.territory_ids_of(conn, fiche_id)
        if found is None:
            raise DomainError(ErrorCode.UNKNOWN_FICHE_ACTION, field="fiche_id", value=str(fiche_id))
        caller.require_region(regions)
        caller.require_territory(territories)
        return found

    @router.get("/fiches", summary="Fiches by territory, département, region, axis, category, status; paginated")
    async def list_fiches(
        request: Request,
        caller: Reader,
        territory_id: TerritoryQuery = None,
        departement: DepartementParam | None = None,
        region: RegionParam | None = None,
        axis: Axis | None = None,
        category: Category | None = None,
        status: FicheStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        scope = await _scope(request, caller, territory_id, departement=departement, region=region, axis=axis,
                             category=category, status=status)  # fmt: skip
        async with request.app.state.runtime.pool.acquire() as conn:
            total, fiches = await queries.page(conn, scope, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "fiches": fiches}

    @router.get("/counts", summary="Fiches per axis and per category at a scope, and the typology (% per axis)")
    async def counts(
        request: Request,
        caller: Reader,
        territory_id: TerritoryQuery = None,
        departement: DepartementParam | None = None,
        region: RegionParam | None = None,
        axis: Axis | None = None,
        category: Category | None = None,
        status: FicheStatus | None = None,
    ) -> dict[str, Any]:
        scope = await _scope(request, caller, territory_id, departement=departement, region=region, axis=axis,
                             category=category, status=status)  # fmt: skip
        async with request.app.state.runtime.pool.acquire() as conn:
            return {"scope": {k: v for k, v in vars(scope).items() if v}, **await queries.counts(conn, scope)}

    @router.post(
        "/imports",
        summary="Import an action plan (body: the XLSX or CSV file itself); a per-row report",
        openapi_extra={
            "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}},
            **body_limit(limits.max_bytes, ErrorCode.IMPORT_FILE_TOO_LARGE),  # a file: not the kit's JSON limit
        },
    )
    async def import_plan(request: Request, caller: Importer, on: date | None = None) -> dict[str, Any]:
        data = await _body_within(request, limits.max_bytes)
        table = await read_table_bounded(data, limits)  # a child process bounded in time and memory
        command = ImportPlan(table, on or datetime.now(UTC).date())
        report = await Pipeline.of(request).run(command, caller, expect=ImportReport)
        return report.as_json()

    return documented(router)
