"""HTTP routes of issue 26 beyond the as-of parameter of every figure route: monthly series (and, beside them, the
lineage of a figure, the money ledger and the alerts). Every route needs a token and applies `visibility.py`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from tdi_reporting.api import LEVEL, Reader, _limit
from tdi_reporting.domain import Level
from tdi_reporting.series import series
from tdi_runtime.http_access import documented

ZONE = Query(
    None,
    description="The zone at that level: INSEE region code, INSEE département code, or territory id (none: France)",
    examples=["44"],
    max_length=80,
)


def build_insight_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["history"])

    @router.get("/series/{read_model}")
    async def monthly_series(
        request: Request,
        access: Reader,
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

    return documented(router)
