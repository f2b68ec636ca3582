"""Command line of the reporting service: `serve` (the default) and `rebuild` (replay every domain topic)."""

from __future__ import annotations

import asyncio

import typer

from tdi_reporting.app import SERVICE, create_app
from tdi_reporting.folding import reporting_handlers
from tdi_reporting.options import ReportingOptions
from tdi_reporting.rebuild import RebuildReport, rebuild
from tdi_reporting.store import MIGRATIONS
from tdi_runtime.db import KIT_MIGRATIONS, create_pool, migrate
from tdi_runtime.serve import service_cli
from tdi_runtime.settings import ServiceSettings

cli = service_cli(create_app, SERVICE)


async def _rebuild(settings: ServiceSettings, options: ReportingOptions) -> RebuildReport:
    pool = await create_pool(settings)
    try:
        await migrate(pool, settings.db_schema, [KIT_MIGRATIONS, *MIGRATIONS])
        return await rebuild(
            pool,
            settings.kafka_bootstrap_servers,
            options.topics,
            reporting_handlers(options.definition),
            batch_max=options.rebuild_batch_max,
            security=settings.kafka_security(),
        )
    finally:
        await pool.close()


@cli.command("rebuild")
def rebuild_command() -> None:
    """Drop the read models and rebuild them from the domain topics, from offset zero."""
    report = asyncio.run(_rebuild(ServiceSettings.for_service(SERVICE), ReportingOptions()))
    typer.echo(
        f"rebuilt: {report.records} records read, {report.folded} folded, {report.skipped} skipped,"
        f" {report.seconds:.2f} s, {report.events_per_second:.0f} events/s"
    )
