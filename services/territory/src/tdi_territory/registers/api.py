"""HTTP routes of the registers: sites clés en main, écoles de production, Rebond laureates, the network of chefs
de projet. A command is a door (body → command → `Pipeline.run`); its handler (`registers.handlers`) checks that the
entry's region is within the caller's reach (403 OUT_OF_REGION)."""

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, status

from tdi_contracts.reference import Region
from tdi_contracts.reference.registers import (
    ECOLES_DE_PRODUCTION_IN_2020,
    ECOLES_DE_PRODUCTION_OPEN,
    ECOLES_DE_PRODUCTION_TARGET_2027,
    ECOLES_DE_PRODUCTION_VIA_PROGRAMME,
    SITES_CLES_EN_MAIN_OBJECTIVE,
    SITES_PER_REGION,
    sites_flag,
)
from tdi_runtime.http_access import commands, documented, reads
from tdi_runtime.pipeline import Caller, Pipeline
from tdi_territory.registers import commands as c
from tdi_territory.registers import handlers as uc
from tdi_territory.registers import store

Reader = Annotated[Caller, Depends(reads())]
Writer = Annotated[Caller, Depends(commands())]
RegionPath = Annotated[Region, Path(description="INSEE code of the region", examples=["44"])]
RegionQuery = Annotated[Region | None, Query(description="INSEE code of the region")]
AnyTerritoryId = Annotated[str, Path(description="Platform id (tdi-44-grand-reims) or official id (ti-8413)")]


def _site(row: Any) -> dict[str, Any]:
    shown = {k: row[k] for k in ("name", "commune_insee", "departement", "region", "territory_id", "maturity")}
    return {
        "site_id": str(row["id"]),
        **shown,
        "criteria": list(row["criteria"]),
        "proposed_on": row["proposed_on"],
        "selected_on": row["selected_on"],
        "support": json.loads(row["support"]),
        "synthetic": row["synthetic"],
        "candidacy": _candidacy(row),
    }


def _candidacy(row: Any) -> dict[str, Any] | None:
    """The Démarches simplifiées dossier behind a site (null: proposed by staff): where to open it, its state."""
    if row["candidacy_reference"] is None:
        return None
    return {
        "reference": row["candidacy_reference"],
        "link": row["candidacy_link"],
        "state": row["candidacy_state"],
        "changed_on": row["candidacy_changed_on"],
    }


def build_router() -> APIRouter:
    router = APIRouter(tags=["registers"])

    @router.post("/sites", status_code=status.HTTP_201_CREATED, summary="Propose a site clé en main France 2030")
    async def post_site(request: Request, caller: Writer, command: c.ProposeSite) -> dict[str, Any]:
        proposed = await Pipeline.of(request).run(command, caller, expect=uc.Proposed)
        return {
            "site_id": str(proposed.site_id),
            **proposed.place.__dict__,
            "sites_in_region": proposed.sites_in_region,
            "flag": proposed.flag,
        }

    @router.post("/sites/{site_id}/criteria", summary="The criteria a site meets, assessed again")
    async def post_criteria(
        request: Request, caller: Writer, site_id: UUID, command: c.AssessSiteCriteria
    ) -> dict[str, Any]:
        await Pipeline.of(request).run(c.AssessSiteCriteriaOf(site_id, command), caller)
        return {"site_id": str(site_id)}

    @router.post("/sites/{site_id}/maturity", summary="A site's new maturity")
    async def post_maturity(
        request: Request, caller: Writer, site_id: UUID, command: c.ChangeSiteMaturity
    ) -> dict[str, Any]:
        await Pipeline.of(request).run(c.ChangeSiteMaturityOf(site_id, command), caller)
        return {"site_id": str(site_id)}

    @router.post("/sites/{site_id}/support", status_code=status.HTTP_201_CREATED, summary="Support a site received")
    async def post_support(
        request: Request, caller: Writer, site_id: UUID, command: c.RecordSiteSupport
    ) -> dict[str, Any]:
        support_id = await Pipeline.of(request).run(c.RecordSiteSupportOf(site_id, command), caller, expect=UUID)
        return {"site_id": str(site_id), "support_id": str(support_id)}

    @router.post("/sites/{site_id}/select", summary="Retain a site among the sites clés en main France 2030")
    async def post_select(request: Request, caller: Writer, site_id: UUID, command: c.SelectSite) -> dict[str, Any]:
        await Pipeline.of(request).run(c.SelectSiteOf(site_id, command), caller)
        return {"site_id": str(site_id), "selected_on": command.selected_on}

    @router.get("/sites", summary="The register of sites clés en main, with the count per region and its flag")
    async def get_sites(request: Request, caller: Reader, region: RegionQuery = None) -> dict[str, Any]:
        wanted = caller.region_filter(region.value if region else None)
        async with request.app.state.runtime.pool.acquire() as conn:
            rows = await store.sites(conn, wanted)
        per_region: dict[str, list[Any]] = {}
        for row in rows:
            per_region.setdefault(row["region"], []).append(row)
        return {
            "objectif_national": SITES_CLES_EN_MAIN_OBJECTIVE,
            "par_region_attendus": list(SITES_PER_REGION),
            "regions": [
                {
                    "region": code,
                    "libelle_region": Region(code).label,
                    "sites": len(found),
                    "retenus": sum(r["selected_on"] is not None for r in found),
                    "flag": sites_flag(len(found)),
                }
                for code, found in sorted(per_region.items())
            ],
            "sites": [_site(r) for r in rows],
        }

    @router.post("/ecoles-de-production", status_code=status.HTTP_201_CREATED, summary="An école de production")
    async def post_ecole(request: Request, caller: Writer, command: c.RecordEcoleDeProduction) -> dict[str, Any]:
        recorded = await Pipeline.of(request).run(command, caller, expect=uc.Recorded)
        return {"ecole_id": str(recorded.ecole_id), **recorded.place.__dict__}

    @router.get("/ecoles-de-production", summary="The register of écoles de production beside the published figures")
    async def get_ecoles(request: Request, caller: Reader, region: RegionQuery = None) -> dict[str, Any]:
        wanted = caller.region_filter(region.value if region else None)
        async with request.app.state.runtime.pool.acquire() as conn:
            rows = await store.ecoles(conn, wanted)
        return {
            "publie": {  # P:683, P:687: the press kit's figures, never mixed with the register's count
                "ouvertes": ECOLES_DE_PRODUCTION_OPEN,
                "ouvertes_en_2020": ECOLES_DE_PRODUCTION_IN_2020,
                "objectif_2027": ECOLES_DE_PRODUCTION_TARGET_2027,
                "via_programme": ECOLES_DE_PRODUCTION_VIA_PROGRAMME,
            },
            "registre": {"ecoles": len(rows), "via_programme": sum(r["via_programme"] for r in rows)},
            "ecoles": [{**dict(r), "id": str(r["id"])} for r in rows],
        }

    @router.post(
        "/territories/{territory_id}/rebond-industriel",
        status_code=status.HTTP_201_CREATED,
        summary="The territory is a laureate of the AMI Rebond industriel",
    )
    async def post_laureate(
        request: Request, caller: Writer, territory_id: AnyTerritoryId, command: c.RecordRebondLaureate
    ) -> dict[str, Any]:
        tid = await Pipeline.of(request).run(c.RecordRebondLaureateOf(territory_id, command), caller, expect=str)
        return {"territory_id": tid, "laureate_since": command.laureate_since}

    @router.post(
        "/regions/{region}/chefs-de-projet-regionaux",
        status_code=status.HTTP_201_CREATED,
        summary="Open a regional chef de projet post",
    )
    async def post_regional(
        request: Request, caller: Writer, region: RegionPath, command: c.AppointRegionalChefDeProjet
    ) -> dict[str, Any]:
        post_id = await Pipeline.of(request).run(c.AppointRegionalChefDeProjetOf(region, command), caller, expect=UUID)
        return {"post_id": str(post_id), "region": region.value}

    @router.post("/chefs-de-projet-regionaux/{post_id}/end", summary="Close a regional chef de projet post")
    async def post_end_regional(
        request: Request, caller: Writer, post_id: UUID, command: c.EndRegionalChefDeProjet
    ) -> dict[str, Any]:
        await Pipeline.of(request).run(c.EndRegionalChefDeProjetOf(post_id, command), caller)
        return {"post_id": str(post_id), "ended_on": command.ended_on}

    @router.get("/regions/{region}/reseau", summary="The network of chefs de projet of a region")
    async def get_network(request: Request, caller: Reader, region: RegionPath) -> dict[str, Any]:
        caller.require_region(region.value)
        async with request.app.state.runtime.pool.acquire() as conn:
            row = await store.network(conn, region.value)
        return {
            "region": region.value,
            "libelle_region": region.label,
            "postes_regionaux": row["regional"],
            "postes_des_territoires": row["territory_posts"],
            "territoires": row["territories"],
            "territoires_sans_chef_de_projet": row["without_post"],
        }

    return documented(router)
