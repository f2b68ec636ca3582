"""HTTP routes of the territory service: search and read territories; the governance and EPCI commands, each a door:
body → command → `Pipeline.run(command, caller)` (the handler of `tdi_territory.handlers`, rights checked there)."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import Response

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import DepartementParam, RegionParam
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import commands, documented, reads
from tdi_runtime.idempotency import answers_from_its_command
from tdi_runtime.pipeline import Caller, Pipeline
from tdi_runtime.read_cache import VersionedBodies
from tdi_territory import queries, store
from tdi_territory.commands import (
    AddTerritory,
    AppointChefDeProjet,
    AppointChefDeProjetOf,
    Created,
    EndBinome,
    EndBinomeOf,
    EndChefDeProjet,
    EndChefDeProjetOf,
    JoinEpci,
    JoinEpciOf,
    LeaveEpci,
    LeaveEpciOf,
    RecordBinome,
    RecordBinomeOf,
    ShareChefDeProjet,
    ShareChefDeProjetOf,
    WithdrawLabel,
    WithdrawLabelOf,
)
from tdi_territory.domain import Territory
from tdi_territory.perimeter import store as perimeter_store
from tdi_territory.perimeter.handlers import Joined

AnyTerritoryId = Annotated[str, Path(description="Platform id (tdi-44-grand-reims) or official id (ti-8413)")]
Insee = Annotated[str, Path(pattern=r"^(?:[0-9]{2}|2[AB])[0-9]{3}$", description="INSEE commune code")]
SirenPath = Annotated[str, Path(pattern=r"^[0-9]{9}$", description="SIREN of the EPCI")]

Reader = Annotated[Caller, Depends(reads())]
Writer = Annotated[Caller, Depends(commands())]


def _code(value: str | None) -> str | None:
    """A region's or département's INSEE code as plain text (an enum member hashes by its name, not its code)."""
    return None if value is None else str(getattr(value, "value", value))


def build_router() -> APIRouter:
    router = APIRouter(tags=["territories"])

    lists = VersionedBodies("territories")  # this replica's bodies; their version is the database's

    @router.get(
        "/territories",
        summary="Territories, filtered by region, département, interregional, name",
        response_model=dict[str, Any],
        responses={304: {"description": "Not modified: the `If-None-Match` names the list's current `ETag`"}},
    )
    async def list_territories(
        request: Request,
        caller: Reader,
        region: Annotated[RegionParam | None, Query(description="INSEE region code or name")] = None,
        departement: Annotated[DepartementParam | None, Query(description="INSEE département code or name")] = None,
        interregional: bool | None = None,
        q: Annotated[str | None, Query(max_length=200, description="Part of the name (accents, case ignored)")] = None,
    ) -> Response:
        if departement is not None:
            caller.require_region(departement.region.value)
        key = queries.ListKey(_code(caller.region_filter(region)), _code(departement), interregional, q)
        return await lists.answer(request, request.app.state.runtime.pool, key, queries.territory_list)

    @router.get("/territories/{territory_id}", summary="One territory, by platform id or official id")
    async def get_territory(request: Request, territory_id: AnyTerritoryId, caller: Reader) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            row = await store.find_territory(conn, territory_id)
            if row is None:
                raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=territory_id)
            caller.require_region(list(row["regions"]))
            return await queries.detail(conn, row, caller)

    @router.get("/communes/{insee}/territory", summary="The territory a commune is in")
    async def commune_territory(request: Request, insee: Insee, caller: Reader) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            commune = await perimeter_store.territory_of_commune(conn, insee)
            if commune is None:
                raise DomainError(ErrorCode.UNKNOWN_COMMUNE, field="insee", value=insee)
            row = await store.find_territory(conn, commune["territory_id"])
        assert row is not None  # a commune's territory is a foreign key
        caller.require_region(list(row["regions"]))
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
    @answers_from_its_command
    async def post_territory(request: Request, command: AddTerritory, caller: Writer) -> dict[str, Any]:
        tid = await Pipeline.of(request).run(command, caller, expect=str)
        return {"territory_id": tid, "official_id": command.official_id}

    @router.post("/territories/{territory_id}/withdraw-label", summary="Withdraw the label")
    @answers_from_its_command
    async def post_withdraw_label(
        request: Request, caller: Writer, territory_id: AnyTerritoryId, command: WithdrawLabel
    ) -> dict[str, Any]:
        tid = await Pipeline.of(request).run(WithdrawLabelOf(territory_id, command), caller, expect=str)
        return {"territory_id": tid, "labelled": False}

    @router.post(
        "/territories/{territory_id}/epci",
        status_code=status.HTTP_201_CREATED,
        summary="An EPCI joins",
    )
    @answers_from_its_command
    async def post_join_epci(
        request: Request, caller: Writer, territory_id: AnyTerritoryId, command: JoinEpci
    ) -> dict[str, Any]:
        joined = await Pipeline.of(request).run(JoinEpciOf(territory_id, command), caller, expect=Joined)
        return {
            "territory_id": joined.territory_id,
            "siren": command.siren,
            "communes_assigned": joined.communes_assigned or 0,
            "epci_in_cog": joined.communes_assigned is not None,
        }

    @router.post("/territories/{territory_id}/epci/{siren}/leave", summary="An EPCI leaves")
    @answers_from_its_command
    async def post_leave_epci(
        request: Request, caller: Writer, territory_id: AnyTerritoryId, siren: SirenPath, command: LeaveEpci
    ) -> dict[str, Any]:
        tid = await Pipeline.of(request).run(LeaveEpciOf(territory_id, siren, command), caller, expect=str)
        return {"territory_id": tid, "siren": siren}

    @router.post(
        "/territories/{territory_id}/binomes",
        status_code=status.HTTP_201_CREATED,
        summary="A binôme",
    )
    @answers_from_its_command
    async def post_binome(
        request: Request, caller: Writer, territory_id: AnyTerritoryId, command: RecordBinome
    ) -> dict[str, Any]:
        created = await Pipeline.of(request).run(RecordBinomeOf(territory_id, command), caller, expect=Created)
        return {"territory_id": created.territory_id, "binome_id": str(created.id)}

    @router.post("/territories/{territory_id}/binomes/{binome_id}/end", summary="A binôme leaves office")
    @answers_from_its_command
    async def post_end_binome(
        request: Request, caller: Writer, territory_id: AnyTerritoryId, binome_id: UUID, command: EndBinome
    ) -> dict[str, Any]:
        command_of = EndBinomeOf(territory_id, binome_id, command)
        territory = await Pipeline.of(request).run(command_of, caller, expect=Territory)
        return {"territory_id": territory.id, "binome_id": str(binome_id)}

    @router.post(
        "/territories/{territory_id}/chefs-de-projet",
        status_code=status.HTTP_201_CREATED,
        summary="Open a post",
    )
    @answers_from_its_command
    async def post_chef(
        request: Request, caller: Writer, territory_id: AnyTerritoryId, command: AppointChefDeProjet
    ) -> dict[str, Any]:
        command_of = AppointChefDeProjetOf(territory_id, command)
        created = await Pipeline.of(request).run(command_of, caller, expect=Created)
        return {"territory_id": created.territory_id, "chef_de_projet_id": str(created.id)}

    @router.post("/chefs-de-projet/{chef_de_projet_id}/share", summary="Share a post with other territories")
    @answers_from_its_command
    async def post_share(
        request: Request, caller: Writer, chef_de_projet_id: UUID, command: ShareChefDeProjet
    ) -> dict[str, Any]:
        served = await Pipeline.of(request).run(ShareChefDeProjetOf(chef_de_projet_id, command), caller, expect=list)
        return {"chef_de_projet_id": str(chef_de_projet_id), "territory_ids": served}

    @router.post("/chefs-de-projet/{chef_de_projet_id}/end", summary="Close a post")
    @answers_from_its_command
    async def post_end(
        request: Request, caller: Writer, chef_de_projet_id: UUID, command: EndChefDeProjet
    ) -> dict[str, Any]:
        served = await Pipeline.of(request).run(EndChefDeProjetOf(chef_de_projet_id, command), caller, expect=list)
        return {"chef_de_projet_id": str(chef_de_projet_id), "territory_ids": served}

    return documented(router)
