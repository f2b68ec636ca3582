"""Faults against the real broker and database, with real processes: kill -9 at random, SIGTERM under load."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from tdi_localstack.processes import spawn, stop, tail
from tdi_runtime.testing import probe_event, publish_records, until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

EVENTS = 5000


async def publish_all(bootstrap: str, topic: str, n: int, territories: int = 40, pace_s: float = 0.0) -> None:
    records = [probe_event(5000 + i % territories, i) for i in range(n)]
    await publish_records(bootstrap, topic, records, pace_s=pace_s)


def start_probe(group: str, topic: str, schema: str, log: Path, shutdown_timeout_s: float = 10.0):
    env = {
        **os.environ,
        "TDI_PROBE_CONSUMER_SESSION_TIMEOUT_MS": "6000",
        "TDI_PROBE_LOG_LEVEL": "WARNING",
        "TDI_PROBE_SHUTDOWN_TIMEOUT_S": str(shutdown_timeout_s),
        "TDI_PROBE_COMMIT_INTERVAL_S": "0.2",
    }
    return spawn(
        [sys.executable, "-m", "tdi_runtime.probe", "--group", group, "--topic", topic, "--schema", schema],
        log_path=log,
        env=env,
    )


async def applied(pool) -> tuple[int, int]:
    row = await pool.fetchrow("SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM probe_effects")
    return row["n"], row["d"]


async def wait_applied(pool, n: int, process, log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while (await applied(pool))[1] < n:
        if process.poll() is not None:
            raise AssertionError(f"probe exited {process.returncode}:\n{tail(log)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"only {await applied(pool)} of {n} applied:\n{tail(log)}")
        await asyncio.sleep(0.2)


async def restart_until_all_applied(pool, group: str, topic: str, schema: str, log: Path) -> tuple[int, int]:
    """Start a fresh probe, let it apply every event, stop it; (effects, distinct events) applied in all."""
    probe = start_probe(group, topic, schema, log)
    try:
        await wait_applied(pool, EVENTS, probe, log)
    finally:
        stop(probe)
    return await applied(pool)


async def test_a_consumer_killed_at_random_points_applies_every_one_of_5000_events_exactly_once(
    platform_stack, kit_pool, kit_schema, new_topic, new_group, tmp_path
):
    """Each kill lands only after the restarted consumer applied new events (the counts at the kills rise): a kill
    before the consumer even joined its group (as 4 of 6 did: 800, 800, 1213, 1213...) proves nothing."""
    topic, group = await new_topic(partitions=6), await new_group()
    rng, log, kills = random.Random(42), tmp_path / "probe.log", []
    records = [probe_event(5000 + i % 40, i) for i in range(EVENTS)]
    chunks = [records[i::7] for i in range(7)]  # 7 chunks of ~714 events: more than one batch (500) each
    started, published = time.monotonic(), 0
    for chunk in chunks[:6]:
        await publish_records(platform_stack.bootstrap_servers, topic, chunk)
        published += len(chunk)
        before = (await applied(kit_pool))[1]
        probe = start_probe(group, topic, kit_schema, log)
        await wait_applied(kit_pool, before + 1, probe, log)  # progress since this restart, then a random point
        await asyncio.sleep(rng.uniform(0.0, 0.3))
        probe.send_signal(signal.SIGKILL)
        await asyncio.to_thread(probe.wait, 10)
        kills.append((before, (await applied(kit_pool))[1], published))
    await publish_records(platform_stack.bootstrap_servers, topic, chunks[6])
    effects, distinct = await restart_until_all_applied(kit_pool, group, topic, kit_schema, log)
    print(
        f"\n[kill -9] 6 kills, each after progress: (applied at restart, applied at kill, published) {kills}, "
        f"{sum(at_kill < sent for _, at_kill, sent in kills)} with events of the chunk still unapplied; "
        f"after a last start {effects} effects for {EVENTS} events in {time.monotonic() - started:.1f}s"
    )
    assert all(at_restart < at_kill for at_restart, at_kill, _ in kills), "every kill after new events applied"
    assert [k[1] for k in kills] == sorted({k[1] for k in kills}), "the count at the kills rises at every kill"
    assert (effects, distinct) == (EVENTS, EVENTS)


async def test_sigterm_under_load_exits_cleanly_within_the_timeout_and_a_restart_loses_nothing(
    platform_stack, kit_pool, kit_schema, new_topic, new_group, tmp_path
):
    topic, group, log = await new_topic(partitions=6), await new_group(), tmp_path / "probe.log"
    probe = start_probe(group, topic, kit_schema, log, shutdown_timeout_s=10)
    load = asyncio.create_task(publish_all(platform_stack.bootstrap_servers, topic, EVENTS, pace_s=0.02))

    async def half_applied() -> bool:
        assert probe.poll() is None, tail(log)
        return (await applied(kit_pool))[1] >= 500

    await until(half_applied, "500 events applied before the SIGTERM", timeout_s=240)
    sent_at = time.monotonic()
    probe.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(probe.wait, 30)
    exit_s = time.monotonic() - sent_at
    at_stop = await applied(kit_pool)
    await load
    effects, distinct = await restart_until_all_applied(kit_pool, group, topic, kit_schema, log)
    print(
        f"\n[SIGTERM] exit code {code} after {exit_s:.2f}s (timeout 10s) with {at_stop[1]} applied; "
        f"after restart {effects} effects for {EVENTS} events"
    )
    assert code in (0, -signal.SIGTERM), "uvicorn re-raises SIGTERM after its graceful shutdown"
    assert '"graceful": true' in log.read_text(), "the lifespan shutdown ran to its end"
    assert exit_s < 10, "within the configured shutdown timeout"
    assert (effects, distinct) == (EVENTS, EVENTS)
