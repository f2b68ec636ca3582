"""Wiring of the reporting service: settings, routes, the one consumer of every domain topic, migrations."""

from __future__ import annotations

from fastapi import FastAPI

from tdi_reporting.api import build_router
from tdi_reporting.dashboard import build_dashboard_router
from tdi_reporting.feed import FiguresCache, build_feed_router
from tdi_reporting.folding import reporting_handlers
from tdi_reporting.options import ReportingOptions
from tdi_runtime.service import create_service_app
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
    consumer = ConsumerSpec(group=options.consumer_group, topics=options.topics, handlers=reporting_handlers())
    app = create_service_app(
        settings,
        title="Territoires d'industrie — reporting",
        description=DESCRIPTION,
        routers=[build_router(), build_feed_router(), build_dashboard_router()],
        consumers=[consumer],
        migrations_package=["tdi_reporting", TERRITORY_MIGRATIONS],
    )
    app.state.reporting = options
    app.state.figures_cache = FiguresCache()
    return app
