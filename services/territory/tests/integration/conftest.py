"""Fixtures of the territory service's integration tests: a schema of its own per test module, the service
started in-process on it, and what it published (outbox rows, then the broker's records)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tdi_contracts.envelope import decode_event
from tdi_runtime.kafka import read_to_end
from tdi_runtime.testing import unique_name, until
from tdi_territory.app import create_app

FIXTURES = Path(__file__).parents[1] / "unit" / "fixtures"


@pytest.fixture(scope="module")
def schema() -> str:
    """The shared test database serves other tests too: this module's service works in its own schema."""
    return unique_name("territory_t")


STAFF_TOKEN = "test-staff-token"
READER_TOKEN = "test-reader-token"
BRETAGNE_TOKEN = "test-regional-bretagne-token"


@pytest.fixture
def territory_service(run_service, platform_stack, schema):
    """`async with territory_service() as (app, client):` starts the service (kit lifespan included) on the
    schema; the client acts as programme staff (bearer token with role staff) unless `as_staff=False`."""

    @contextlib.asynccontextmanager
    async def _start(as_staff: bool = True, **overrides: Any) -> Any:
        tokens = {STAFF_TOKEN: "staff", READER_TOKEN: "reader", BRETAGNE_TOKEN: "regional:53"}
        async with run_service(
            create_app,
            "territory",
            database_url=platform_stack.database_url,
            db_schema=schema,
            api_tokens=tokens,
            **overrides,
        ) as (app, client):
            if as_staff:
                client.headers["Authorization"] = f"Bearer {STAFF_TOKEN}"
            yield app, client

    return _start


@pytest.fixture
async def db(platform_stack, schema):
    pool = await asyncpg.create_pool(
        platform_stack.database_url, min_size=1, max_size=2, server_settings={"search_path": schema}
    )
    yield pool
    await pool.close()


async def wait_until_relayed(db: asyncpg.Pool, timeout: float = 60.0) -> None:
    """Every outbox row acknowledged by the broker (polled by the kit's `until`; the bound only fails a hang)."""

    async def relayed() -> bool:
        return not await db.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")

    await until(relayed, "the relay did not publish the outbox", timeout_s=timeout)


async def published(bootstrap: str, topic: str, event_ids: set[str]) -> list[tuple[Any, Any, bytes]]:
    """(envelope, payload, key) of the records of `topic` whose event id is in `event_ids`, one per event id.

    Reads the whole topic up to its current end (other tests publish there too) and keeps this run's events.
    Delivery is at least once: a relay stopped between the broker's ack and its database update publishes
    the row again at the next start, and consumers drop the copy by event id, as this does.
    """
    found: list[tuple[Any, Any, bytes]] = []
    seen: set[str] = set()
    for r in await read_to_end(bootstrap, topic):
        header_ids = [v for k, v in r.headers if k == "ce_id"]
        if header_ids and header_ids[0].decode() in event_ids - seen:
            seen.add(header_ids[0].decode())
            envelope, payload = decode_event(r.key, r.value, r.headers)
            found.append((envelope, payload, r.key))
    return found


async def outbox_ids(db: asyncpg.Pool, topic: str) -> set[str]:
    return {r["event_id"] for r in await db.fetch("SELECT event_id FROM outbox WHERE topic = $1", topic)}


async def run_cli(platform_stack, *args: str, schema: str) -> tuple[int, str, str]:
    """`python -m tdi_territory <args>` against this module's schema, as staff would run it."""
    env = {
        **os.environ,
        **platform_stack.env(),
        "TDI_TERRITORY_DATABASE_URL": platform_stack.database_url,
        "TDI_TERRITORY_DB_SCHEMA": schema,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tdi_territory",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
