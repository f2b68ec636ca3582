"""HTTP reads of the funding service (any role with a token, narrowed to its region or programme): envelopes,
dossiers and their history, and the chef de projet subsidy of a territory for a year."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from tdi_contracts.errors import ErrorCode
from tdi_contracts.money import MAX_CENTS
from tdi_contracts.reference import RegionParam
from tdi_contracts.reference.figures import chef_de_projet_cap
from tdi_contracts.reference.programmes import PROGRAMME_CODE_PATTERN
from tdi_funding import queries, store_applications, store_cdp, store_envelopes
from tdi_funding.domain.application import State
from tdi_funding.domain.chef_de_projet import split_shared_post, state_subsidy
from tdi_runtime.db import Connection
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import documented, reads
from tdi_runtime.pipeline import Caller
from tdi_runtime.territories import TerritoryRef, find_territory

Reader = Annotated[Caller, Depends(reads(scope="region+programme"))]
DossierReader = Annotated[Caller, Depends(reads(scope="region+programme+territory", territories=True))]
"""The dossiers: a territory caller reads its own territory's (issue 24), its lists narrowed to it."""
TerritoryParam = Annotated[str | None, Query(max_length=80, description="Platform id or official id")]
ProgrammeParam = Annotated[
    str | None,
    Query(pattern=PROGRAMME_CODE_PATTERN, max_length=60, description="A programme of the catalogue or a declared one"),
]


def build_read_router() -> APIRouter:
    router = APIRouter(tags=["funding"])

    @router.get("/envelopes", summary="Envelopes with committed, paid and available amounts")
    async def list_envelopes(
        request: Request,
        access: Reader,
        programme: ProgrammeParam = None,
        region: RegionParam | None = None,
        year: Annotated[int | None, Query(ge=2023, le=2027, description="Year of the envelope (Temps II)")] = None,
    ) -> dict[str, Any]:
        programme_seen, region_seen = access.programme_filter(programme), access.region_filter(region)
        async with request.app.state.runtime.pool.acquire() as conn:
            found = await store_envelopes.search(conn, programme_seen, region_seen, year)
        return {"count": len(found), "envelopes": [queries.envelope(e) for e in found]}

    @router.get("/envelopes/{envelope_id}", summary="One envelope's balance")
    async def get_envelope(request: Request, envelope_id: str, access: Reader) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            found = await store_envelopes.load(conn, envelope_id)
        if found is None:
            raise DomainError(
                ErrorCode.UNKNOWN_AGGREGATE, f"L'enveloppe {envelope_id} est inconnue.", field="envelope_id"
            )
        access.require_region(found.region)
        access.require_programme(found.programme)
        return queries.envelope(found)

    @router.get("/applications", summary="Dossiers by territory, programme, region and state, paginated")
    async def list_applications(
        request: Request,
        access: DossierReader,
        territory_id: TerritoryParam = None,
        programme: ProgrammeParam = None,
        region: RegionParam | None = None,
        state: State | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> dict[str, Any]:
        territory_id = territory_id if territory_id is not None else access.territory_filter(None)
        async with request.app.state.runtime.pool.acquire() as conn:
            if territory_id is not None:
                ref = await find_territory(conn, territory_id)
                access.require_territory((ref.territory_id, ref.official_id) if ref else territory_id)
                territory_id = ref.territory_id if ref else territory_id
                access.require_region(ref.regions if ref else None)
            total, rows = await store_applications.search(
                conn,
                territory_id=territory_id,
                programme=access.programme_filter(programme),
                region=access.region_filter(region),
                state=state.value if state else None,
                limit=limit,
                offset=offset,
            )
        return {
            "total": total,
            "limit": limit,
            "offset": offset,
            "applications": [queries.application_row(r, access) for r in rows],
        }

    @router.get("/applications/{application_id}", summary="One dossier with its dated history")
    async def get_application(request: Request, application_id: UUID, access: DossierReader) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            stored = await store_applications.load(conn, application_id)
            ref = None if stored is None else await find_territory(conn, stored.application.territory_id)
        if stored is None:
            raise DomainError(
                ErrorCode.UNKNOWN_AGGREGATE, f"Le dossier {application_id} est inconnu.", field="application_id"
            )
        access.require_territory((stored.application.territory_id, ref.official_id if ref else None))
        access.require_region(stored.regions)
        access.require_programme(stored.application.programme)
        return queries.dossier(stored, access)

    @router.get(
        "/territories/{territory_id}/chef-de-projet-subsidy",
        summary="State subsidy of the chef de projet: the year's cap, what is given, the room left (and a post's part)",
    )
    async def get_subsidy(
        request: Request,
        access: Reader,
        territory_id: str,
        year: Annotated[int, Query(ge=2023, le=2027, description="Year funded (renewed yearly)")],
        post_cost_cents: Annotated[
            int | None, Query(ge=0, le=MAX_CENTS, description="Yearly cost of a post, in cents (for its subsidy)")
        ] = None,
        shared_with: Annotated[
            list[str] | None, Query(max_length=10, description="Other territories sharing it")
        ] = None,
    ) -> dict[str, Any]:
        async with request.app.state.runtime.pool.acquire() as conn:
            ref = await _known_territory(conn, territory_id)
            access.require_region(ref.regions)
            others = [(await _known_territory(conn, t)).territory_id for t in shared_with or []]
            given = await store_cdp.given(conn, ref.territory_id, year)
        share = split_shared_post(post_cost_cents or 0, [ref.territory_id, *others])[ref.territory_id]
        subsidy = state_subsidy(ref.epci_count or None, share)
        cap = chef_de_projet_cap(ref.epci_count) if ref.epci_count else None
        remaining = None if cap is None else max(0, cap - given)
        per_post = subsidy.amount_cents if post_cost_cents is not None else None
        return {
            "territory_id": ref.territory_id,
            "year": year,
            "epci_count": ref.epci_count or None,
            "computable": subsidy.computable,
            "cap_cents": cap,
            "given_cents": given,
            "remaining_cents": remaining,
            "subsidy_cents": per_post,
            "grantable_cents": None if per_post is None or remaining is None else min(per_post, remaining),
            "post_share_cents": share if post_cost_cents is not None else None,
            "territory_share_cents": None if per_post is None else share - per_post,
            "reason": subsidy.reason,
        }

    return documented(router)


async def _known_territory(conn: Connection, any_id: str) -> TerritoryRef:
    """The territory from the local projection, by platform or official id; unknown: UNKNOWN_TERRITORY."""
    ref = await find_territory(conn, any_id)
    if ref is None:
        raise DomainError(ErrorCode.UNKNOWN_TERRITORY, field="territory_id", value=any_id)
    return ref
