"""The subscriptions and their delivery log (SQL). A subscription's secret is only ever returned at its creation."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tdi_contracts.errors import ErrorCode
from tdi_reporting.webhooks.owners import Owner
from tdi_reporting.webhooks.stream import Position, head
from tdi_runtime.errors import DomainError
from tdi_runtime.pipeline.caller import Caller

_PUBLIC = """
subscription_id, url, event_types, description, created_by, created_at, enabled, disabled_at, disabled_reason,
cursor_tick, cursor_src, cursor_seq, attempts, failing_since, next_attempt_at, owner_role, owner_scope
"""


def not_found(subscription_id: uuid.UUID) -> DomainError:
    return DomainError(
        ErrorCode.NOT_FOUND, "Aucun webhook ne porte cet identifiant.", field="id", value=str(subscription_id)
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def owner_of(row: Any) -> Owner:
    return Owner(row["owner_role"], row["created_by"], row["owner_scope"])


def as_json(row: Any) -> dict[str, Any]:
    return {
        "id": str(row["subscription_id"]),
        "url": row["url"],
        "event_types": list(row["event_types"]),
        "description": row["description"],
        "created_by": row["created_by"],
        "owner": owner_of(row).as_json(),
        "created_at": _iso(row["created_at"]),
        "enabled": row["enabled"],
        "disabled_at": _iso(row["disabled_at"]),
        "disabled_reason": row["disabled_reason"],
        "cursor": str(Position(row["cursor_tick"], row["cursor_src"], row["cursor_seq"])),
        "failed_attempts": row["attempts"],
        "failing_since": _iso(row["failing_since"]),
        "next_attempt_at": _iso(row["next_attempt_at"]) if row["enabled"] else None,
    }


async def create(
    conn: Any, url: str, event_types: list[str], description: str, secret: str, owner: Owner
) -> dict[str, Any]:
    """A subscription of `owner` starting after every event already known (its cursor: the end of the committed
    tick)."""
    start = Position.after_tick(await head(conn))
    row = await conn.fetchrow(
        f"INSERT INTO webhook_subscriptions (subscription_id, url, event_types, description, secret, created_by,"
        f" owner_role, owner_scope, cursor_tick, cursor_src, cursor_seq)"
        f" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {_PUBLIC}",
        uuid.uuid4(), url, event_types, description, secret, owner.subject, owner.role, owner.scope, *start,
    )  # fmt: skip
    return as_json(row)


async def list_all(conn: Any, owner: Owner | None = None) -> list[dict[str, Any]]:
    """Every subscription (national staff), or `owner`'s only."""
    if owner is None:
        rows = await conn.fetch(f"SELECT {_PUBLIC} FROM webhook_subscriptions ORDER BY created_at")
    else:
        rows = await conn.fetch(
            f"SELECT {_PUBLIC} FROM webhook_subscriptions WHERE owner_role = $1 AND created_by = $2"
            " AND owner_scope IS NOT DISTINCT FROM $3 ORDER BY created_at",
            owner.role, owner.subject, owner.scope,
        )  # fmt: skip
    return [as_json(r) for r in rows]


async def one(conn: Any, subscription_id: uuid.UUID, caller: Caller | None = None) -> Any:
    """A subscription; with `caller`, only one it manages (its own, or any for national staff): another owner's is
    not found, as an id that does not exist (its existence is not told)."""
    row = await conn.fetchrow(
        f"SELECT {_PUBLIC} FROM webhook_subscriptions WHERE subscription_id = $1", subscription_id
    )
    if row is None or (caller is not None and not owner_of(row).managed_by(caller)):
        raise not_found(subscription_id)
    return row


async def delete(conn: Any, subscription_id: uuid.UUID) -> None:
    """Deleted with its delivery log (waits for a delivery in progress to finish: it holds the row)."""
    if await conn.fetchval("DELETE FROM webhook_subscriptions WHERE subscription_id = $1 RETURNING 1", subscription_id):
        return
    raise not_found(subscription_id)


async def enable(conn: Any, subscription_id: uuid.UUID) -> dict[str, Any]:
    """Enabled again from where it stopped (its cursor and the batch it was trying are kept), due at once."""
    row = await conn.fetchrow(
        f"UPDATE webhook_subscriptions SET enabled = true, disabled_at = NULL, disabled_reason = NULL, attempts = 0,"
        f" failing_since = NULL, next_attempt_at = now() WHERE subscription_id = $1 RETURNING {_PUBLIC}",
        subscription_id,
    )
    if row is None:
        raise not_found(subscription_id)
    return as_json(row)


async def deliveries(conn: Any, subscription_id: uuid.UUID, limit: int) -> list[dict[str, Any]]:
    await one(conn, subscription_id)
    rows = await conn.fetch(
        "SELECT webhook_id, first_cursor, last_cursor, events, attempt, attempted_at, duration_ms, status_code,"
        " outcome, error FROM webhook_deliveries WHERE subscription_id = $1 ORDER BY delivery_id DESC LIMIT $2",
        subscription_id,
        limit,
    )
    return [{**dict(r), "attempted_at": r["attempted_at"].isoformat()} for r in rows]


async def purge_deliveries(conn: Any, older_than_days: float, batch: int = 1000) -> int:
    """Delivery log rows past the retention, a batch at a time (short locks)."""
    deleted = await conn.fetchval(
        "WITH gone AS (DELETE FROM webhook_deliveries WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries"
        " WHERE attempted_at < now() - make_interval(secs => $1) ORDER BY delivery_id LIMIT $2)"
        " RETURNING 1) SELECT count(*) FROM gone",
        older_than_days * 86400,
        batch,
    )
    return int(deleted or 0)
