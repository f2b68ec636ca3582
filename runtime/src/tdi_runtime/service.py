"""Wires one service the same way as every other: pool, migrations, relay, consumers, HTTP app, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker

from tdi_runtime.consumer import EventConsumer
from tdi_runtime.db import KIT_MIGRATIONS, create_pool, migrate
from tdi_runtime.docs import install_api_docs
from tdi_runtime.http import health_router, install_error_handlers, install_tracing
from tdi_runtime.http_edge import EdgeMiddleware
from tdi_runtime.idempotency import install_idempotency
from tdi_runtime.kafka import aiokafka_speedups_loaded, create_producer, faststream_security
from tdi_runtime.logs import configure_logging
from tdi_runtime.metrics import Metrics
from tdi_runtime.offsets import OffsetCommitter
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline import Pipeline, Registry, UnitOfWorkFactory, plain_unit_of_work
from tdi_runtime.relay import Relay
from tdi_runtime.retention import Retention, run_retention
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.subscription import ConsumerSpec, subscribe
from tdi_runtime.tracing import configure_tracing

log = structlog.get_logger(__name__)


@dataclass
class Runtime:
    """What routes and handlers reach through `app.state.runtime`."""

    settings: ServiceSettings
    metrics: Metrics
    outbox: Outbox
    migration_packages: list[str]
    pool: asyncpg.Pool = None  # type: ignore[assignment]
    producer: Any = None
    broker: KafkaBroker | None = None
    relay: Relay | None = None
    consumers: list[EventConsumer] = field(default_factory=list)
    committers: list[OffsetCommitter] = field(default_factory=list)
    pipeline: Pipeline[Any] | None = None
    """The one-command door of the service's registry (`Pipeline.of(request)` in a route)."""
    relay_task: asyncio.Task[None] | None = None
    retention_task: asyncio.Task[None] | None = None
    doors: list[Any] = field(default_factory=list)  # doors started by on_started hooks (tdi_runtime.doors)


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    consumers: Sequence[ConsumerSpec] = (),
    migrations_package: str | Sequence[str] | None = None,
    on_started: Sequence[Callable[[Runtime], Awaitable[None]]] = (),
    registry: Registry[Any] | None = None,
    uow: UnitOfWorkFactory[Any] | None = None,
) -> FastAPI:
    """The FastAPI app of a service; its lifespan starts and stops everything else. `registry` and `uow` (its
    unit of work factory) make the service's pipeline: HTTP routes run commands through `Pipeline.of(request)`,
    consumers apply their registry's handlers on the same unit of work."""
    unit_of_work = uow or plain_unit_of_work(settings.service)
    runtime = Runtime(
        settings=settings,
        metrics=Metrics(settings.service),
        outbox=Outbox(settings.relay_shards),
        migration_packages=[KIT_MIGRATIONS, *_packages(migrations_package)],
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service, settings.log_level, settings.log_json)
        configure_tracing(settings.service)
        aiokafka_speedups_loaded()
        await _start(runtime, consumers, unit_of_work)
        if registry is not None:
            runtime.pipeline = Pipeline(registry, unit_of_work, runtime.pool, runtime.outbox)
        for hook in on_started:  # after migrations, before the first request is served
            await hook(runtime)
        log.info("service_started", http_port=settings.http_port)
        try:
            yield
        finally:
            began = time.monotonic()
            await _stop(runtime)
            log.warning("service_stopped", graceful=True, shutdown_s=round(time.monotonic() - began, 3))

    # /docs is the kit's (Swagger UI served by the service, no CDN: tdi_runtime.docs); ReDoc is off
    app = FastAPI(
        title=title, description=description, version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    configure_tracing(settings.service)  # here, not only in the lifespan: the HTTP instrumentation depends on it
    install_tracing(app)
    install_idempotency(app)
    app.add_middleware(EdgeMiddleware, max_body_bytes=settings.http_max_body_bytes)  # the outermost
    app.include_router(health_router())
    install_api_docs(app)
    for router in routers:
        app.include_router(router)
    return app


def _packages(migrations: str | Sequence[str] | None) -> list[str]:
    """The service's migration packages after the kit's: its own, then e.g. the territory projection's."""
    if migrations is None:
        return []
    return [migrations] if isinstance(migrations, str) else list(migrations)


async def _start(rt: Runtime, specs: Sequence[ConsumerSpec], unit_of_work: UnitOfWorkFactory[Any]) -> None:
    s = rt.settings
    rt.pool = await create_pool(s)
    await migrate(rt.pool, s.db_schema, rt.migration_packages)
    rt.producer = create_producer(s.kafka_bootstrap_servers, f"tdi-{s.service}-relay", **s.kafka_security())
    await rt.producer.start()
    rt.relay = Relay(
        rt.pool,
        rt.producer,
        schema=s.db_schema,
        shards=s.relay_shards,
        batch_size=s.relay_batch_size,
        batch_max_bytes=s.relay_batch_max_bytes,
        max_attempts=s.relay_max_attempts,
        topics=rt.outbox.topics,
        poll_interval_s=s.relay_poll_interval_s,
        backoff_max_s=s.retry_backoff_max_s,
        metrics=rt.metrics,
    )
    if s.start_relay:
        rt.relay_task = asyncio.create_task(rt.relay.run(), name=f"relay-{s.service}")
    if s.start_retention:
        retention = run_retention(rt.pool, Retention.of(s), s.retention_interval_s, rt.metrics)
        rt.retention_task = asyncio.create_task(retention, name=f"retention-{s.service}")
    rt.broker = KafkaBroker(
        s.kafka_bootstrap_servers.split(","),  # FastStream takes a string as one host, aiokafka a list as several
        client_id=f"tdi-{s.service}",
        graceful_timeout=s.shutdown_timeout_s,
        log_level=logging.DEBUG,
        security=faststream_security(s.kafka_security()),
    )
    for spec in specs:
        committer = OffsetCommitter(s.commit_interval_s)
        consumer = EventConsumer(
            service=s.service,
            group=spec.group,
            pool=rt.pool,
            outbox=rt.outbox,
            registry=spec.registry,
            unit_of_work=unit_of_work,
            prefetch=s.consumer_batch_prefetch,
            metrics=rt.metrics,
            committer=committer,
            feedback=spec.feedback,
            strict=spec.strict,
            backoff_max_s=s.retry_backoff_max_s,
            on_outbox=rt.relay.wake,
            in_commit=spec.in_commit,
            after_commit=spec.after_commit,
        )
        rt.consumers.append(consumer)
        rt.committers.append(committer)
        subscribe(rt.broker, spec, consumer, s)
    if s.start_consumers and specs:
        await rt.broker.start()
        for committer in rt.committers:
            committer.start()


async def _stop(rt: Runtime) -> None:
    """Stop consuming, let the batch in flight finish and commit, flush the relay, close connections."""
    if rt.retention_task is not None:
        rt.retention_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await rt.retention_task
    for door in rt.doors:  # the round in flight finishes its dossier's transaction
        await door.stop()
    for consumer in rt.consumers:
        consumer.stopping = True
    for committer in rt.committers:
        committer.closing = True
        await committer.flush()
    if rt.broker is not None:
        with contextlib.suppress(Exception):
            await rt.broker.stop()
    for committer in rt.committers:
        await committer.close()
    if rt.relay is not None and rt.relay_task is not None:
        rt.relay.stop()  # finishes the batch in flight (no re-send at next start), then drains what is left
        try:
            await asyncio.wait_for(rt.relay_task, rt.settings.shutdown_timeout_s / 2)
        except Exception:  # timed out (or failed): stop waiting, cancel
            rt.relay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await rt.relay_task
    if rt.producer is not None:
        await rt.producer.stop()
    if rt.pool is not None:
        await rt.pool.close()
