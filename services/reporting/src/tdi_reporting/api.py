"""HTTP routes of the read models (JSON) and their exports (CSV, XLSX, JSON). Every read needs a token (issue 14)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from tdi_contracts.reference import Axis, Departement, DepartementParam, Region, RegionParam, categories_of
from tdi_contracts.reference.labels import vocabulary
from tdi_reporting import exports, views
from tdi_reporting.capabilities import capabilities
from tdi_reporting.domain import Filters, Level, departement_label, region_of_departement
from tdi_reporting.limits import RateLimits
from tdi_reporting.use_cases import Reporting
from tdi_runtime.access import Access
from tdi_runtime.http_access import documented, reads, tickets
from tdi_runtime.tickets import PURPOSES, subject_digest

Reader = Annotated[Access, Depends(reads())]
"""Read with the bearer header."""
ExportReader = Annotated[Access, Depends(reads(ticket="export"))]
"""The bearer header, or a ticket of purpose `export` (a browser's download link sends no header)."""


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


TicketPurpose = StrEnum("TicketPurpose", {p.upper(): p for p in PURPOSES})  # type: ignore[misc]


class Separator(StrEnum):
    COMMA = ","
    SEMICOLON = ";"


def limiter(request: Request) -> RateLimits:
    return request.app.state.feed.limiter  # type: ignore[no-any-return]


def _limit(request: Request, kind: str, access: Access) -> None:
    """429 RATE_LIMITED with Retry-After past the caller's rate for this kind of call."""
    limiter(request).take(kind, subject_digest(access.subject))


def reporting(request: Request) -> Reporting:
    runtime = request.app.state.runtime
    return Reporting(runtime.pool, request.app.state.reporting.consumer_group)


columns_of = views.columns_of


REGION = Query(None, description="INSEE region code or name, e.g. 44 or Grand Est")
DEPARTEMENT = Query(None, description="INSEE département code as text (51, 2A, 971) or name")
TERRITORY = Query(None, description="Territory id, platform (tdi-44-grand-reims) or official (ti-8413)")
LEVEL = Query(Level.NATIONAL, description="Level the rows are grouped at")


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["read models"])

    @router.get("/read-models")
    async def list_read_models(access: Reader) -> list[dict[str, Any]]:
        """Every read model with its title and its stable columns."""
        return [{"name": n, "title": views.TITLES[n], "columns": list(columns_of(n))} for n in views.NAMES]

    @router.get("/read-models/{name}")
    async def read_model(
        request: Request,
        access: Reader,
        name: str,
        level: Level = LEVEL,
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
    ) -> dict[str, Any]:
        """The rows of one read model at one level, within the filters."""
        _limit(request, "reads", access)
        filters, rows = await reporting(request).rows(name, level, region, departement, territory, access)
        return {**_about(name, level, filters), "columns": list(columns_of(name)), "rows": rows}

    @router.get("/exports/{name}.{fmt}")
    async def export(
        request: Request,
        access: ExportReader,
        name: str,
        fmt: ExportFormat,
        level: Level = LEVEL,
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
        sep: Separator = Query(Separator.COMMA, description="CSV separator: , or ;"),
        bom: bool = Query(True, description="CSV starts with a UTF-8 byte-order mark (spreadsheets need it)"),
    ) -> Response:
        """A read model as a file: CSV (UTF-8, `,` or `;`), XLSX or JSON, with the page's filters."""
        _limit(request, "exports", access)
        filters, rows = await reporting(request).rows(name, level, region, departement, territory, access)
        columns = columns_of(name)
        if fmt is ExportFormat.CSV:
            body = exports.to_csv(rows, columns, sep=sep.value, bom=bom)
        elif fmt is ExportFormat.XLSX:
            body = exports.to_xlsx(rows, columns, title=name)
        else:
            body = exports.to_json(rows, columns, **_about(name, level, filters))
        filename = "-".join(["tdi", name, level.value, *[v for v in _filter_values(filters) if v]]) + f".{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(body, media_type=exports.MEDIA_TYPES[fmt.value], headers=headers)

    @router.get("/reference")
    async def reference(request: Request, access: Reader) -> dict[str, Any]:
        """Regions, départements (INSEE codes as text), axes and categories, with French names, the one French
        word of each concept (`libelles`, from `tdi_contracts.reference.labels`), and which optional routes this
        service has (`capacites`: figures as of a date, series, lineage, alerts, report), for a dashboard."""
        return {
            "capacites": capabilities(request.app),
            "libelles": vocabulary(),
            "regions": [{"code": r.value, "libelle": r.label} for r in Region],
            "axes": [
                {
                    "code": x.value,
                    "libelle": x.label,
                    "categories": [{"code": c.value, "libelle": c.label} for c in categories_of(x)],
                }
                for x in Axis
            ],
            "departements": [
                {"code": d.value, "libelle": departement_label(d.value), "region": region_of_departement(d.value)}
                for d in Departement
            ],
        }

    @router.get("/figures")
    async def figures(
        request: Request,
        access: Reader,
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
    ) -> dict[str, Any]:
        """Everything the dashboard shows for these filters (the live feed sends the same document)."""
        _limit(request, "reads", access)
        return await reporting(request).figures(region, departement, territory, access)

    @router.post("/tickets")
    async def ticket(
        request: Request,
        response: Response,
        access: Reader,
        purpose: Annotated[TicketPurpose, Query(description="feed (the live feed) or export (a file)")],
    ) -> dict[str, Any]:
        """A short-lived ticket for what a browser opens without headers (`?ticket=` on the feed or an export): the
        bearer token never goes into an address. Valid `ticket_ttl_s` seconds, for that purpose only."""
        _limit(request, "tickets", access)
        response.headers["Cache-Control"] = "no-store"
        issuer = tickets(request)
        issued = issuer.issue(access, purpose.value, request.state.credential)
        return {"ticket": issued, "purpose": purpose.value, "expires_in_s": issuer.ttl_s}

    return documented(router)


def _filter_values(filters: Filters) -> list[str | None]:
    return [filters.region, filters.departement, filters.territory]


def _about(name: str, level: Level, filters: Filters) -> dict[str, Any]:
    region, departement, territory = _filter_values(filters)
    return {
        "read_model": name,
        "level": level.value,
        "filters": {"region": region, "departement": departement, "territory": territory},
    }
