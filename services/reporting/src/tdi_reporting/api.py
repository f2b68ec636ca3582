"""HTTP routes of the read models (JSON) and their exports (CSV, XLSX, JSON). Every read needs a token (issue 14)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from tdi_contracts.reference import Axis, Departement, DepartementParam, Region, RegionParam, categories_of
from tdi_contracts.reference.labels import vocabulary
from tdi_reporting import exports, views
from tdi_reporting.asof import PARIS, AsOf, Situation
from tdi_reporting.capabilities import capabilities
from tdi_reporting.domain import Filters, Level, departement_label, region_of_departement
from tdi_reporting.ledger import Rules
from tdi_reporting.limits import RateLimits
from tdi_reporting.use_cases import Reporting
from tdi_runtime.http_access import documented, reads, tickets
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.tickets import PURPOSES, subject_digest

Reader = Annotated[Caller, Depends(reads())]
"""Read with the bearer header."""
TerritoryReader = Annotated[Caller, Depends(reads(scope="region+territory", territories=True))]
"""Read with the bearer header; a territory caller too (issue 24), its figures narrowed to its own territory."""
ExportReader = Annotated[Caller, Depends(reads(ticket="export"))]
"""The bearer header, or a ticket of purpose `export` (a browser's download link sends no header)."""
TerritoryExportReader = Annotated[Caller, Depends(reads(ticket="export", scope="region+territory", territories=True))]
"""`ExportReader`, and a territory caller too (issue 24): the read models' files, narrowed to its own territory."""


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


def _limit(request: Request, kind: str, access: Caller) -> None:
    """429 RATE_LIMITED with Retry-After past the caller's rate for this kind of call."""
    limiter(request).take(kind, subject_digest(access.subject))


def reporting(request: Request) -> Reporting:
    runtime, options = request.app.state.runtime, request.app.state.reporting
    return Reporting(runtime.pool, options.consumer_group, Rules(options.ledger_payment_due_days))


columns_of = views.columns_of


REGION = Query(None, description="INSEE region code or name, e.g. 44 or Grand Est")
DEPARTEMENT = Query(None, description="INSEE département code as text (51, 2A, 971) or name")
TERRITORY = Query(None, description="Territory id, platform (tdi-44-grand-reims) or official (ti-8413)")
LEVEL = Query(Level.NATIONAL, description="Level the rows are grouped at")
AS_OF = Query(
    None,
    description=(
        "Figures as the platform knew them then: a date (YYYY-MM-DD: the end of that day, Europe/Paris) or a date and"
        " time (YYYY-MM-DDTHH:MM[:SS], Paris time unless an offset is given); absent: now. The answer's `situation`"
        " gives the tick and the instant it describes."
    ),
    examples=["2024-03-15", "2024-03-15T18:30:00+01:00"],
    max_length=40,
)


def as_of_of(text: str | None) -> AsOf | None:
    return AsOf.parse(text) if text else None


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["read models"])

    @router.get("/read-models")
    async def list_read_models(access: TerritoryReader) -> list[dict[str, Any]]:
        """Every read model with its title and its stable columns."""
        return [{"name": n, "title": views.TITLES[n], "columns": list(columns_of(n))} for n in views.NAMES]

    @router.get("/read-models/{name}")
    async def read_model(
        request: Request,
        access: TerritoryReader,
        name: str,
        level: Level = LEVEL,
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
        as_of: str | None = AS_OF,
    ) -> dict[str, Any]:
        """The rows of one read model at one level, within the filters (now, or as of a date)."""
        _limit(request, "reads", access)
        asked = as_of_of(as_of)
        filters, rows, situation = await reporting(request).situated_rows(
            name, level, region, departement, territory, access, asked
        )
        about = _about(name, level, filters)
        return {**about, "situation": situation.as_json(), "columns": list(columns_of(name)), "rows": rows}

    @router.get("/exports/{name}.{fmt}")
    async def export(
        request: Request,
        access: TerritoryExportReader,
        name: str,
        fmt: ExportFormat,
        level: Level = LEVEL,
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
        sep: Separator = Query(Separator.COMMA, description="CSV separator: , or ;"),
        bom: bool = Query(True, description="CSV starts with a UTF-8 byte-order mark (spreadsheets need it)"),
        as_of: str | None = AS_OF,
    ) -> Response:
        """A read model as a file: CSV (UTF-8, `,` or `;`), XLSX or JSON, with the page's filters, now or as of a
        date (the JSON says its `situation`; every format has it in the `X-TDI-Situation-*` headers)."""
        _limit(request, "exports", access)
        asked = as_of_of(as_of)
        filters, rows, situation = await reporting(request).situated_rows(
            name, level, region, departement, territory, access, asked
        )
        columns = columns_of(name)
        if fmt is ExportFormat.CSV:
            body = exports.to_csv(rows, columns, sep=sep.value, bom=bom)
        elif fmt is ExportFormat.XLSX:
            body = exports.to_xlsx(rows, columns, title=name)
        else:
            body = exports.to_json(rows, columns, **_about(name, level, filters), situation=situation.as_json())
        day = [f"au-{asked.instant.astimezone(PARIS).date().isoformat()}"] if asked else []
        filename = "-".join(["tdi", name, level.value, *[v for v in _filter_values(filters) if v], *day]) + f".{fmt}"
        return Response(
            body, media_type=exports.MEDIA_TYPES[fmt.value], headers=_situation_headers(situation, filename)
        )

    @router.get("/reference")
    async def reference(request: Request, access: TerritoryReader) -> dict[str, Any]:
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
        access: TerritoryReader,
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
        as_of: str | None = AS_OF,
    ) -> dict[str, Any]:
        """Everything the dashboard shows for these filters (the live feed sends the same document), now or as of a
        date (`situation`: the tick and instant described)."""
        _limit(request, "reads", access)
        return await reporting(request).figures(region, departement, territory, access, as_of_of(as_of))

    @router.post("/tickets")
    async def ticket(
        request: Request,
        response: Response,
        access: TerritoryReader,
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


def _situation_headers(situation: Situation, filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-TDI-Situation-Tick": str(situation.tick),
        "X-TDI-Situation-Instant": situation.at.isoformat() if situation.at else "",
    }


def _filter_values(filters: Filters) -> list[str | None]:
    return [filters.region, filters.departement, filters.territory]


def _about(name: str, level: Level, filters: Filters) -> dict[str, Any]:
    region, departement, territory = _filter_values(filters)
    return {
        "read_model": name,
        "level": level.value,
        "filters": {"region": region, "departement": departement, "territory": territory},
    }
