"""What the relay does with a row it could not publish: count the attempt, keep the error, park it for good.

Only a refusal the broker would repeat (too large, no such topic, invalid record) counts towards parking; the
broker being away (timeouts, connection errors) is retried with backoff and never parks anything.
"""

from __future__ import annotations

from typing import Any

import structlog
from aiokafka import errors as kafka_errors

from tdi_runtime.db import Connection
from tdi_runtime.metrics import Metrics

log = structlog.get_logger(__name__)

_FAILED = """
UPDATE outbox AS o
SET attempts = o.attempts + 1, last_error = f.error,
    parked_at = CASE WHEN f.refused AND o.attempts + 1 >= $4 THEN now() END
FROM unnest($1::bigint[], $2::text[], $3::bool[]) AS f(id, error, refused)
WHERE o.id = f.id
RETURNING o.id, o.topic, o.event_id, o.attempts, o.last_error, o.parked_at IS NOT NULL AS parked
"""
_AWAY = (kafka_errors.KafkaTimeoutError, kafka_errors.KafkaConnectionError, kafka_errors.ProducerClosed)
_REFUSED = (
    kafka_errors.MessageSizeTooLargeError,
    kafka_errors.RecordTooLargeError,
    kafka_errors.UnknownTopicOrPartitionError,  # send() waited request_timeout_ms for the topic
    kafka_errors.InvalidTopicError,
    kafka_errors.TopicAuthorizationFailedError,
)


class RecordRefusedError(Exception):
    """The relay's own check, aligned with the broker's: undeclared topic, or over its max.message.bytes."""


def refused_for_good(error: BaseException) -> bool:
    """A refusal that sending again will not change (too large, no such topic...), not the broker being away."""
    if isinstance(error, (RecordRefusedError, *_REFUSED)):
        return True
    transient = (*_AWAY, ConnectionError, OSError, TimeoutError)
    return not (getattr(error, "retriable", False) or isinstance(error, transient))


async def record_failures(
    conn: Connection,
    failed: list[tuple[Any, BaseException]],
    *,
    max_attempts: int,
    schema: str,
    metrics: Metrics | None,
) -> None:
    """One UPDATE for the batch: attempts + 1, last error, parked once refused for good `max_attempts` times."""
    ids = [row["id"] for row, _ in failed]
    errors = [f"{type(e).__name__}: {e}"[:1000] for _, e in failed]
    refused = [refused_for_good(e) for _, e in failed]
    for row in await conn.fetch(_FAILED, ids, errors, refused, max_attempts):
        if not row["parked"]:
            log.warning("outbox_row_failed", outbox_id=row["id"], attempts=row["attempts"], error=row["last_error"])
            continue
        log.error(
            "outbox_row_parked",
            outbox_id=row["id"],
            topic=row["topic"],
            event_id=row["event_id"],
            attempts=row["attempts"],
            error=row["last_error"],
            hint=f"python -m tdi_runtime.outbox parked {schema}",
        )
        if metrics is not None:
            metrics.outbox_parked.labels(metrics.service, row["topic"]).inc()
