"""Wiring of the reporting service: settings, routes, the one consumer of every domain topic, migrations."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from tdi_reporting.api import build_router
from tdi_reporting.dashboard import build_dashboard_router
from tdi_reporting.feed import Feed, FiguresCache, build_feed_router
from tdi_reporting.folding import reporting_handlers
from tdi_reporting.limits import RateLimits, StreamSlots
from tdi_reporting.notifier import NOTIFY_SQL, ChangeNotifier, channel_of
from tdi_reporting.opendata.options import OpenDataOptions
from tdi_reporting.opendata.routes import OpenData, build_open_data_router
from tdi_reporting.options import ReportingOptions
from tdi_reporting.reports_api import build_reports_router
from tdi_reporting.store import change_cursor
from tdi_runtime.db import Connection
from tdi_runtime.service import Runtime, create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.subscription import ConsumerSpec
from tdi_runtime.territories import TERRITORY_MIGRATIONS

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

    async def notify_in_commit(conn: Connection) -> None:  # one NOTIFY per batch, delivered at its commit
        await conn.execute(NOTIFY_SQL, channel)

    consumer = ConsumerSpec(
        group=options.consumer_group,
        topics=options.topics,
        handlers=reporting_handlers(),
        in_commit=notify_in_commit,
        after_commit=notifier.signal,  # this process's streams learn it at once, without the round trip
    )

    async def started(rt: Runtime) -> None:
        runtime.append(rt)
        await notifier.refresh_now()

    app = create_service_app(
        settings,
        title="Territoires d'industrie — reporting",
        description=DESCRIPTION,
        routers=[
            build_router(),
            build_feed_router(),
            build_reports_router(),
            build_dashboard_router(options),
            build_open_data_router(),
        ],
        consumers=[consumer],
        migrations_package=["tdi_reporting", TERRITORY_MIGRATIONS],
        on_started=[started],
    )
    app.state.reporting = options
    app.state.open_data = OpenData.of(OpenDataOptions())  # TDI_REPORTING_OPEN_DATA_* settings
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
            listener = asyncio.create_task(notifier.listen(settings.database_url, channel, keepalive))
            try:
                yield
            finally:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await listener

    app.router.lifespan_context = lifespan
    return app
