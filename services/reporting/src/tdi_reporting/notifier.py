"""One change notifier per process, shared by every live stream (issue 22 #7, issue 27).

The read models change when a consumer batch commits. The reporting consumer of this process signals it right
after its commit (`ConsumerSpec.after_commit`); the consumers of other replicas (and a rebuild) send one
PostgreSQL NOTIFY per batch from their transaction (`ConsumerSpec.in_commit`), heard on one LISTEN connection
per process. On a signal the notifier reads the change cursor once (coalesced: at most one read in flight and
one pending) and, when it moved, wakes every waiting stream at once. Idle streams cost nothing: no stream polls.
The LISTEN connection is checked every `keepalive_s` (a `SELECT 1` on it, not on the shared pool) and, once
re-established after a loss, signals, so a change made meanwhile is not missed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

log = structlog.get_logger(__name__)


def channel_of(schema: str) -> str:
    """The NOTIFY channel of one reporting schema (several deployments may share a database)."""
    return f"tdi_reporting_{schema}"[:63]


NOTIFY_SQL = "SELECT pg_notify($1, '')"


class ChangeNotifier:
    def __init__(self, read_cursor: Callable[[], Awaitable[int]] | None) -> None:
        self.read_cursor = read_cursor
        self.cursor = 0
        """The latest change cursor (epoch ms of the group's last applied event), as streams send it."""
        self.version = 0
        """Grows by one at each change seen; a stream waits for it to move past the one it sent."""
        self.cursor_reads = 0
        self._event = asyncio.Event()
        self._dirty = False
        self._refreshing: asyncio.Task[None] | None = None

    def changed(self, cursor: int) -> None:
        """The cursor moved: every waiting stream wakes."""
        self.cursor = cursor
        self.version += 1
        woken, self._event = self._event, asyncio.Event()
        woken.set()

    def signal(self) -> None:
        """The read models may have changed: read the cursor once (coalesced) and wake streams if it moved."""
        self._dirty = True
        if self.read_cursor is not None and (self._refreshing is None or self._refreshing.done()):
            self._refreshing = asyncio.get_running_loop().create_task(self.refresh())

    async def refresh_now(self) -> None:
        """Read the cursor now (at start, before the first stream)."""
        self._dirty = True
        await self.refresh()

    async def refresh(self) -> None:
        assert self.read_cursor is not None
        while self._dirty:
            self._dirty = False
            try:
                cursor = await self.read_cursor()
            except Exception as error:  # the next signal or the listener's reconnection reads it again
                log.warning("feed_cursor_unread", error=repr(error))
                return
            self.cursor_reads += 1
            if cursor != self.cursor:
                self.changed(cursor)

    async def next_change(self, version: int, deadline: float | None) -> bool:
        """Wait until the version moves past `version` (True) or the loop time `deadline` passes (False)."""
        if self.version != version:
            return True
        event = self._event
        timeout = None if deadline is None else deadline - asyncio.get_running_loop().time()
        if timeout is not None and timeout <= 0:
            return False
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return self.version != version
        return True

    async def listen(self, dsn: str, channel: str, keepalive_s: float = 30.0, **connect: Any) -> None:
        """Hear other processes' NOTIFYs until cancelled; reconnect (and signal) after a loss."""
        backoff = 0.5
        while True:
            conn = None
            try:
                conn = await asyncpg.connect(dsn, **connect)
                await conn.add_listener(channel, lambda *_: self.signal())
                self.signal()  # what changed while nobody listened
                backoff = 0.5
                while True:
                    await asyncio.sleep(keepalive_s)
                    await conn.execute("SELECT 1")
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("feed_listener_lost", error=repr(error), retry_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.shield(conn.close(timeout=2))
