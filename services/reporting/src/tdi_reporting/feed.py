"""The live feed: Server-Sent Events carrying the dashboard's figures each time the read models change.

`GET /api/feed?region=&departement=&territory=` streams `event: figures` messages whose `data` is the JSON of
`GET /api/figures` for the same filters and whose `id` is the change cursor: the instant (epoch ms) the
reporting consumer last applied events, the same on every replica. A client reconnecting with
`Last-Event-ID: <cursor>` gets the current figures at once if anything changed since that cursor, otherwise
it waits for the next change (figures are state, not deltas: catching up means receiving the latest).
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Header, Request
from sse_starlette import EventSourceResponse

from tdi_contracts.reference import DepartementParam, RegionParam
from tdi_reporting.api import DEPARTEMENT, REGION, TERRITORY, BrowserReader, reporting
from tdi_runtime.http_access import documented


class FiguresCache:
    """The latest figures per filters, as sent, keyed by the change cursor they describe (a few entries)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[int, tuple[Any, ...]], str] = OrderedDict()

    def get(self, cursor: int, key: tuple[Any, ...]) -> str | None:
        return self.entries.get((cursor, key))

    def put(self, cursor: int, key: tuple[Any, ...], data: str) -> None:
        self.entries[(cursor, key)] = data
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


def _cursor(last_event_id: str | None) -> int:
    try:
        return int(last_event_id) if last_event_id else -1
    except ValueError:
        return -1  # an unreadable cursor is a fresh start: the client gets the current figures


def build_feed_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["live feed"])

    @router.get("/feed")
    async def feed(
        request: Request,
        access: BrowserReader,
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
        last_event_id: str | None = Header(None, alias="Last-Event-ID"),
    ) -> EventSourceResponse:
        """Figures for these filters, pushed on every change (SSE; reconnect with Last-Event-ID)."""
        reads = reporting(request)
        await reads.figures(region, departement, territory, access)  # unknown territory, other region: no stream
        interval = request.app.state.reporting.feed_poll_interval_s

        cache: FiguresCache = request.app.state.figures_cache

        async def messages() -> AsyncIterator[dict[str, Any]]:
            seen = _cursor(last_event_id)
            key = (region, departement, territory, access.region)
            while True:
                cursor = await reads.cursor()
                if cursor != seen:
                    data = cache.get(cursor, key)
                    if data is None:  # clients with the same filters share one computation per change
                        figures = await reads.figures(region, departement, territory, access)
                        data = json.dumps(figures, ensure_ascii=False)
                        cache.put(cursor, key, data)
                    seen = cursor
                    yield {"event": "figures", "id": str(cursor), "data": data}
                await asyncio.sleep(interval)

        return EventSourceResponse(messages(), ping=15, headers={"Cache-Control": "no-cache"})

    return documented(router)
