"""HTTP routes of the territory service: search and read territories, and the governance and EPCI commands."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, status

from tdi_contracts.reference import DepartementParam, RegionParam
from tdi_runtime.access import Access
from tdi_runtime.errors import NotFoundError
from tdi_runtime.http_access import commands, documented, reads
from tdi_territory import queries, store
from tdi_territory.commands import (
    AddTerritory,
    AppointChefDeProjet,
    EndBinome,
    EndChefDeProjet,
    JoinEpci,
    LeaveEpci,
    RecordBinome,
    ShareChefDeProjet,
    WithdrawLabel,
)
from tdi_territory.domain_errors import unknown_territory
from tdi_territory.governance.use_cases import (
    appoint_chef_de_projet,
    end_binome,
    end_chef_de_projet,
    record_binome,
    share_chef_de_projet,
)
from tdi_territory.label.use_cases import add_territory, withdraw_label
from tdi_territory.perimeter import store as perimeter_store
from tdi_territory.perimeter.use_cases import join_epci, leave_epci
from tdi_territory.use_cases import UseCases

AnyTerritoryId = Annotated[str, Path(description="Platform id (tdi-44-grand-reims) or official id (ti-8413)")]
Insee = Annotated[str, Path(pattern=r"^(?:[0-9]{2}|2[AB])[0-9]{3}$", description="INSEE commune code")]
SirenPath = Annotated[str, Path(pattern=r"^[0-9]{9}$", description="SIREN of the EPCI")]


def _use_cases(request: Request) -> UseCases:
    runtime = request.app.state.runtime
    return UseCases(runtime.pool, runtime.outbox)


Reader = Annotated[Access, Depends(reads())]
Writer = Annotated[Access, Depends(commands())]


async def _in_reach(request: Request, access: Access, territory_ids: list[str]) -> None:
    """A command on these territories (platform or official ids): each must be in the caller's region. An
    unknown one is left to the use case, which answers it in the order its rules say (404, 409...)."""
    async with request.app.state.runtime.pool.acquire() as conn:
        for any_id in territory_ids:
            row = await store.find_territory(conn, any_id)
            if row is not None:
                access.require_region(list(row["regions"]))


async def _post_in_reach(request: Request, access: Access, post_id: UUID) -> None:
    async with request.app.state.runtime.pool.acquire() as conn:
        served = await queries.post_regions(conn, post_id)
    if served:  # an unknown post is answered by the use case (404), never by a region check
        access.require_region(served)


def build_router() -> APIRouter:
    router = APIRouter(tags=["territories"])

    @router.get("/territories", summary="Territories, filtered by region, département, interregional, name")
    async def list_territories(
        request: Request,
        access: Reader,
        region: Annotated[RegionParam | None, Query(description="INSEE region code or name")] = None,
        departement: Annotated[DepartementParam | None, Query(description="INSEE département code or name")] = None,
        interregional: bool | None = None,
        q: Annotated[str | None, Query(max_length=200, description="Part of the name (accents, case ignored)")] = None,
    ) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            if departement is not None:
                access.require_region(departement.region.value)
            rows = await store.search(conn, access.region_filter(region), departement, interregional, q)
        return {"count": len(rows), "territories": [queries.summary(r) for r in rows]}

    @router.get("/territories/{territory_id}", summary="One territory, by platform id or official id")
    async def get_territory(request: Request, territory_id: AnyTerritoryId, access: Reader) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            row = await store.find_territory(conn, territory_id)
            if row is None:
                raise unknown_territory(territory_id)
            access.require_region(list(row["regions"]))
            return await queries.detail(conn, row, access)

    @router.get("/communes/{insee}/territory", summary="The territory a commune is in")
    async def commune_territory(request: Request, insee: Insee, access: Reader) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            commune = await perimeter_store.territory_of_commune(conn, insee)
            if commune is None:
                message = f"La commune {insee} n'est rattachée à aucun Territoire d'industrie connu."
                raise NotFoundError(message, code="UNKNOWN_COMMUNE", details={"field": "insee", "value": insee})
            row = await store.find_territory(conn, commune["territory_id"])
        assert row is not None  # a commune's territory is a foreign key
        access.require_region(list(row["regions"]))
        alias = {"alias_of": commune["insee"], "alias_kind": commune["alias_kind"]} if commune["alias_kind"] else {}
        return {
            "commune": {
                "insee": insee,
                "name": commune["name"],
                "departement": commune["departement"],
                **alias,
            },
            "territory": queries.summary(row),
        }

    @router.post("/territories", status_code=status.HTTP_201_CREATED, summary="Enter a missing territory")
    async def post_territory(request: Request, command: AddTerritory, access: Writer) -> dict[str, Any]:
        access.require_region([d.region.value for d in command.departements])
        tid = await add_territory(_use_cases(request), command)
        return {"territory_id": tid, "official_id": command.official_id}

    @router.post("/territories/{territory_id}/withdraw-label", summary="Withdraw the label")
    async def post_withdraw_label(
        request: Request, access: Writer, territory_id: AnyTerritoryId, command: WithdrawLabel
    ) -> dict[str, Any]:
        await _in_reach(request, access, [territory_id])
        tid = await withdraw_label(_use_cases(request), territory_id, command)
        return {"territory_id": tid, "labelled": False}

    @router.post(
        "/territories/{territory_id}/epci",
        status_code=status.HTTP_201_CREATED,
        summary="An EPCI joins",
    )
    async def post_join_epci(
        request: Request, access: Writer, territory_id: AnyTerritoryId, command: JoinEpci
    ) -> dict[str, Any]:
        await _in_reach(request, access, [territory_id])
        joined = await join_epci(_use_cases(request), territory_id, command)
        return {
            "territory_id": joined.territory_id,
            "siren": command.siren,
            "communes_assigned": joined.communes_assigned or 0,
            "epci_in_cog": joined.communes_assigned is not None,
        }

    @router.post("/territories/{territory_id}/epci/{siren}/leave", summary="An EPCI leaves")
    async def post_leave_epci(
        request: Request, access: Writer, territory_id: AnyTerritoryId, siren: SirenPath, command: LeaveEpci
    ) -> dict[str, Any]:
        await _in_reach(request, access, [territory_id])
        tid = await leave_epci(_use_cases(request), territory_id, siren, command)
        return {"territory_id": tid, "siren": siren}

    @router.post(
        "/territories/{territory_id}/binomes",
        status_code=status.HTTP_201_CREATED,
        summary="A binôme",
    )
    async def post_binome(
        request: Request, access: Writer, territory_id: AnyTerritoryId, command: RecordBinome
    ) -> dict[str, Any]:
        await _in_reach(request, access, [territory_id])
        tid, binome_id = await record_binome(_use_cases(request), territory_id, command)
        return {"territory_id": tid, "binome_id": str(binome_id)}

    @router.post("/territories/{territory_id}/binomes/{binome_id}/end", summary="A binôme leaves office")
    async def post_end_binome(
        request: Request, access: Writer, territory_id: AnyTerritoryId, binome_id: UUID, command: EndBinome
    ) -> dict[str, Any]:
        await _in_reach(request, access, [territory_id])
        tid = await end_binome(_use_cases(request), territory_id, binome_id, command)
        return {"territory_id": tid, "binome_id": str(binome_id)}

    @router.post(
        "/territories/{territory_id}/chefs-de-projet",
        status_code=status.HTTP_201_CREATED,
        summary="Open a post",
    )
    async def post_chef(
        request: Request, access: Writer, territory_id: AnyTerritoryId, command: AppointChefDeProjet
    ) -> dict[str, Any]:
        await _in_reach(request, access, [territory_id])
        tid, post_id = await appoint_chef_de_projet(_use_cases(request), territory_id, command)
        return {"territory_id": tid, "chef_de_projet_id": str(post_id)}

    @router.post("/chefs-de-projet/{chef_de_projet_id}/share", summary="Share a post with other territories")
    async def post_share(
        request: Request, access: Writer, chef_de_projet_id: UUID, command: ShareChefDeProjet
    ) -> dict[str, Any]:
        await _post_in_reach(request, access, chef_de_projet_id)
        await _in_reach(request, access, list(command.territory_ids))
        served = await share_chef_de_projet(_use_cases(request), chef_de_projet_id, command)
        return {"chef_de_projet_id": str(chef_de_projet_id), "territory_ids": served}

    @router.post("/chefs-de-projet/{chef_de_projet_id}/end", summary="Close a post")
    async def post_end(
        request: Request, access: Writer, chef_de_projet_id: UUID, command: EndChefDeProjet
    ) -> dict[str, Any]:
        await _post_in_reach(request, access, chef_de_projet_id)
        served = await end_chef_de_projet(_use_cases(request), chef_de_projet_id, command)
        return {"chef_de_projet_id": str(chef_de_projet_id), "territory_ids": served}

    return documented(router)
