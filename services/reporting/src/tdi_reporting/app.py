"""Wiring of the reporting service: settings, routes, the one consumer of every domain topic, migrations."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from fastapi import FastAPI

from tdi_reporting.alerts import AlertSignal, alerts_gauge, evaluate_alerts, rules_of
from tdi_reporting.api import build_router
from tdi_reporting.background import Recurring
from tdi_reporting.dashboard import build_dashboard_router
from tdi_reporting.feed import Feed, FiguresCache, build_feed_router
from tdi_reporting.handlers import registry_for
from tdi_reporting.history import record_versions
from tdi_reporting.indicators import publish_changed
from tdi_reporting.insight_api import build_insight_router
from tdi_reporting.limits import RateLimits, StreamSlots
from tdi_reporting.notifier import NOTIFY_SQL, ChangeNotifier, channel_of
from tdi_reporting.opendata.options import OpenDataOptions
from tdi_reporting.opendata.routes import OpenData, build_open_data_router
from tdi_reporting.options import ReportingOptions
from tdi_reporting.reports_api import build_reports_router
from tdi_reporting.repositories import reporting_unit_of_work
from tdi_reporting.snapshots import take_due_snapshots_now
from tdi_reporting.store import MIGRATIONS, change_cursor
from tdi_reporting.webhooks.routes import build_webhooks_router
from tdi_reporting.webhooks.worker import WebhookMetrics, WebhookWorker
from tdi_runtime.db import Connection
from tdi_runtime.service import Runtime, create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.subscription import ConsumerSpec

SERVICE = "reporting"
DESCRIPTION = (
    "Read models folded from every domain event (territories, fiches actions, funding, VTE) at territory,"
    " département, region and national levels; exports CSV/XLSX/JSON; live dashboard; SSE feed; rebuild by replay."
)


def create_app(settings: ServiceSettings | None = None, options: ReportingOptions | None = None) -> FastAPI:
    """The reporting service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    options = options or ReportingOptions()
    channel = channel_of(settings.db_schema)
    runtime: list[Runtime] = []

    async def read_cursor() -> int:
        async with runtime[0].pool.acquire() as conn:
            return await change_cursor(conn, options.consumer_group)

    notifier = ChangeNotifier(read_cursor)
    signal = AlertSignal()
    judge_alerts = Recurring(
        "alerts",
        lambda: evaluate_alerts(runtime[0].pool, rules_of(options), datetime.now(UTC), signal),
        options.alert_interval_s,
    )
    webhooks: list[WebhookWorker] = []
    background = [
        Recurring(
            "figure-snapshots",
            lambda: take_due_snapshots_now(runtime[0].pool, options.snapshot_every_events),
            options.snapshot_interval_s,
        ),
        judge_alerts,
        Recurring("webhooks", lambda: webhooks[0].deliver_due(), options.webhook_interval_s),
    ]
    background = [task for task in background if task.interval_s > 0]  # 0: off (tests judge when they say)
    publish_indicators = Recurring(  # every interval only, not after each batch: it reads every figure
        "indicators", lambda: publish_changed(runtime[0].pool, runtime[0].outbox), options.indicators_interval_s
    )

    def after_commit() -> None:
        notifier.signal()  # this process's streams learn it at once, without the round trip
        for task in background:
            task.signal()

    async def in_commit(conn: Connection) -> None:
        await record_versions(conn)  # the new versions of the facts this batch wrote (figures as of any date)
        await conn.execute(NOTIFY_SQL, channel)  # one NOTIFY per batch, delivered at its commit

    folds = registry_for(options.definition)
    consumer = ConsumerSpec(
        group=options.consumer_group,
        topics=options.topics,
        registry=folds,
        in_commit=in_commit,
        after_commit=after_commit,
    )

    async def started(rt: Runtime) -> None:
        runtime.append(rt)
        rt.metrics.add_refresher(alerts_gauge(rt.metrics.registry, rt.settings.service))
        webhook_metrics = WebhookMetrics(rt.metrics.registry, rt.settings.service)
        rt.metrics.add_refresher(webhook_metrics.refresh)
        webhooks.append(WebhookWorker(rt.pool, options, webhook_metrics, on_disabled=judge_alerts.signal))
        await notifier.refresh_now()

    app = create_service_app(
        settings,
        title="Territoires d'industrie — reporting",
        description=DESCRIPTION,
        routers=[
            build_router(),
            build_insight_router(),
            build_feed_router(),
            build_reports_router(),
            build_dashboard_router(options),
            build_open_data_router(),
            build_webhooks_router(),
        ],
        consumers=[consumer],
        migrations_package=MIGRATIONS,
        registry=folds,
        uow=reporting_unit_of_work(),
        on_started=[started],
    )
    app.state.reporting = options
    app.state.open_data = OpenData.of(OpenDataOptions())  # TDI_REPORTING_OPEN_DATA_* settings
    app.state.alerts = signal  # `subscribe(listener)`: every alert raised or cleared by this process (issue 25)
    app.state.feed = Feed(
        notifier=notifier,
        slots=StreamSlots(options.feed_max_streams, options.feed_max_streams_per_caller),
        cache=FiguresCache(),
        limiter=RateLimits(
            {
                "reads": (options.rate_reads_per_minute, options.rate_reads_burst),
                "exports": (options.rate_exports_per_minute, options.rate_exports_burst),
                "feed": (options.rate_feed_opens_per_minute, options.rate_feed_opens_burst),
                "tickets": (options.rate_tickets_per_minute, options.rate_tickets_burst),
            }
        ),
    )
    kit_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with kit_lifespan(app):  # the kit's start (pool, migrations, consumer), then the listener
            keepalive = options.feed_listener_keepalive_s
            tasks = [asyncio.create_task(notifier.listen(settings.database_url, channel, keepalive))]
            tasks += [asyncio.create_task(task.run(), name=task.name) for task in background]
            if publish_indicators.interval_s > 0:
                tasks.append(asyncio.create_task(publish_indicators.run(), name=publish_indicators.name))
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task

    app.router.lifespan_context = lifespan
    return app
