"""One delivery round: every enabled subscription that is due gets its next batch sent, one subscription by one
worker at a time (its row locked `FOR UPDATE SKIP LOCKED` for the attempt, whatever the number of instances), never
batch n+1 before batch n succeeded (the cursor moves only on a 2xx).

A failure is retried after `Backoff.delay` (the receiver's `Retry-After` when longer, up to the cap); a subscription
failing for `disable_after_s` since its first failure, or `disable_after_attempts` attempts of one batch, or answered
410 Gone, is disabled: log `webhook_disabled`, `tdi_webhook_disabled_total`, and the `webhook-desactive` alert at the
next judgement (signalled at once). `enable` resumes from the cursor, with the batch it was trying.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import structlog
from prometheus_client import Counter, Gauge

from tdi_reporting.options import ReportingOptions
from tdi_reporting.webhooks import store, stream
from tdi_reporting.webhooks.stream import Position
from tdi_runtime.doors.webhooks import Backoff, Outcome, TargetRefusedError, check_target, send, signed_headers

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Rules:
    backoff: Backoff
    disable_after: timedelta
    disable_after_attempts: int  # 0: no limit

    @classmethod
    def of(cls, options: ReportingOptions) -> Rules:
        return cls(
            Backoff(options.webhook_backoff_base_s, 2.0, options.webhook_backoff_cap_s),
            timedelta(seconds=options.webhook_disable_after_s),
            options.webhook_disable_after_attempts,
        )

    def after_failure(
        self, attempts: int, failing_since: datetime, now: datetime, outcome: Outcome
    ) -> tuple[datetime | None, str | None]:
        """(when to try again, None) or (None, why it is disabled) after the `attempts`-th failed attempt."""
        if outcome.gone:
            return None, "le destinataire a répondu 410 Gone"
        if self.disable_after_attempts and attempts >= self.disable_after_attempts:
            return None, f"{attempts} tentatives échouées"
        if now - failing_since >= self.disable_after:
            return None, f"en échec depuis {int(self.disable_after.total_seconds() // 3600)} h ou plus"
        wait = self.backoff.delay(attempts)
        if outcome.retry_after_s is not None:
            wait = max(wait, min(outcome.retry_after_s, self.backoff.cap_s))
        return now + timedelta(seconds=wait), None


class WebhookMetrics:
    def __init__(self, registry: Any, service: str) -> None:
        self.service = service
        self.deliveries = Counter(
            "tdi_webhook_deliveries_total", "Webhook POST attempts by outcome", ["service", "outcome"],
            registry=registry,
        )  # fmt: skip
        self.disabled = Counter(
            "tdi_webhook_disabled_total", "Webhook subscriptions disabled after failing", ["service"], registry=registry
        )
        self.disabled_now = Gauge(
            "tdi_webhooks_disabled", "Webhook subscriptions disabled now", ["service"], registry=registry
        )

    async def refresh(self, conn: Any) -> None:
        n = await conn.fetchval("SELECT count(*) FROM webhook_subscriptions WHERE NOT enabled")
        self.disabled_now.labels(self.service).set(n or 0)


class WebhookWorker:
    def __init__(
        self,
        pool: Any,
        options: ReportingOptions,
        metrics: WebhookMetrics | None = None,
        on_disabled: Callable[[], None] = lambda: None,
    ) -> None:
        self.pool = pool
        self.options = options
        self.rules = Rules.of(options)
        self.metrics = metrics
        self.on_disabled = on_disabled
        self._purged_at = 0.0

    async def deliver_due(self) -> None:
        """One round over every due subscription (a few at once), then the log's retention now and then."""
        due = await self.pool.fetch(
            "SELECT subscription_id FROM webhook_subscriptions WHERE enabled AND next_attempt_at <= now()"
            " ORDER BY next_attempt_at LIMIT 1000"
        )
        if due:
            limit = asyncio.Semaphore(self.options.webhook_concurrency)
            timeout = httpx.Timeout(self.options.webhook_timeout_s)
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:

                async def one(subscription_id: uuid.UUID) -> None:
                    async with limit:
                        try:
                            await self.deliver_one(client, subscription_id)
                        except Exception as error:  # one subscription's trouble never holds the others back
                            log.warning("webhook_delivery_failed", subscription=str(subscription_id), error=repr(error))

                await asyncio.gather(*(one(r["subscription_id"]) for r in due))
        if time.monotonic() - self._purged_at > 600:
            async with self.pool.acquire() as conn:
                await store.purge_deliveries(conn, self.options.webhook_retention_days)
            self._purged_at = time.monotonic()

    async def deliver_one(self, client: httpx.AsyncClient, subscription_id: uuid.UUID) -> None:
        disabled = False
        async with self.pool.acquire() as conn, conn.transaction():
            sub = await conn.fetchrow(
                "SELECT * FROM webhook_subscriptions WHERE subscription_id = $1 AND enabled"
                " AND next_attempt_at <= now() FOR UPDATE SKIP LOCKED",
                subscription_id,
            )
            if sub is None:  # another worker has it, or it changed meanwhile
                return
            cursor = Position(sub["cursor_tick"], sub["cursor_src"], sub["cursor_seq"])
            pending = None
            if sub["pending_tick"] is not None:
                pending = Position(sub["pending_tick"], sub["pending_src"], sub["pending_seq"])
            up_to = await stream.head(conn)
            found = await stream.page(
                conn, sub["event_types"], cursor, up_to, self.options.webhook_batch_max, store.owner_of(sub)
            )
            batch = stream.plan_batch(found, cursor, pending, self.options.webhook_batch_max)
            if not batch:  # nothing of its types: move past what is known, so the next round reads from there
                if pending is None and cursor < Position.after_tick(up_to):
                    await conn.execute(
                        "UPDATE webhook_subscriptions SET cursor_tick = $2, cursor_src = $3, cursor_seq = $4"
                        " WHERE subscription_id = $1",
                        subscription_id, *Position.after_tick(up_to),
                    )  # fmt: skip
                return
            sid = str(subscription_id)
            msg_id, content = stream.message_id(sid, batch), stream.body(sid, batch)
            attempt = sub["attempts"] + 1
            try:
                target = await check_target(sub["url"], self.options.webhook_allowed_hosts)
            except TargetRefusedError as refused:
                outcome = Outcome(False, None, refused.reason, 0)
            else:
                outcome = await send(client, target, content, signed_headers(sub["secret"], msg_id, content))
            now = datetime.now(UTC)
            last = batch[-1].position
            if outcome.ok:
                await conn.execute(
                    "UPDATE webhook_subscriptions SET cursor_tick = $2, cursor_src = $3, cursor_seq = $4,"
                    " pending_tick = NULL, pending_src = NULL, pending_seq = NULL, attempts = 0, failing_since = NULL,"
                    " next_attempt_at = $5 WHERE subscription_id = $1",
                    subscription_id, *last, now,
                )  # fmt: skip
                result = "delivered"
            else:
                failing_since = sub["failing_since"] or now
                next_at, reason = self.rules.after_failure(attempt, failing_since, now, outcome)
                disabled = next_at is None
                await conn.execute(
                    "UPDATE webhook_subscriptions SET pending_tick = $2, pending_src = $3, pending_seq = $4,"
                    " attempts = $5, failing_since = $6, next_attempt_at = coalesce($7, next_attempt_at),"
                    " enabled = $8, disabled_at = CASE WHEN $8 THEN NULL ELSE $9::timestamptz END,"
                    " disabled_reason = $10 WHERE subscription_id = $1",
                    subscription_id, *last, attempt, failing_since, next_at, not disabled, now, reason,
                )  # fmt: skip
                result = "disabled" if disabled else "failed"
            await conn.execute(
                "INSERT INTO webhook_deliveries (subscription_id, webhook_id, first_cursor, last_cursor, events,"
                " attempt, attempted_at, duration_ms, status_code, outcome, error)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                subscription_id, msg_id, str(batch[0].position), str(last), len(batch), attempt, now,
                outcome.duration_ms, outcome.status, result, outcome.error,
            )  # fmt: skip
        if self.metrics is not None:
            self.metrics.deliveries.labels(self.metrics.service, result).inc()
        log.info("webhook_attempt", subscription=sid, webhook_id=msg_id, events=len(batch), attempt=attempt,
                 outcome=result, status=outcome.status, error=outcome.error)  # fmt: skip
        if disabled:
            log.warning("webhook_disabled", subscription=sid, attempts=attempt, error=outcome.error)
            if self.metrics is not None:
                self.metrics.disabled.labels(self.metrics.service).inc()
            self.on_disabled()
