"""The open-data routes, without a token: `/donnees-ouvertes/datapackage.json`, and for each dataset
`<dataset>.csv`, `<dataset>-point-virgule.csv`, `<dataset>.xlsx` and `<dataset>.schema.json`. Each answer carries
`ETag` and `Last-Modified` (304 on a matching conditional request); a caller is rate-limited by its address."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from tdi_contracts.errors import ErrorCode
from tdi_reporting.limits import RateLimiter
from tdi_reporting.opendata.catalogue import DATASETS, changed_since
from tdi_reporting.opendata.conditional import Bodies, Body, client_key, etag, http_date, not_modified
from tdi_reporting.opendata.files import MEDIA_TYPES, Form, file_name, render
from tdi_reporting.opendata.options import OpenDataOptions
from tdi_reporting.opendata.package import data_package
from tdi_reporting.opendata.schema import SCHEMA_DATE, Dataset, table_schema
from tdi_reporting.opendata.store import changed_at, read_cursor, read_sources
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import documented, public

PREFIX = "/donnees-ouvertes"
UNKNOWN = "Le fichier « {} » n'existe pas dans les données ouvertes ; fichiers disponibles : {}."
NOT_A_LIST = (
    "Le filtre updated_since ne s'applique qu'aux listes (territoires, territoires-epci, territoires-communes) : "
    "les chiffres sont recalculés à chaque changement ; utilisez If-None-Match ou If-Modified-Since."
)
OUT_OF_RANGE = "La date updated_since est hors des dates que la plateforme sait comparer (années 1 à 9999, en UTC)."
DATASET = Path(description="The dataset (see `datapackage.json`)", json_schema_extra={"enum": list(DATASETS)})
UPDATED_SINCE = Query(
    None,
    description="Lists only: the rows changed at or after this instant (ISO 8601; UTC when no offset is given)",
)


@dataclass
class OpenData:
    """What the routes share in one process: settings, the rate limiter, the bodies built."""

    options: OpenDataOptions
    limiter: RateLimiter
    bodies: Bodies

    @classmethod
    def of(cls, options: OpenDataOptions) -> OpenData:
        limiter = RateLimiter(options.rate_per_minute, options.rate_burst)
        return cls(options, limiter, Bodies(options.bodies_kept, options.bodies_ttl_s))


def _state(request: Request) -> OpenData:
    found: OpenData = request.app.state.open_data
    found.limiter.take("open-data", client_key(request.client.host if request.client else None))
    return found


def _dataset(slug: str) -> Dataset:
    found = DATASETS.get(slug)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, UNKNOWN.format(slug, ", ".join(DATASETS)))
    return found


def _since(dataset: Dataset, updated_since: datetime | None) -> datetime | None:
    if updated_since is None:
        return None
    if dataset.updated is None:
        raise DomainError(ErrorCode.INVALID_REQUEST, NOT_A_LIST)
    if updated_since.tzinfo is None:
        return updated_since.replace(tzinfo=UTC)
    try:
        return updated_since.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00: before any instant UTC can hold
        raise DomainError(ErrorCode.INVALID_REQUEST, OUT_OF_RANGE) from None


def _headers(opened: OpenData, tag: str, modified: datetime | None) -> dict[str, str]:
    headers = {
        "ETag": tag,
        "Cache-Control": f"public, max-age={opened.options.max_age_s}",
        "Access-Control-Allow-Origin": "*",  # public data, no credentials: any page may read it
        "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Content-Disposition",
    }
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    return headers


def _answer(request: Request, opened: OpenData, body: bytes, media_type: str, modified: datetime | None,
            extra: dict[str, str]) -> Response:  # fmt: skip
    headers = _headers(opened, etag(body), modified)
    if not_modified(request.headers, headers["ETag"], modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers | extra)


async def _file(request: Request, slug: str, form: Form, updated_since: datetime | None) -> Response:
    opened = _state(request)
    dataset = _dataset(slug)
    since = _since(dataset, updated_since)
    pool, group = request.app.state.runtime.pool, request.app.state.reporting.consumer_group
    cursor = await read_cursor(pool, group)
    body = opened.bodies.get((slug, form, since, cursor))
    if body is None:
        sources = await read_sources(pool, group, dataset)
        rows = dataset.build(sources)
        content = render(dataset, changed_since(dataset, rows, since) if since else rows, form)
        body = Body(content, etag(content), sources.cursor)
        opened.bodies.put((slug, form, since, sources.cursor), body)
    modified = changed_at(body.cursor)
    day = (modified or datetime.now(UTC)).date()
    extra = {
        "Content-Disposition": f'attachment; filename="{file_name(dataset, day, form)}"',
        "Link": f'<{slug}.schema.json>; rel="describedby"; type="application/json"',
    }
    return _answer(request, opened, body.content, MEDIA_TYPES[form], modified, extra)


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def build_open_data_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["données ouvertes"], dependencies=[Depends(public())])

    @router.get("", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/datapackage.json")

    @router.get("/datapackage.json")
    async def package(request: Request) -> Response:
        """Every file of the open data, in its three forms, with its Table Schema (a frictionless Data Package)."""
        opened = _state(request)
        cursor = await read_cursor(request.app.state.runtime.pool, request.app.state.reporting.consumer_group)
        options, modified = opened.options, changed_at(cursor)
        body = _json(data_package(DATASETS.values(), options.producer, modified, options.homepage))
        return _answer(request, opened, body, "application/json", modified, {})

    @router.get("/{dataset}.schema.json")
    async def schema(request: Request, dataset: Annotated[str, DATASET]) -> Response:
        """The dataset's Table Schema (frictionless), as on schema.data.gouv.fr."""
        opened = _state(request)
        options = opened.options
        body = _json(table_schema(_dataset(dataset), options.producer, options.homepage))
        modified = datetime.fromisoformat(SCHEMA_DATE).replace(tzinfo=UTC)
        return _answer(request, opened, body, "application/json", modified, {})

    @router.get("/{dataset}-point-virgule.csv")
    async def csv_semicolon(request: Request, dataset: Annotated[str, DATASET],
                            updated_since: datetime | None = UPDATED_SINCE) -> Response:  # fmt: skip
        """The dataset as CSV for a spreadsheet: `;` between columns, UTF-8 with a byte-order mark."""
        return await _file(request, dataset, Form.CSV_SEMICOLON, updated_since)

    @router.get("/{dataset}.csv")
    async def csv_comma(request: Request, dataset: Annotated[str, DATASET],
                        updated_since: datetime | None = UPDATED_SINCE) -> Response:  # fmt: skip
        """The dataset as CSV: `,` between columns, UTF-8 without byte-order mark, `.` in decimal numbers."""
        return await _file(request, dataset, Form.CSV, updated_since)

    @router.get("/{dataset}.xlsx")
    async def xlsx(request: Request, dataset: Annotated[str, DATASET],
                   updated_since: datetime | None = UPDATED_SINCE) -> Response:  # fmt: skip
        """The dataset as an XLSX workbook (codes as text)."""
        return await _file(request, dataset, Form.XLSX, updated_since)

    return documented(router)
