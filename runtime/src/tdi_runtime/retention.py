"""Retention: sent outbox rows, inbox rows (and the HTTP door's receipts that read them) and answered
Idempotency-Keys are purged once old enough.

Each DELETE removes at most `retention_batch_rows` rows (short locks, small WAL bursts) and skips rows
another transaction holds (SKIP LOCKED), so several replicas may purge at once. Inbox rows are kept longer
than any window in which the same event can arrive again (see REDELIVERY_WINDOW and the README).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import asyncpg
import structlog

from tdi_runtime.metrics import Metrics

# The windows live with the settings that validate against them (no settings -> retention import cycle).
from tdi_runtime.settings import REDELIVERY_WINDOW as REDELIVERY_WINDOW
from tdi_runtime.settings import REJECTED_REDELIVERY_WINDOW as REJECTED_REDELIVERY_WINDOW

if TYPE_CHECKING:
    from tdi_runtime.settings import ServiceSettings

log = structlog.get_logger(__name__)

_PURGES = {
    "outbox": "DELETE FROM outbox WHERE ctid = ANY(ARRAY(SELECT ctid FROM outbox"
    " WHERE sent_at < now() - $1::interval ORDER BY sent_at LIMIT $2 FOR UPDATE SKIP LOCKED))",
    "inbox": "DELETE FROM inbox WHERE ctid = ANY(ARRAY(SELECT ctid FROM inbox"
    " WHERE processed_at < now() - $1::interval ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED))",
    "inbox_rejected": "DELETE FROM inbox WHERE ctid = ANY(ARRAY(SELECT ctid FROM inbox WHERE outcome = 'rejected'"
    " AND processed_at < now() - $1::interval ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED))",
    "http_requests": "DELETE FROM http_requests WHERE ctid = ANY(ARRAY(SELECT ctid FROM http_requests"
    " WHERE created_at < now() - $1::interval AND (status IS NOT NULL OR reserved_until IS NULL"
    " OR reserved_until < now()) ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED))",
    "partner_receipts": "DELETE FROM partner_receipts WHERE ctid = ANY(ARRAY(SELECT ctid FROM partner_receipts"
    " WHERE received_at < now() - $1::interval ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED))",
}
"""One batch per table; an Idempotency-Key still reserved by a running request is never purged."""


@dataclass(frozen=True)
class Retention:
    """How old each kind of row may get, and how many rows one statement deletes."""

    outbox_sent: timedelta
    inbox: timedelta
    idempotency: timedelta
    batch_rows: int = 1000
    max_batches: int = 100  # per table and round: a huge backlog is spread over several rounds
    inbox_rejected: timedelta | None = None  # rows of rejected records (None: as the others)

    @classmethod
    def of(cls, settings: ServiceSettings) -> Retention:
        return cls(
            settings.retention_outbox_sent,
            settings.retention_inbox,
            settings.retention_idempotency,
            settings.retention_batch_rows,
            inbox_rejected=settings.retention_inbox_rejected,
        )

    def ages(self) -> dict[str, timedelta]:
        ages = {"outbox": self.outbox_sent, "inbox": self.inbox, "http_requests": self.idempotency}
        ages["partner_receipts"] = self.inbox  # a receipt reads its inbox row (the partners' HTTP door)
        if self.inbox_rejected is not None and self.inbox_rejected < self.inbox:
            ages["inbox_rejected"] = self.inbox_rejected
        return ages


async def purge(pool: asyncpg.Pool, policy: Retention, metrics: Metrics | None = None) -> dict[str, int]:
    """One round: for each table, delete old rows batch by batch until a batch comes back short (rejected inbox
    rows, younger, count as the inbox's)."""
    purged: dict[str, int] = {}
    for statement, age in policy.ages().items():
        table = statement.removesuffix("_rejected")
        purged.setdefault(table, 0)
        for _ in range(policy.max_batches):
            status = await pool.execute(_PURGES[statement], age, policy.batch_rows)
            count = int(status.rsplit(" ", 1)[-1])
            purged[table] += count
            if metrics is not None and count:
                metrics.purged.labels(metrics.service, table).inc(count)
            if count < policy.batch_rows:
                break
    return purged


async def run_retention(pool: asyncpg.Pool, policy: Retention, interval_s: float, metrics: Metrics) -> None:
    """The kit's background task: a round at start, then one every `interval_s`, until cancelled."""
    while True:
        try:
            purged = await purge(pool, policy, metrics)
            if any(purged.values()):
                log.info("retention_purged", **purged)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database is away: try again next round
            log.warning("retention_failed", exc_info=True)
        await asyncio.sleep(interval_s)
