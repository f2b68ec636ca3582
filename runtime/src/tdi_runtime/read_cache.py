"""HTTP reads served from a cached, versioned body (issue 27): bytes serialised once per version, a strong `ETag`,
`304 Not Modified` on a matching `If-None-Match`.

    lists = VersionedBodies("territories")          # one per read, built in the router's factory
    return await lists.answer(request, pool, key, build)

- **Version**: the `read_versions` row of the name (kit migration 0009), bumped by a trigger the service declares
  on every table the body reads, in the transaction of the change; one primary-key read per request, shared by the
  requests that arrived before it started (`VersionReads`: one read in flight, the next one gathers whoever comes
  meanwhile). Every replica reads the same row, so a change committed by any replica (or by plain SQL) before a
  request arrived is seen by that request.
- **Never older than a commit**: the version is read before the body is built, so a body is at least as new as
  the version it is kept under; a change committed after moves the version and the next request builds again.
- **Rights**: the body is `build(conn, key)`, a function of the key and the database only; the key holds every
  input that shapes the answer, the caller's narrowing (e.g. a regional caller's region) included, so a caller
  never gets a body built for another key. The `ETag` is the body's digest: two keys with one body share it.
- **Bounded**: the last `max_entries` keys are kept (least recently used out): a search's free text cannot grow it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson
from fastapi import Request
from fastapi.responses import Response

from tdi_runtime.db import Connection

_VERSION = "SELECT version FROM read_versions WHERE name = $1"
CACHE_CONTROL = "private, no-cache"
"""Any cache may keep the body for this caller only (it needs a token) and must ask again (`If-None-Match`)."""


@dataclass(frozen=True)
class _Body:
    version: int
    content: bytes
    etag: str


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: a weak comparison of each listed tag, or `*`."""
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or etag in (t.removeprefix("W/") for t in tags)


class VersionReads:
    """The version of one name, read once for every request that arrived before the read started: one read in
    flight at a time; requests arriving meanwhile wait for the next, which starts when it ends. A request never
    takes a read that started before it arrived (its snapshot could miss a change committed just before)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._next: asyncio.Future[int] | None = None
        self._reading: asyncio.Task[None] | None = None

    async def read(self, pool: asyncpg.Pool) -> int:
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            self._next.add_done_callback(_retrieved)
            if self._reading is None:
                self._reading = asyncio.create_task(self._rounds(pool))
        return await asyncio.shield(self._next)  # a request that gives up does not cancel the others' read

    async def _rounds(self, pool: asyncpg.Pool) -> None:
        try:
            while self._next is not None:
                round_, self._next = self._next, None
                try:
                    round_.set_result(int(await pool.fetchval(_VERSION, self.name) or 0))
                except Exception as error:  # the database away: every waiting request answers it (503)
                    round_.set_exception(error)
        finally:
            self._reading = None


def _retrieved(future: asyncio.Future[int]) -> None:
    """A read whose requests all gave up: its error is not worth an "exception never retrieved" warning."""
    if not future.cancelled():
        future.exception()


class VersionedBodies:
    def __init__(self, name: str, *, max_entries: int = 256) -> None:
        self.name = name
        self.max_entries = max_entries
        self.versions = VersionReads(name)
        self._bodies: OrderedDict[Hashable, _Body] = OrderedDict()

    async def body(
        self, pool: asyncpg.Pool, key: Hashable, build: Callable[[Connection, Any], Awaitable[Any]]
    ) -> tuple[bytes, str]:
        """The body for `key` (serialised JSON) and its strong ETag, built again only when the version moved."""
        version = await self.versions.read(pool)
        kept = self._bodies.get(key)
        if kept is None or kept.version != version:
            async with pool.acquire() as conn:
                content = orjson.dumps(await build(conn, key))
            kept = _Body(version, content, f'"{hashlib.sha256(content).hexdigest()[:32]}"')
            self._bodies[key] = kept
            while len(self._bodies) > self.max_entries:
                self._bodies.popitem(last=False)
        self._bodies.move_to_end(key)
        return kept.content, kept.etag

    async def answer(
        self, request: Request, pool: asyncpg.Pool, key: Hashable, build: Callable[[Connection, Any], Awaitable[Any]]
    ) -> Response:
        """200 with the body, or 304 when the request's `If-None-Match` names its ETag."""
        content, etag = await self.body(pool, key, build)
        headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return Response(content, media_type="application/json", headers=headers)
