"""HTTP routes of the actions service: fiches (create, revise, move, list), counts, and the bulk import."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status

from tdi_actions import queries
from tdi_actions.commands import CreateFiche, MoveFiche, ReviseFiche
from tdi_actions.domain_errors import UnknownFicheActionError
from tdi_actions.importing.bounded import read_table_bounded
from tdi_actions.importing.spreadsheet import ImportFileTooLargeError
from tdi_actions.importing.use_case import import_table
from tdi_actions.lifecycle import FicheStatus
from tdi_actions.settings import ImportSettings
from tdi_actions.use_cases import UseCases, territory
from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import Axis, Category, DepartementParam, RegionParam
from tdi_runtime.access import Access
from tdi_runtime.http_access import commands, documented, reads
from tdi_runtime.http_edge import body_limit

Reader = Annotated[Access, Depends(reads(scope="region+territory", territories=True))]
Writer = Annotated[Access, Depends(commands(scope="region+territory", territories=True))]
# an action plan file may span regions (platform rule): national, or a territory for its own rows (issue 24)
Importer = Annotated[Access, Depends(commands(roles=("national",), scope="region+territory", territories=True))]
TerritoryQuery = Annotated[str | None, Query(max_length=200, description="Platform (tdi-…) or official (ti-…) id")]


def _use_cases(request: Request) -> UseCases:
    runtime = request.app.state.runtime
    return UseCases(runtime.pool, runtime.outbox)


async def _fiche(request: Request, fiche_id: UUID) -> dict[str, Any]:
    async with request.app.state.runtime.pool.acquire() as conn:
        found = await queries.one(conn, fiche_id)
    assert found is not None  # just written by the use case
    return found


async def _in_reach(request: Request, access: Access, territory_id: str) -> None:
    """The territory (platform or official id) must be in the caller's region and, for a territory caller, be its
    own (any of its ids); unknown: UNKNOWN_TERRITORY."""
    async with request.app.state.runtime.pool.acquire() as conn:
        ref = await territory(conn, territory_id)
    access.require_region(ref.regions)
    access.require_territory((ref.territory_id, ref.official_id))


async def _fiche_in_reach(request: Request, access: Access, fiche_id: UUID) -> None:
    async with request.app.state.runtime.pool.acquire() as conn:
        regions = await queries.regions_of(conn, fiche_id)
        territories = await queries.territory_ids_of(conn, fiche_id)
    if regions is not None:  # an unknown fiche is answered by the use case (404)
        access.require_region(regions)
        access.require_territory(territories)


async def _scope(request: Request, access: Access, territory_id: str | None, **filters: Any) -> queries.Scope:
    """The list's filters, narrowed to the caller's region (another region's territory or département: 403) and,
    for a territory caller, to its territory (another territory: 403 OUT_OF_TERRITORY, checked on the resolved ids)."""
    platform_id = None
    wanted = territory_id if territory_id is not None else access.territory_filter(None)
    if wanted is not None:
        async with request.app.state.runtime.pool.acquire() as conn:
            ref = await territory(conn, wanted)
        access.require_region(ref.regions)
        access.require_territory((ref.territory_id, ref.official_id))
        platform_id = ref.territory_id
    if filters.get("departement") is not None:
        access.require_region(filters["departement"].region.value)
    values = {k: (v.value if v is not None else None) for k, v in filters.items()}
    return queries.Scope(platform_id, **{**values, "region": access.region_filter(values.get("region"))})


async def _body_within(request: Request, max_bytes: int) -> bytes:
    """The uploaded file, refused as soon as it grows past `max_bytes` (never buffered whole first)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            message = f"Le fichier dépasse la taille maximale de {max_bytes // 1024} Kio : découpez le plan d'actions."
            raise ImportFileTooLargeError(message, details={"max_bytes": max_bytes})
    return bytes(body)


def build_router(import_settings: ImportSettings | None = None) -> APIRouter:
    limits = import_settings or ImportSettings()
    router = APIRouter(tags=["fiches actions"])

    @router.post("/fiches", status_code=status.HTTP_201_CREATED, summary="Propose a fiche")
    async def create(request: Request, command: CreateFiche, access: Writer) -> dict[str, Any]:
        await _in_reach(request, access, command.territory_id)
        fiche = await _use_cases(request).create(command)
        return await _fiche(request, fiche.id)

    @router.post("/fiches/{fiche_id}/revision", summary="Revise a fiche's description")
    async def revise(request: Request, fiche_id: UUID, command: ReviseFiche, access: Writer) -> dict[str, Any]:
        await _fiche_in_reach(request, access, fiche_id)
        await _use_cases(request).revise(fiche_id, command)
        return await _fiche(request, fiche_id)

    @router.post("/fiches/{fiche_id}/status", summary="Move a fiche through its lifecycle")
    async def move(request: Request, fiche_id: UUID, command: MoveFiche, access: Writer) -> dict[str, Any]:
        await _fiche_in_reach(request, access, fiche_id)
        await _use_cases(request).move(fiche_id, command)
        return await _fiche(request, fiche_id)

    @router.get("/fiches/{fiche_id}", summary="One fiche action")
    async def read(request: Request, fiche_id: UUID, access: Reader) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            found = await queries.one(conn, fiche_id)
            regions = await queries.regions_of(conn, fiche_id)
            territories = await queries.territory_ids_of(conn, fiche_id)
        if found is None:
            message = f"La fiche action {fiche_id} est inconnue."
            raise UnknownFicheActionError(message, details={"field": "fiche_id", "value": str(fiche_id)})
        access.require_region(regions)
        access.require_territory(territories)
        return found

    @router.get("/fiches", summary="Fiches by territory, département, region, axis, category, status; paginated")
    async def list_fiches(
        request: Request,
        access: Reader,
        territory_id: TerritoryQuery = None,
        departement: DepartementParam | None = None,
        region: RegionParam | None = None,
        axis: Axis | None = None,
        category: Category | None = None,
        status: FicheStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        scope = await _scope(request, access, territory_id, departement=departement, region=region, axis=axis,
                             category=category, status=status)  # fmt: skip
        async with request.app.state.runtime.pool.acquire() as conn:
            total, fiches = await queries.page(conn, scope, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "fiches": fiches}

    @router.get("/counts", summary="Fiches per axis and per category at a scope, and the typology (% per axis)")
    async def counts(
        request: Request,
        access: Reader,
        territory_id: TerritoryQuery = None,
        departement: DepartementParam | None = None,
        region: RegionParam | None = None,
        axis: Axis | None = None,
        category: Category | None = None,
        status: FicheStatus | None = None,
    ) -> dict[str, Any]:
        scope = await _scope(request, access, territory_id, departement=departement, region=region, axis=axis,
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
    async def import_plan(request: Request, access: Importer, on: date | None = None) -> dict[str, Any]:
        data = await _body_within(request, limits.max_bytes)
        table = await read_table_bounded(data, limits)  # a child process bounded in time and memory
        report = await import_table(_use_cases(request), table, on or datetime.now(UTC).date(), access)
        return report.as_json()

    return documented(router)
