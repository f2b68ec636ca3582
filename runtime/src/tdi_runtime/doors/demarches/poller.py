"""The poller: per démarche, read the dossiers changed since the watermark less the overlap, page after page, and
apply each new snapshot in its own transaction (commands + applied snapshot + cursor commit together).

One round of one démarche at a time: in a process (an asyncio lock) and across replicas (a session advisory lock
per démarche; a replica that does not get it skips the round). So snapshots are applied in read order.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, Literal, TypeVar

import asyncpg
import structlog

from tdi_contracts.errors import REASONS, ErrorCode
from tdi_runtime.db import Connection
from tdi_runtime.doors.demarches import store
from tdi_runtime.doors.demarches.client import (
    DemarchesAccessRefusedError,
    DemarchesClient,
    DemarchesUnavailableError,
)
from tdi_runtime.doors.demarches.cursor import is_newer, query_since, settled
from tdi_runtime.doors.demarches.mapping import DemarcheMapping, read_fields
from tdi_runtime.doors.demarches.metrics import DemarchesMetrics
from tdi_runtime.doors.demarches.model import Dossier
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.doors.demarches.translator import Dispatch, DossierSnapshot, Translator
from tdi_runtime.errors import DomainError, is_transient

log = structlog.get_logger(__name__)

C = TypeVar("C")
K = TypeVar("K")
Outcome = Literal["applied", "unchanged", "refused"]


@dataclass(frozen=True)
class DemarcheBinding(Generic[C]):
    """A démarche the service reads: its settings file and its kind's translator."""

    mapping: DemarcheMapping
    translator: Translator[C]


@dataclass
class RoundReport:
    """What one poll round of one démarche did."""

    demarche: int
    outcomes: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    since: datetime | None = None
    skipped: bool = False  # another replica held the démarche's lock


def _lock_key(demarche: int) -> int:
    return int.from_bytes(hashlib.sha256(f"ds-door:{demarche}".encode()).digest()[:8], "big", signed=True)


class DemarchesDoor(Generic[C, K]):
    """`await door.poll(demarche)` runs one round; `door.start()` polls every démarche until `await door.stop()`."""

    def __init__(
        self,
        *,
        settings: DemarchesSettings,
        pool: asyncpg.Pool,
        bindings: Mapping[int, DemarcheBinding[C]],
        dispatch: Dispatch[C, K],
        caller: K,
        metrics: DemarchesMetrics,
        client: Callable[[], DemarchesClient] | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.bindings = dict(bindings)
        self.dispatch = dispatch
        self.caller = caller
        self.metrics = metrics
        self.client = client or (lambda: DemarchesClient(settings, metrics))
        self._locks = {d: asyncio.Lock() for d in self.bindings}
        self._wake = {d: asyncio.Event() for d in self.bindings}
        self._triggered_at = dict.fromkeys(self.bindings, float("-inf"))
        self.failures: dict[int, tuple[int, BaseException]] = {}
        self._newest: dict[int, float] = {}
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    # -- one round -------------------------------------------------------------------------------------------

    async def poll(self, demarche: int) -> RoundReport:
        binding = self.bindings[demarche]
        report = RoundReport(demarche)
        async with self._locks[demarche], self.pool.acquire() as lock_conn:
            if not await lock_conn.fetchval("SELECT pg_try_advisory_lock($1)", _lock_key(demarche)):
                report.skipped = True
                return report
            try:
                await self._round(binding, report)
            finally:
                await lock_conn.execute("SELECT pg_advisory_unlock($1)", _lock_key(demarche))
        return report

    async def _round(self, binding: DemarcheBinding[C], report: RoundReport) -> None:
        demarche, started = report.demarche, datetime.now(UTC)
        async with self.client() as ds:
            async with self.pool.acquire() as conn:
                redrives = await store.redrives_requested(conn, demarche)
            for number in redrives:
                dossier = await ds.dossier(number)
                if dossier is None:
                    log.warning("ds_redrive_dossier_not_found", demarche=demarche, number=number)
                    async with self.pool.acquire() as conn:
                        await store.clear_redrive(conn, demarche, number)
                    continue
                await self._handle(binding, dossier, report, redrive=True)
            async with self.pool.acquire() as conn:
                cursor = await store.cursor(conn, demarche)
            since = query_since(cursor.watermark if cursor else None, self.settings.overlap, self.settings.start)
            report.since, after = since, None
            while True:
                page = await ds.changed_dossiers(demarche, since, after)
                report.pages += 1
                for dossier in page.nodes:
                    await self._handle(binding, dossier, report)
                if not page.page_info.has_next_page or page.page_info.end_cursor is None:
                    break
                after = page.page_info.end_cursor
        async with self.pool.acquire() as conn:
            await store.round_complete(conn, demarche, started)
        self.metrics.lag.labels(self.metrics.service, str(demarche)).set_function(
            lambda: (datetime.now(UTC) - started).total_seconds()
        )

    # -- one dossier -----------------------------------------------------------------------------------------

    async def _handle(
        self, binding: DemarcheBinding[C], dossier: Dossier, report: RoundReport, *, redrive: bool = False
    ) -> Outcome:
        demarche, number = binding.mapping.demarche, dossier.number
        labels = (self.metrics.service, str(demarche))
        self.metrics.read.labels(*labels).inc()
        async with self.pool.acquire() as conn, conn.transaction():
            outcome = await self._apply(conn, binding, dossier, redrive)
            await store.advance_cursor(conn, demarche, dossier.updated_at, number)
        report.outcomes[outcome] += 1
        if outcome == "applied":
            self.metrics.mapped.labels(*labels).inc()
        elif outcome == "unchanged":
            self.metrics.unchanged.labels(*labels).inc()
        newest = self._newest[demarche] = max(self._newest.get(demarche, 0.0), dossier.updated_at.timestamp())
        self.metrics.newest_change.labels(*labels).set(newest)
        return outcome

    async def _apply(self, conn: Connection, binding: DemarcheBinding[C], dossier: Dossier, redrive: bool) -> Outcome:
        demarche, number = binding.mapping.demarche, dossier.number
        previous = await store.applied(conn, demarche, number)
        if not is_newer(dossier.updated_at, settled(previous, dossier.state), previous):
            if redrive:
                await store.resolve_dead_letter(conn, demarche, number)  # a later snapshot was applied meanwhile
            return "unchanged"
        dead = await store.dead_letter(conn, demarche, number)
        if (
            not redrive
            and dead is not None
            and dead.resolved_at is None
            and dead.redrive_requested_at is None
            and (dead.updated_at, dead.state) == (dossier.updated_at, dossier.state.value)
        ):
            return "unchanged"  # the same refused snapshot read again (overlap): one dead letter, not one a round
        try:
            async with conn.transaction():  # a savepoint: a refusal undoes what this dossier dispatched
                fields = read_fields(dossier, binding.mapping)
                snapshot = DossierSnapshot.of(
                    dossier, demarche, fields, self.settings.link_base, binding.mapping.options
                )
                for command in binding.translator(snapshot, previous):
                    await self.dispatch(command, self.caller, conn=conn)
        except DomainError as error:
            await self._refuse(conn, demarche, dossier, error.code, error.message)
            return "refused"
        except Exception as error:
            if is_transient(error):
                raise
            log.exception("ds_dossier_failed", demarche=demarche, number=number)
            code = ErrorCode.INTERNAL_ERROR
            await self._refuse(conn, demarche, dossier, code.value, f"{REASONS[code]} ({type(error).__name__})")
            return "refused"
        remembered = settled(previous, dossier.state)
        await store.mark_applied(conn, demarche, number, dossier.updated_at, remembered.value)
        await store.resolve_dead_letter(conn, demarche, number)
        return "applied"

    async def _refuse(self, conn: Connection, demarche: int, dossier: Dossier, code: str, reason: str) -> None:
        await store.keep_dead_letter(
            conn, demarche, dossier.number, dossier.updated_at, dossier.state.value, code, reason
        )
        self.metrics.refused.labels(self.metrics.service, str(demarche), code).inc()
        log.warning("ds_dossier_refused", demarche=demarche, number=dossier.number, code=code)

    # -- the loop --------------------------------------------------------------------------------------------

    def trigger(self, demarche: int) -> bool:
        """Poll this démarche at once (the webhook); False for a démarche the door does not read."""
        if demarche not in self._wake:
            return False
        self._wake[demarche].set()
        return True

    def start(self) -> None:
        """Poll every démarche in the background until `stop()`."""
        self._tasks = [asyncio.create_task(self._loop(d), name=f"ds-door-{d}") for d in self.bindings]

    async def round(self, demarche: int) -> RoundReport | None:
        """One round, its failure kept for `/readyz` and the metrics instead of raised (None when it failed)."""
        labels = (self.metrics.service, str(demarche))
        try:
            report = await self.poll(demarche)
        except Exception as error:  # any failure: say it, back off, retry the round
            attempts = self.failures.get(demarche, (0, error))[0] + 1
            self.failures[demarche] = (attempts, error)
            self.metrics.failing.labels(*labels).set(attempts)
            log.warning("ds_round_failed", demarche=demarche, attempts=attempts, error=repr(error)[:300])
            return None
        self.failures.pop(demarche, None)
        self.metrics.failing.labels(*labels).set(0)
        return report

    async def _loop(self, demarche: int) -> None:
        while not self._stopping:
            await self.round(demarche)
            wait = self.settings.poll_interval_s
            if demarche in self.failures:
                wait = min(wait, self.settings.retry_backoff_max_s, 2.0 ** self.failures[demarche][0])
            try:
                await asyncio.wait_for(self._wake[demarche].wait(), timeout=wait)
            except TimeoutError:
                continue
            self._wake[demarche].clear()
            pause = self._triggered_at[demarche] + self.settings.webhook_debounce_s - time.monotonic()
            if pause > 0 and not self._stopping:  # debounced: triggers within the pause fold into one poll
                await asyncio.sleep(pause)
                self._wake[demarche].clear()
            self._triggered_at[demarche] = time.monotonic()

    async def stop(self, timeout_s: float = 10.0) -> None:
        """Let the rounds in flight finish (each dossier is its own transaction), then stop."""
        self._stopping = True
        for wake in self._wake.values():
            wake.set()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=timeout_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    def readiness(self) -> dict[str, str]:
        """Démarches whose rounds keep failing, by class and code (never the error's text: it is logged)."""
        said: dict[str, str] = {}
        for demarche, (attempts, error) in sorted(self.failures.items()):
            if isinstance(error, DemarchesAccessRefusedError):
                code = ErrorCode.DS_ACCESS_REFUSED
            elif isinstance(error, DemarchesUnavailableError) or is_transient(error):
                code = ErrorCode.SERVICE_UNAVAILABLE
            else:
                code = ErrorCode.INTERNAL_ERROR
            said[f"demarches {demarche}"] = f"failing ({attempts}): {type(error).__name__} ({code.value})"
        return said
