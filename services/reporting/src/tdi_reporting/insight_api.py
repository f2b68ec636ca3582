"""HTTP routes of issue 26 beyond the as-of parameter of every figure route: monthly series (and, beside them, the
lineage of a figure, the money ledger and the alerts). Every route needs a token and applies `visibility.py`."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request, Response

from tdi_contracts.errors import ErrorCode
from tdi_contracts.reference import DepartementParam, RegionParam
from tdi_reporting import exports
from tdi_reporting.alerts import KINDS, list_alerts
from tdi_reporting.api import (
    AS_OF,
    DEPARTEMENT,
    LEVEL,
    REGION,
    TERRITORY,
    ExportFormat,
    ExportReader,
    Reader,
    TerritoryReader,
    _limit,
    as_of_of,
    reporting,
)
from tdi_reporting.domain import Level
from tdi_reporting.lineage import (
    EVENT_COLUMNS,
    MAX_EXPORT,
    MAX_LIMIT,
    FigureQuery,
    lineage,
    query_of_reference,
)
from tdi_reporting.readmodels import READ_MODELS
from tdi_reporting.series import series
from tdi_runtime.errors import DomainError
from tdi_runtime.http_access import documented

ZONE = Query(
    None,
    description="The zone at that level: INSEE region code, INSEE département code, or territory id (none: France)",
    examples=["44"],
    max_length=80,
)


def _dimension(example: str) -> Any:
    """One query parameter per dimension (a `Query` object is never shared between parameters of one route)."""
    return Query(None, description="A dimension of the read model (one of its rows)", examples=[example], max_length=80)


def build_insight_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["history"])

    @router.get("/series/{read_model}")
    async def monthly_series(
        request: Request,
        access: TerritoryReader,
        read_model: str,
        measure: str = Query(description="A figure of the read model", examples=["engage_centimes"], max_length=80),
        level: Level = LEVEL,
        zone: str | None = ZONE,
        first: str | None = Query(None, alias="from", description="First month, YYYY-MM", examples=["2024-01"]),
        last: str | None = Query(None, alias="to", description="Last month, YYYY-MM (default: this one)"),
    ) -> dict[str, Any]:
        """One figure of a zone at the end of each month (Europe/Paris), as the platform knew it then: `points` (the
        chart's table) with the tick and instant of each, from the day-end snapshots or the history."""
        _limit(request, "reads", access)
        pool = request.app.state.runtime.pool
        return await series(pool, read_model, level, zone, measure, first, last, access)

    @router.get("/ledger")
    async def money_ledger(
        request: Request,
        access: TerritoryReader,
        year: int | None = Query(None, ge=2018, le=2100, description="Only this year's lines and gaps"),
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
        as_of: str | None = AS_OF,
    ) -> dict[str, Any]:
        """The money ledger: per programme, envelope, territory and year, committed (AE), paid by the State (CP) and
        paid out by the operator; every gap with its cause (`versement-attendu`, `versement-non-engage`,
        `montant-different`), explained or not. Exports: `/api/exports/grand_livre.*` and `/api/exports/ecarts.*`."""
        _limit(request, "reads", access)
        return await reporting(request).ledger(year, region, departement, territory, access, as_of_of(as_of))

    @router.get("/alerts")
    async def alerts(
        request: Request,
        access: TerritoryReader,
        actives: bool = Query(True, description="Only the alerts not cleared (false: the last 1,000 of every state)"),
        kind: str | None = Query(None, alias="type", description="One kind of alert", examples=["enveloppe-engagee"]),
    ) -> dict[str, Any]:
        """The alerts (an envelope above its commitment threshold, an action plan without progress, a partner's
        rejection rate, a territory without chef de projet), each with its French label and sentence, when raised
        and cleared, and its figures; the thresholds are the service's settings. A regional caller sees its region's;
        a territory caller its own territory's (issue 24)."""
        _limit(request, "reads", access)
        found = await list_alerts(request.app.state.runtime.pool, access, active=actives, kind=kind)
        return {"alertes": found, "types": KINDS}

    @router.get("/lineage")
    async def figure_lineage(
        request: Request,
        access: Reader,
        read_model: str = Query(description="Read model (or enveloppes)", examples=["financements"], max_length=40),
        measure: str = Query(description="The figure's measure", examples=["engage_centimes"], max_length=80),
        level: Level = LEVEL,
        zone: str | None = Query(None, description="Zone at that level (an envelope's code for enveloppes)"),
        programme: str | None = _dimension("fonds-vert-ti"),
        axe: str | None = _dimension("innovation"),
        categorie: str | None = _dimension("numerique"),
        statut: str | None = _dimension("in-progress"),
        taille_entreprise: str | None = _dimension("pme"),
        as_of: str | None = AS_OF,
        after: int = Query(0, ge=0, description="The last `seq` seen (the previous page's `suivant`)"),
        limit: int = Query(1000, ge=1, le=MAX_LIMIT, description="Events per page"),
    ) -> dict[str, Any]:
        """« D'où vient ce chiffre ? » The figure, its stable reference (`L-…`) and one page of the events that make it
        (type, producer, source, time, id, SHA-256 of the payload as received, tick), oldest first."""
        _limit(request, "reads", access)
        dims = {"programme": programme, "axe": axe, "categorie": categorie, "statut": statut,
                "taille_entreprise": taille_entreprise}  # fmt: skip
        query = FigureQuery.of(read_model, level, zone, measure, _dimensions(read_model, dims))
        pool = request.app.state.runtime.pool
        return await lineage(pool, query, access, as_of=as_of_of(as_of), after=after, limit=limit)

    @router.get("/lineage/{reference}.{fmt}")
    async def export_lineage(request: Request, access: ExportReader, reference: str, fmt: ExportFormat) -> Response:
        """Every event of a lineage as a file (CSV or JSON; at most 200,000 events: page the JSON route beyond)."""
        _limit(request, "exports", access)
        pool = request.app.state.runtime.pool
        query, tick = await query_of_reference(pool, reference)
        found = await lineage(pool, query, access, tick=tick, limit=MAX_EXPORT)
        if fmt is ExportFormat.JSON:
            body = json.dumps(found, ensure_ascii=False).encode()
        elif fmt is ExportFormat.CSV:
            body = exports.to_csv(found["evenements"], EVENT_COLUMNS)
        else:
            body = exports.to_xlsx(found["evenements"], EVENT_COLUMNS, title=reference)
        headers = {"Content-Disposition": f'attachment; filename="tdi-lignage-{reference}.{fmt}"'}
        return Response(body, media_type=exports.MEDIA_TYPES[fmt.value], headers=headers)

    @router.get("/lineage/{reference}")
    async def lineage_of_reference(
        request: Request,
        access: Reader,
        reference: str,
        after: int = Query(0, ge=0),
        limit: int = Query(1000, ge=1, le=MAX_LIMIT),
    ) -> dict[str, Any]:
        """The lineage a reference stands for (the same figure at the same tick), paged."""
        _limit(request, "reads", access)
        pool = request.app.state.runtime.pool
        query, tick = await query_of_reference(pool, reference)
        return await lineage(pool, query, access, tick=tick, after=after, limit=limit)

    return documented(router)


def _dimensions(read_model: str, asked: dict[str, str | None]) -> dict[str, str]:
    dims = {d: v for d, v in asked.items() if v is not None}
    model = READ_MODELS.get(read_model)
    allowed = set(model.dims) if model else set()
    for dim in dims:
        if dim not in allowed:
            message = f"« {dim} » n'est pas une dimension de « {read_model[:40]} »."
            raise DomainError(ErrorCode.INVALID_REQUEST, message, field=dim)
    return dims
