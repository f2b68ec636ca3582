"""The PostgreSQL standby of the local stack: synchronous streaming replication as CloudNativePG sets it up, a
multi-host address that finds the writable server, and a failover that loses no acknowledged commit."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from tdi_localstack.postgres_standby import PostgresPair

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


@pytest.fixture
def pair() -> Iterator[PostgresPair]:
    folder = Path(tempfile.mkdtemp(prefix="tdi-pg-pair-"))
    servers = PostgresPair(folder)
    try:
        servers.start()
        servers.add_standby()
        yield servers
    finally:
        servers.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def _scalar(url: str, sql: str) -> object:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def test_the_standby_streams_synchronously_as_cloudnativepg_configures_it(pair: PostgresPair) -> None:
    primary, standby = pair.primary_server, pair.standby_server
    assert asyncio.run(_scalar(primary.url(), "SHOW synchronous_standby_names")) == f'ANY 1 ("{standby.name}")'
    assert asyncio.run(_scalar(primary.url(), "SHOW synchronous_commit")) == "on"
    state = asyncio.run(
        _scalar(primary.url(), f"SELECT sync_state FROM pg_stat_replication WHERE application_name = '{standby.name}'")
    )
    assert state == "quorum"  # what PostgreSQL calls a synchronous standby chosen by ANY n (...)
    assert asyncio.run(_scalar(standby.url(), "SELECT pg_is_in_recovery()")) is True


def test_the_multi_host_address_reaches_the_writable_server_whichever_it_is(pair: PostgresPair) -> None:
    assert "target_session_attrs=read-write" in pair.url()
    assert asyncio.run(_scalar(pair.url(), "SELECT inet_server_port()")) == pair.primary_server.port
    pair.kill_primary()
    pair.promote()
    assert asyncio.run(_scalar(pair.url(), "SELECT inet_server_port()")) == pair.primary_server.port
    assert asyncio.run(_scalar(pair.url(), "SELECT pg_is_in_recovery()")) is False


def test_a_commit_waits_for_the_standby_before_it_is_acknowledged(pair: PostgresPair) -> None:
    """With the standby's WAL receiver stopped, a commit hangs in SyncRep: nothing is acknowledged unreplicated."""

    async def scenario() -> str:
        admin = await asyncpg.connect(pair.primary_server.url())
        writer = await asyncpg.connect(pair.primary_server.url())
        try:
            await admin.execute("CREATE TABLE sync_probe (n int)")
            pair.pause_standby()
            pending = asyncio.create_task(writer.execute("INSERT INTO sync_probe VALUES (1)"))
            pid = writer.get_server_pid()
            while (event := await admin.fetchval("SELECT wait_event FROM pg_stat_activity WHERE pid = $1", pid)) != (
                "SyncRep"
            ):
                assert not pending.done(), "the commit was acknowledged while the standby could not receive it"
                await asyncio.sleep(0.05)
            assert not pending.done()
            pair.resume_standby()
            await pending
            return str(event)
        finally:
            pair.resume_standby()
            await writer.close()
            await admin.close()

    assert asyncio.run(scenario()) == "SyncRep"


def test_every_acknowledged_commit_survives_the_primary_killed_and_the_standby_promoted(pair: PostgresPair) -> None:
    async def write(n: int) -> list[int]:
        conn = await asyncpg.connect(pair.url())
        try:
            await conn.execute("CREATE TABLE IF NOT EXISTS acked (n int PRIMARY KEY)")
            acknowledged = []
            for i in range(n):
                await conn.execute("INSERT INTO acked VALUES ($1)", i)
                acknowledged.append(i)
            return acknowledged
        finally:
            await conn.close()

    acknowledged = asyncio.run(write(300))
    pair.kill_primary()
    pair.promote()
    survived = asyncio.run(_scalar(pair.url(), "SELECT array_agg(n ORDER BY n) FROM acked"))
    assert survived == acknowledged


def test_a_lost_server_is_rebuilt_as_the_new_standby_and_replication_is_synchronous_again(pair: PostgresPair) -> None:
    first = pair.primary_server
    pair.kill_primary()
    pair.promote()
    pair.rebuild_standby()
    assert pair.standby_server is first
    assert asyncio.run(_scalar(first.url(), "SELECT pg_is_in_recovery()")) is True
    assert asyncio.run(_scalar(pair.primary_server.url(), "SHOW synchronous_standby_names")) == (
        f'ANY 1 ("{first.name}")'
    )
    asyncio.run(_scalar(pair.url(), "CREATE TABLE after_rebuild AS SELECT 1 AS one"))
    assert asyncio.run(_scalar(pair.url(), "SELECT inet_server_port()")) == pair.primary_server.port
