"""Reporting's background work (issue 26): a task run after each committed consumer batch (coalesced: one run at a
time, another after it if batches came meanwhile) and every interval; a failed run is logged and tried again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

log = structlog.get_logger(__name__)


class Recurring:
    def __init__(self, name: str, work: Callable[[], Awaitable[Any]], interval_s: float) -> None:
        self.name = name
        self.work = work
        self.interval_s = interval_s
        self._wake = asyncio.Event()

    def signal(self) -> None:
        """Run soon (after the run in progress, if any)."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval_s)
            self._wake.clear()
            try:
                await self.work()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the next run tries again; no figure depends on one run
                log.warning("background_run_failed", task=self.name, error=repr(error))
                await asyncio.sleep(min(self.interval_s, 30))
