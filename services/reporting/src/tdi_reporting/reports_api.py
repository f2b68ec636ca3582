"""`GET /api/reports/{zone}.pdf|xlsx?as_of=`: the steering committee's report of a zone, as the caller may see it
(the bearer header, or an export ticket: the dashboard's button is a download)."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from tdi_reporting.api import ExportReader, _limit, reporting
from tdi_reporting.report.making import make_report
from tdi_reporting.report.pdf import render_pdf
from tdi_reporting.report.workbook import render_xlsx
from tdi_reporting.report.zone import parse_zone
from tdi_runtime.http_access import documented

MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class ReportFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"


def build_reports_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["report"])

    @router.get("/reports/{zone}.{fmt}")
    async def report(
        request: Request,
        access: ExportReader,
        zone: str,
        fmt: ReportFormat,
        as_of: Annotated[
            str | None,
            Query(
                description="Situation date (AAAA-MM-JJ) or instant; empty: now. Until figures as of a date exist, "
                "the live figures, with the instant they were read"
            ),
        ] = None,
    ) -> Response:
        """The steering committee's report of `national`, `region:<code>`, `departement:<code>` or
        `territory:<id>`: a PDF (French, tagged, every chart with its table) or its XLSX companion."""
        _limit(request, "exports", access)
        document = await make_report(reporting(request), parse_zone(zone), as_of, access)
        if fmt is ReportFormat.PDF:
            body = await asyncio.to_thread(render_pdf, document)  # the Typst compiler: off the event loop
        else:
            body = await asyncio.to_thread(render_xlsx, document)
        name = f"rapport-comite-de-pilotage-{parse_zone(zone).slug}-{document.as_of[:10]}.{fmt.value}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        return Response(body, media_type=MEDIA[fmt.value], headers=headers)

    return documented(router)
