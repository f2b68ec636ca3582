"""The kit's pool after a PostgreSQL failover: it carries on against the new primary without a restart.

A real primary and its synchronous standby (`tdi_localstack.postgres_standby.PostgresPair`), reached through the
multi-host address with `target_session_attrs=read-write`, as the local cluster stack gives the services.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from tdi_localstack.postgres_standby import PostgresPair
from tdi_runtime.db import create_pool
from tdi_runtime.errors import is_transient
from tdi_runtime.settings import ServiceSettings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ATTEMPTS = 3
"""A consumer batch or an HTTP retry: the first attempt may meet the failover, the next ones must not."""


@pytest.fixture
def pair() -> Iterator[PostgresPair]:
    folder = Path(tempfile.mkdtemp(prefix="tdi-kit-failover-"))
    servers = PostgresPair(folder)
    try:
        servers.start()
        servers.add_standby()
        yield servers
    finally:
        servers.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def pool(pair: PostgresPair) -> AsyncIterator[asyncpg.Pool]:
    settings = ServiceSettings.for_service("probe", database_url=pair.url(), db_schema="public", db_pool_max=4)
    pool = await create_pool(settings)
    await pool.execute("CREATE TABLE writes (n int PRIMARY KEY)")
    yield pool
    await pool.close()


async def write(pool: asyncpg.Pool, n: int) -> tuple[int, list[str]]:
    """Insert `n` as the kit's consumers and routes do: a transient error is retried, anything else is a defect.
    Returns the port of the server that took the write and the errors met on the way."""
    errors: list[str] = []
    for _ in range(ATTEMPTS):
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("INSERT INTO writes VALUES ($1)", n)
                return int(await conn.fetchval("SELECT inet_server_port()")), errors
        except Exception as error:
            assert is_transient(error), f"not classed transient, would be dead-lettered or a 500: {error!r}"
            errors.append(type(error).__name__)
    raise AssertionError(f"write {n} never went through in {ATTEMPTS} attempts: {errors}")


async def test_pooled_connections_to_a_killed_primary_are_replaced_by_ones_to_the_promoted_standby(pair, pool):
    assert (await write(pool, 1))[0] == pair.primary_server.port
    pair.kill_primary()
    await asyncio.to_thread(pair.promote)  # the operator's failover (it runs its own event loop)
    port, errors = await write(pool, 2)
    assert port == pair.primary_server.port
    assert await pool.fetchval("SELECT array_agg(n ORDER BY n) FROM writes") == [1, 2]
    print(f"errors met once the primary was killed: {errors}")


async def test_a_pool_whose_server_turned_read_only_reconnects_to_the_writable_one(pair, pool):
    """The primary demoted under live pooled connections (a switchover, or a read-write address that still led to
    the old server): each write fails read-only, and the pool must not keep handing out those connections."""
    old, new = pair.primary_server, pair.standby_server
    async with pool.acquire() as a, pool.acquire() as b:  # several pooled connections to the old primary
        assert {await a.fetchval("SELECT inet_server_port()"), await b.fetchval("SELECT 1")} == {old.port, 1}
    promoted = await asyncpg.connect(new.url())
    demoted = await asyncpg.connect(old.url())
    try:
        await promoted.fetchval("SELECT pg_promote()")
        await demoted.execute("ALTER SYSTEM SET default_transaction_read_only = on")
        await demoted.fetchval("SELECT pg_reload_conf()")
    finally:
        await promoted.close()
        await demoted.close()
    port, errors = await write(pool, 3)
    assert port == new.port, errors
    port, errors = await write(pool, 4)
    assert (port, errors) == (new.port, []), "every pooled connection to the read-only server was replaced"
