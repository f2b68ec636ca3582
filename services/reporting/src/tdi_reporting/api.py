"""HTTP routes of the read models (JSON) and their exports (CSV, XLSX, JSON). Every read needs a token (issue 14)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from tdi_contracts.reference import Axis, Departement, Region, categories_of
from tdi_contracts.reference.labels import vocabulary
from tdi_reporting import exports, views
from tdi_reporting.domain import Filters, Level, departement_label, region_of_departement
from tdi_reporting.use_cases import Reporting
from tdi_runtime.access import Access
from tdi_runtime.http_access import documented, reads

BrowserReader = Annotated[Access, Depends(reads(query_token=True))]
"""Read with a token; `?access_token=` too, since the dashboard's EventSource and download links send no header."""


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


class Separator(StrEnum):
    COMMA = ","
    SEMICOLON = ";"


def reporting(request: Request) -> Reporting:
    runtime = request.app.state.runtime
    return Reporting(runtime.pool, request.app.state.reporting.consumer_group)


columns_of = views.columns_of


REGION = Query(None, description="INSEE region code, e.g. 44 (Grand Est)")
DEPARTEMENT = Query(None, description="INSEE département code as text, e.g. 51, 2A, 971")
TERRITORY = Query(None, description="Territory id, platform (tdi-44-grand-reims) or official (ti-8413)")
LEVEL = Query(Level.NATIONAL, description="Level the rows are grouped at")


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["read models"])

    @router.get("/read-models")
    async def list_read_models(access: BrowserReader) -> list[dict[str, Any]]:
        """Every read model with its title and its stable columns."""
        return [{"name": n, "title": views.TITLES[n], "columns": list(columns_of(n))} for n in views.NAMES]

    @router.get("/read-models/{name}")
    async def read_model(
        request: Request,
        access: BrowserReader,
        name: str,
        level: Level = LEVEL,
        region: Region | None = REGION,
        departement: Departement | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
    ) -> dict[str, Any]:
        """The rows of one read model at one level, within the filters."""
        filters, rows = await reporting(request).rows(name, level, region, departement, territory, access)
        return {**_about(name, level, filters), "columns": list(columns_of(name)), "rows": rows}

    @router.get("/exports/{name}.{fmt}")
    async def export(
        request: Request,
        access: BrowserReader,
        name: str,
        fmt: ExportFormat,
        level: Level = LEVEL,
        region: Region | None = REGION,
        departement: Departement | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
        sep: Separator = Query(Separator.COMMA, description="CSV separator: , or ;"),
        bom: bool = Query(True, description="CSV starts with a UTF-8 byte-order mark (spreadsheets need it)"),
    ) -> Response:
        """A read model as a file: CSV (UTF-8, `,` or `;`), XLSX or JSON, with the page's filters."""
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
    async def reference(access: BrowserReader) -> dict[str, Any]:
        """Regions, départements (INSEE codes as text), axes and categories, with French names, and the one French
        word of each concept (`libelles`, from `tdi_contracts.reference.labels`), for a dashboard."""
        return {
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
        access: BrowserReader,
        region: Region | None = REGION,
        departement: Departement | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
    ) -> dict[str, Any]:
        """Everything the dashboard shows for these filters (the live feed sends the same document)."""
        return await reporting(request).figures(region, departement, territory, access)

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
