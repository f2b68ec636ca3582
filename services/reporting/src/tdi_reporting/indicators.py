"""The indicators feed (issue 23): `IndicatorsPublished` v2 on `tdi.reporting.indicators.v1`, the Kafka topic the
internal dashboards subscribe to. One record per scope (national `fr`, `region-<INSEE>`, `departement-<INSEE>`, a
territory's platform id), keyed by scope: the topic is compacted, so a new subscriber reads the latest figures of
every scope, then each change.

The figures are the dashboard's own (`snapshots.figures_at`, the same read models and measures: one rule in one
place), read in one repeatable-read transaction so they agree with each other. A scope is published when one of
its figures changed since its last record (a digest per scope, `indicators_published`), in the same transaction as
the digest, through the kit's outbox: a record is never lost nor published for a change that did not commit.

Run in the background (`background.Recurring`, after each committed batch, coalesced, and every
`indicators_interval_s`) by one replica at a time (a transaction advisory lock): two replicas never publish the
same change twice.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import asyncpg
import structlog
from pydantic import ValidationError

from tdi_contracts.events.reporting import AxisCounts, IndicatorsPublishedV2, ScopeV2
from tdi_contracts.reference.action_plans import Axis
from tdi_reporting.domain import Level
from tdi_reporting.geography import NATIONAL_CODE
from tdi_reporting.snapshots import figures_at
from tdi_runtime.events import outgoing
from tdi_runtime.outbox import Outbox

INDICATOR_MODELS: dict[str, tuple[str, ...]] = {
    "territoires": (),
    "actions_axes": ("axe",),
    "financements": (),
    "vte": (),
}
"""The read models the indicators come from, and the dimension kept (the fiches actions per axis)."""
log = structlog.get_logger(__name__)
_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('tdi-reporting-indicators'))"
_SCOPES = {
    Level.NATIONAL: ScopeV2.NATIONAL,
    Level.REGION: ScopeV2.REGION,
    Level.DEPARTEMENT: ScopeV2.DEPARTEMENT,
    Level.TERRITORY: ScopeV2.TERRITORY,
}


def scope_id(level: Level, code: str) -> str:
    """The record's key: `fr`, `region-44`, `departement-51`, or the territory's platform id."""
    if level is Level.NATIONAL:
        return "fr"
    if level is Level.TERRITORY:
        return code
    return f"{level.value}-{code}"


def indicators_of(figures: dict[str, Any], as_of: datetime) -> dict[str, IndicatorsPublishedV2]:
    """Per scope id, its indicators from the figures of every zone of every level (`figures_at`). A zone no read
    model names has no record: the national one always has one (zeros on an empty platform)."""
    found: dict[str, dict[str, Any]] = {}

    def zone(level: Level, row: dict[str, Any]) -> dict[str, Any]:
        key = scope_id(level, row["code_zone"])
        return found.setdefault(key, {"scope": _SCOPES[level], "scope_id": key, "axes": {}})

    for level in Level:
        if level is Level.NATIONAL:
            zone(level, {"code_zone": NATIONAL_CODE})
        for row in figures.get(f"territoires/{level.value}", []):
            zone(level, row)["labelled_territories"] = row["territoires_labellises"]
        for row in figures.get(f"actions_axes/{level.value}", []):
            zone(level, row)["axes"][row["axe"]] = row["fiches_actions"]
        for row in figures.get(f"financements/{level.value}", []):
            z = zone(level, row)
            z["committed_cents"], z["paid_cents"] = row["engage_centimes"], row["verse_centimes"]
        for row in figures.get(f"vte/{level.value}", []):
            zone(level, row)["vte_contracts_signed"] = row["contrats_signes"]
    published: dict[str, IndicatorsPublishedV2] = {}
    for key, z in sorted(found.items()):
        try:
            published[key] = IndicatorsPublishedV2(
                scope=z["scope"],
                scope_id=key,
                labelled_territories=z.get("labelled_territories", 0),
                fiches_actions=AxisCounts(**{a.value.replace("-", "_"): z["axes"].get(a.value, 0) for a in Axis}),
                committed_cents=z.get("committed_cents", 0),
                paid_cents=z.get("paid_cents", 0),
                vte_contracts_signed=z.get("vte_contracts_signed", 0),
                as_of=as_of,
            )
        except ValidationError as error:  # a territory id outside the contract's forms: that scope only is left out
            log.warning("indicators_scope_left_out", scope_id=key[:80], errors=error.error_count())
    return published


def digest(indicators: IndicatorsPublishedV2) -> str:
    """What a subscriber would see change (the instant left out)."""
    figures = indicators.model_dump(mode="json", exclude={"as_of"})
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()[:32]


async def publish_changed(pool: asyncpg.Pool, outbox: Outbox, now: datetime | None = None) -> int:
    """Publish the scopes whose figures changed since their last record; returns how many (0 when another replica
    holds the lock: it publishes them)."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        if not await conn.fetchval(_LOCK):
            return 0
        current = indicators_of(await figures_at(conn, INDICATOR_MODELS), now or datetime.now(UTC))
        rows = await conn.fetch("SELECT scope_id, digest FROM indicators_published")
        last = {r["scope_id"]: r["digest"] for r in rows}
        changed = {key: (i, d) for key, i in current.items() if (d := digest(i)) != last.get(key)}
        if not changed:
            return 0
        await outbox.add(conn, [outgoing(i, "reporting") for i, _ in changed.values()])
        await conn.executemany(
            "INSERT INTO indicators_published (scope_id, digest, published_at) VALUES ($1, $2, now())"
            " ON CONFLICT (scope_id) DO UPDATE SET digest = excluded.digest, published_at = excluded.published_at",
            [(key, d) for key, (_, d) in changed.items()],
        )
        return len(changed)
