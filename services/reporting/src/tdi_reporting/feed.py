"""The live feed: Server-Sent Events carrying the dashboard's figures each time the read models change.

`GET /api/feed?region=&departement=&territory=` streams `event: figures` messages whose `data` is the JSON of
`GET /api/figures` for the same filters and whose `id` is the change cursor: the instant (epoch ms) the
reporting consumer last applied events, the same on every replica. A client reconnecting with
`Last-Event-ID: <cursor>` gets the current figures at once if anything changed since that cursor, otherwise
it waits for the next change (figures are state, not deltas: catching up means receiving the latest).

Streams wait on the process's one `ChangeNotifier` (no stream polls the database) and share one computation per
change and view (`FiguresCache`). A stream holds a place (`limits.StreamSlots`: per caller and in all) and ends
with `event: fin` when its token expires (JWT `exp`) or, for a static token, once it is revoked (checked at each
change). A browser opens it with a ticket (`POST /api/tickets`, purpose `feed`), never with its token in the address.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from sse_starlette import EventSourceResponse
from starlette.background import BackgroundTask

from tdi_contracts.reference import DepartementParam, RegionParam
from tdi_reporting.api import DEPARTEMENT, REGION, TERRITORY, limiter, reporting
from tdi_reporting.limits import RateLimits, StreamSlots
from tdi_reporting.notifier import ChangeNotifier
from tdi_reporting.visibility import visibility_key
from tdi_runtime.http_access import documented, reads
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.tickets import Credential, subject_digest

FeedReader = Annotated[Caller, Depends(reads(ticket="feed", scope="region+territory", territories=True))]
"""A territory caller too (issue 24): its figures narrowed to its own territory, as `/api/figures`."""
"""The bearer header, or a ticket of purpose `feed` (a browser's EventSource sends no header)."""
EXPIRED = "Jeton expiré : le flux en direct s'arrête ; rouvrez le tableau de bord avec un nouveau jeton."
REVOKED = "Jeton révoqué : le flux en direct s'arrête."


class FiguresCache:
    """The figures per change cursor and view, as sent; streams of one view share one computation per change
    (concurrent askers await the same task). A few entries only."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[int, tuple[Any, ...]], asyncio.Task[str]] = OrderedDict()

    async def get_or_compute(self, cursor: int, key: tuple[Any, ...], compute: Callable[[], Awaitable[str]]) -> str:
        task = self.entries.get((cursor, key))
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = asyncio.ensure_future(compute())
            self.entries[(cursor, key)] = task
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return await asyncio.shield(task)  # one stream going away never cancels the others' computation


@dataclass
class Feed:
    """What every stream of a process shares."""

    notifier: ChangeNotifier
    slots: StreamSlots
    cache: FiguresCache
    limiter: RateLimits


def _cursor(last_event_id: str | None) -> int:
    try:
        return int(last_event_id) if last_event_id else -1
    except ValueError:
        return -1  # an unreadable cursor is a fresh start: the client gets the current figures


def _deadline(credential: Credential) -> float | None:
    """The token's expiry on the event loop's clock."""
    if credential.expires_at is None:
        return None
    return asyncio.get_running_loop().time() + (credential.expires_at - time.time())


def _fin(credential: Credential) -> dict[str, Any]:
    expired = credential.expires_at is not None and time.time() >= credential.expires_at
    code, message = ("TOKEN_EXPIRED", EXPIRED) if expired else ("UNAUTHENTICATED", REVOKED)
    return {"event": "fin", "data": json.dumps({"code": code, "message": message}, ensure_ascii=False)}


def build_feed_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["live feed"])

    @router.get("/feed")
    async def feed(
        request: Request,
        access: FeedReader,
        region: RegionParam | None = REGION,
        departement: DepartementParam | None = DEPARTEMENT,
        territory: str | None = TERRITORY,
        last_event_id: str | None = Header(None, alias="Last-Event-ID"),
    ) -> EventSourceResponse:
        """Figures for these filters, pushed on every change (SSE; reconnect with Last-Event-ID)."""
        shared: Feed = request.app.state.feed
        caller = subject_digest(access.subject)
        limiter(request).take("feed", caller)
        reads_ = reporting(request)
        credential: Credential = request.state.credential
        settings = request.app.state.runtime.settings
        key = (region, departement, territory, *visibility_key(access))

        async def compute() -> str:
            return json.dumps(await reads_.figures(region, departement, territory, access), ensure_ascii=False)

        slot = shared.slots.take(caller)
        try:  # the first figures before the stream: an unknown territory or another region is an HTTP error
            notifier = shared.notifier
            version, cursor = notifier.version, notifier.cursor
            data = await shared.cache.get_or_compute(cursor, key, compute)
        except BaseException:
            slot.release()
            raise
        deadline = _deadline(credential)

        async def messages() -> AsyncIterator[dict[str, Any]]:
            nonlocal version, cursor, data
            seen = _cursor(last_event_id)
            try:
                while True:
                    if cursor != seen:
                        yield {"event": "figures", "id": str(cursor), "data": data}
                        seen = cursor
                    moved = await notifier.next_change(version, deadline)
                    if not moved or not credential.still_valid(settings):
                        yield _fin(credential)
                        return
                    version, cursor = notifier.version, notifier.cursor
                    if cursor != seen:
                        data = await shared.cache.get_or_compute(cursor, key, compute)
            finally:
                slot.release()

        return EventSourceResponse(
            messages(), ping=15, headers={"Cache-Control": "no-cache"}, background=BackgroundTask(slot.release)
        )

    return documented(router)
