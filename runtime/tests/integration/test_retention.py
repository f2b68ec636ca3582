"""Retention purges old sent outbox rows, inbox rows and answered Idempotency-Keys, batch by batch, and
keeps everything still useful: unsent or parked rows, recent rows, a key still reserved."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fastapi import APIRouter

from tdi_contracts.topics import PARTNER_INGRESS_TOPICS
from tdi_runtime.metrics import Metrics
from tdi_runtime.retention import REDELIVERY_WINDOW, Retention, purge
from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.testing import unique_name

pytestmark = pytest.mark.integration

DAY = timedelta(days=1)


async def add_rows(pool, *, outbox_sent: dict[str, int], inbox: dict[str, int], keys: dict[str, int]) -> None:
    """Rows aged `age` days, per label: outbox rows sent (or not: 'unsent'), inbox rows, Idempotency-Keys."""
    for label, age in outbox_sent.items():
        await pool.execute(
            "INSERT INTO outbox (shard, topic, value, header_keys, header_values, event_id, created_at, sent_at)"
            " VALUES (0, 'tdi.test.t.v1', 'x', '{}', '{}', $1, now() - $2::interval,"
            " CASE WHEN $1 LIKE 'unsent%' THEN NULL ELSE now() - $2::interval END)",
            label,
            age * DAY,
        )
    for label, age in inbox.items():
        await pool.execute(
            'INSERT INTO inbox (consumer, source, event_id, topic, partition, "offset", outcome, digest, processed_at)'
            " VALUES ('tdi-probe', '/tdi/probe', $1, 't', 0, 0, $3, 'd', now() - $2::interval)",
            label,
            age * DAY,
            "rejected" if label.startswith("rejected") else "applied",
        )
    for label, age in keys.items():
        reserved = label.startswith("reserved")
        await pool.execute(
            "INSERT INTO http_requests (scope, key, digest, status, body, created_at, reserved_until)"
            " VALUES ('s', $1, 'd', $2, $3, now() - $4::interval, CASE WHEN $5 THEN 'infinity'::timestamptz END)",
            label,
            None if reserved else 201,
            None if reserved else b"{}",
            age * DAY,
            reserved,
        )


async def remaining(pool) -> dict[str, list[str]]:
    return {
        "outbox": [r[0] for r in await pool.fetch("SELECT event_id FROM outbox ORDER BY event_id")],
        "inbox": [r[0] for r in await pool.fetch("SELECT event_id FROM inbox ORDER BY event_id")],
        "http_requests": [r[0] for r in await pool.fetch("SELECT key FROM http_requests ORDER BY key")],
    }


async def test_old_rows_are_purged_in_small_batches_and_useful_rows_are_kept(kit_pool):
    old = {f"old-{i}": 40 for i in range(5)}
    await add_rows(
        kit_pool,
        outbox_sent={**old, "recent": 1, "unsent-old": 40},
        inbox={**old, "recent": 1},
        keys={**old, "recent": 1, "reserved-old": 40},
    )
    metrics = Metrics("probe")
    policy = Retention(outbox_sent=7 * DAY, inbox=30 * DAY, idempotency=7 * DAY, batch_rows=2)

    purged = await purge(kit_pool, policy, metrics)

    assert purged == {
        "outbox": 5,
        "inbox": 5,
        "http_requests": 5,
        "partner_receipts": 0,
    }  # batches of 2 rows, until one comes back short
    assert await remaining(kit_pool) == {
        "outbox": ["recent", "unsent-old"],
        "inbox": ["recent"],
        "http_requests": ["recent", "reserved-old"],
    }
    exposed = metrics.exposition().decode()
    assert 'tdi_retention_purged_rows_total{service="probe",table="inbox"} 5.0' in exposed
    assert await purge(kit_pool, policy, metrics) == {
        "outbox": 0,
        "inbox": 0,
        "http_requests": 0,
        "partner_receipts": 0,
    }


async def test_the_kit_runs_retention_in_the_background_of_every_service(run_service, platform_stack):
    schema = unique_name("ret_")
    async with run_service(
        lambda s: create_service_app(s, title="t", description="t", routers=[APIRouter()]),
        "probe",
        database_url=platform_stack.database_url,
        db_schema=schema,
        start_consumers=False,
        start_relay=False,
        retention_interval_s=0.2,
    ) as (app, client):
        pool = app.state.runtime.pool
        age = (REDELIVERY_WINDOW + 40 * DAY).days
        await add_rows(pool, outbox_sent={"old": age}, inbox={"old": age, "kept": 100}, keys={"old": age})
        for _ in range(300):  # rounds every 0.2 s: wait for one to pass over the rows (60 s at most)
            if await remaining(pool) == {"outbox": [], "inbox": ["kept"], "http_requests": []}:
                break
            await asyncio.sleep(0.2)
        assert await remaining(pool) == {"outbox": [], "inbox": ["kept"], "http_requests": []}
        metrics = (await client.get("/metrics")).text
    assert 'tdi_retention_purged_rows_total{service="probe",table="outbox"} 1.0' in metrics


def test_inbox_retention_can_never_be_set_below_the_redelivery_window():
    assert timedelta(days=90) <= REDELIVERY_WINDOW  # dead letters are re-driven for 90 days
    with pytest.raises(ValueError, match="redelivery window"):
        ServiceSettings.for_service("probe", retention_inbox=timedelta(days=30))
    assert ServiceSettings.for_service("probe").retention_inbox > REDELIVERY_WINDOW


async def test_a_rejected_record_leaves_an_inbox_row_kept_only_while_its_topic_can_hold_it(kit_pool):
    """A partner's refused records cost less: their rows go after `retention_inbox_rejected` (30 days: a record
    comes back at its offset only while its ingress topic holds it), applied rows after `retention_inbox`."""
    await add_rows(
        kit_pool,
        outbox_sent={},
        inbox={"applied-40": 40, "rejected-40": 40, "rejected-10": 10, "applied-130": 130, "rejected-130": 130},
        keys={},
    )
    settings = ServiceSettings.for_service("probe")
    policy = Retention.of(settings)

    purged = await purge(kit_pool, policy)

    assert settings.retention_inbox_rejected == timedelta(days=30) < settings.retention_inbox
    assert purged["inbox"] == 3
    assert (await remaining(kit_pool))["inbox"] == ["applied-40", "rejected-10"]


def test_rejected_rows_are_never_purged_before_their_ingress_topic_forgets_the_record():
    ingress = timedelta(milliseconds=max(t.retention_ms for t in PARTNER_INGRESS_TOPICS))
    with pytest.raises(ValueError, match="ingress"):
        ServiceSettings.for_service("probe", retention_inbox_rejected=ingress - DAY)
    with pytest.raises(ValueError, match="retention_inbox"):
        ServiceSettings.for_service("probe", retention_inbox_rejected=timedelta(days=200))
    assert ServiceSettings.for_service("probe").retention_inbox_rejected >= ingress


async def test_partner_receipts_are_purged_with_the_inbox_rows_they_read(kit_pool):
    """A receipt of the partners' HTTP door (issue 25) says what its inbox row says: once that row is gone the
    receipt could only say `pending` for ever, so receipts older than the inbox's retention go too."""
    for label, age in {"old-receipt": 40, "recent-receipt": 1}.items():
        await kit_pool.execute(
            "INSERT INTO partner_receipts (receipt_id, partner, source, event_id, event_type, received_at)"
            " VALUES ($1, 'bpifrance', '/partners/bpifrance', $1, 't', now() - $2::interval)",
            label,
            age * DAY,
        )
    policy = Retention(outbox_sent=7 * DAY, inbox=30 * DAY, idempotency=7 * DAY, batch_rows=2)
    purged = await purge(kit_pool, policy)
    kept = [r[0] for r in await kit_pool.fetch("SELECT receipt_id FROM partner_receipts ORDER BY 1")]
    assert purged["partner_receipts"] == 1 and kept == ["recent-receipt"]
