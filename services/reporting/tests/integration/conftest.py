"""Fixtures of the reporting service's integration tests: domain topics of their own (a prefix), a schema and
a consumer group of their own, the service started in-process on them, and a publisher of contract events."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tdi_contracts.registry import spec_for
from tdi_contracts.wire import encode_event, envelope_for
from tdi_localstack.provisioning import create_topics
from tdi_reporting.app import create_app
from tdi_reporting.options import ReportingOptions
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.testing import publish_records, unique_name, until

sys.path.insert(0, str(Path(__file__).parents[1]))  # the shared synthetic scenario

STAFF_TOKEN = "test-reporting-staff"
REGIONAL_TOKEN = "test-reporting-grand-est"
READER_TOKEN = "test-reporting-reader"
FONDS_VERT_TOKEN = "test-reporting-fonds-vert"
TERRITORY_TOKEN = "test-reporting-territory"
"""A territory's chef de projet (issue 24), named by its official id: `test_territory_role.py`'s territory."""
AS_STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
"""Every read needs a token (issue 14): the tests read as national staff unless they say otherwise."""


@pytest.fixture(scope="module")
def isolation() -> dict[str, str]:
    """Topics, schema and group of this module only: other tests publish to the real domain topics."""
    name = unique_name("rep")
    return {"prefix": f"test.{name}.", "schema": f"reporting_{name}", "group": f"tdi-reporting-{name}"}


@pytest.fixture(scope="module")
def options(isolation) -> ReportingOptions:
    return ReportingOptions(topic_prefix=isolation["prefix"], consumer_group=isolation["group"])


@pytest.fixture(scope="module")
async def topics(platform_stack, options) -> list[str]:
    await create_topics(platform_stack.bootstrap_servers, [(t, 3, {}) for t in options.topics])
    return options.topics


@pytest.fixture
def settings(platform_stack, isolation) -> ServiceSettings:
    return ServiceSettings.for_service(
        "reporting",
        database_url=platform_stack.database_url,
        db_schema=isolation["schema"],
        log_json=False,
        api_tokens={
            STAFF_TOKEN: "staff",
            REGIONAL_TOKEN: "regional:44",
            READER_TOKEN: "reader",
            FONDS_VERT_TOKEN: "instructor:fonds-vert-ti",
            TERRITORY_TOKEN: "territory:ti-990001",
        },
    )


@pytest.fixture
def reporting_service(settings, options, topics) -> Callable[[], Any]:
    """`async with reporting_service() as client:` the service with its consumer, relay and routes."""

    @contextlib.asynccontextmanager
    async def _start() -> Any:
        app = create_app(settings, options)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", timeout=30, headers=AS_STAFF
            ) as client:
                yield client

    return _start


@pytest.fixture
def publish(platform_stack, options) -> Callable[[list[Any]], Any]:
    """Publish contract payloads to this module's copies of their domain topics, as their producers would."""

    async def _publish(payloads: list[Any], *, again: dict[str, list[Any]] | None = None) -> dict[str, list[Any]]:
        """Returns the records by topic; `again=` sends those very records once more (same event ids)."""
        by_topic: dict[str, list[Any]] = again or {}
        for payload in [] if again else payloads:
            spec = spec_for(payload)
            record = encode_event(envelope_for(payload, spec.service), payload)
            by_topic.setdefault(options.topic_prefix + spec.topics[0], []).append(record)
        for topic, records in by_topic.items():
            await publish_records(platform_stack.bootstrap_servers, topic, records)
        return by_topic

    return _publish


@pytest.fixture
async def db(platform_stack, isolation):
    pool = await asyncpg.create_pool(
        platform_stack.database_url, min_size=1, max_size=2, server_settings={"search_path": isolation["schema"]}
    )
    yield pool
    await pool.close()


async def eventually(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll `check` until it returns a truthy value: the kit's `until` (the bound only turns a hang into a failure)."""
    return await until(check, "the expected state", timeout_s=timeout, every_s=0.2)


async def run_cli(platform_stack, settings: ServiceSettings, options: ReportingOptions, *args: str):
    """`python -m tdi_reporting <args>` against this module's schema, topics and group: the same typer command,
    invoked in a thread of this process (a new interpreter costs many seconds on a loaded machine)."""
    from typer.testing import CliRunner

    from tdi_reporting.cli import cli

    env = {
        **platform_stack.env(),
        "TDI_REPORTING_DATABASE_URL": settings.database_url,
        "TDI_REPORTING_DB_SCHEMA": settings.db_schema,
        "TDI_REPORTING_TOPIC_PREFIX": options.topic_prefix,
        "TDI_REPORTING_CONSUMER_GROUP": options.consumer_group,
    }
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env)
    return result.exit_code, result.stdout, repr(result.exception)


@pytest.fixture
def served(settings, options, topics) -> Callable[[], Any]:
    """`async with served() as base_url:` the service over real HTTP (uvicorn on a free port), for SSE and browsers."""
    import socket

    import uvicorn

    @contextlib.asynccontextmanager
    async def _serve() -> Any:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        app = create_app(settings, options)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
        task = asyncio.create_task(server.serve())
        await eventually(lambda: _started(server))
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await task

    return _serve


async def _started(server: Any) -> bool:
    return bool(server.started)


_OFFSETS = iter(range(1, 10**9))


async def fold_directly(pool: Any, payloads: list[Any], *, definition: int = 1, group: str = "direct") -> None:
    """Apply `payloads` as one consumer batch (one tick) through reporting's folds and its in-commit hook, as the
    live consumer does, without Kafka (the records a relay would have published)."""
    from aiokafka.structs import ConsumerRecord

    from tdi_reporting.handlers import registry_for
    from tdi_reporting.history import record_versions
    from tdi_reporting.repositories import reporting_unit_of_work
    from tdi_runtime.consumer import EventConsumer
    from tdi_runtime.outbox import Outbox
    from tdi_runtime.testing import DetachedConsumer

    records = []
    for payload in payloads:
        spec = spec_for(payload)
        producer = "platform" if spec.service == "partners" else spec.service  # the kit answers as the platform
        key, value, headers = encode_event(envelope_for(payload, producer), payload)
        offset = next(_OFFSETS)
        records.append(ConsumerRecord(spec.topics[0], 0, offset, 0, 0, key, value, None, 0, len(value), headers))
    consumer = EventConsumer(
        service="reporting",
        group=group,
        pool=pool,
        outbox=Outbox(),
        registry=registry_for(definition),
        unit_of_work=reporting_unit_of_work(),
        in_commit=lambda conn: record_versions(conn),
    )
    assert await consumer.handle_batch(records, DetachedConsumer())


async def set_tick_times(pool: Any, times: dict[int, str]) -> None:
    """Say when ticks committed (tests of dates: the history as if written on those days, Paris time)."""
    async with pool.acquire() as conn:
        for tick, at in times.items():
            await conn.execute("UPDATE ticks SET at = $2::text::timestamp AT TIME ZONE 'Europe/Paris' WHERE tick = $1",
                               tick, at)  # fmt: skip
