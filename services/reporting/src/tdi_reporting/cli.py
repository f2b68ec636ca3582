"""Command line of the reporting service: `serve` (the default), `rebuild` (replay every domain topic) and `report`
(the steering committee's report of a zone, PDF and XLSX)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from tdi_reporting.app import SERVICE, create_app
from tdi_reporting.folding import reporting_handlers
from tdi_reporting.options import ReportingOptions
from tdi_reporting.rebuild import RebuildReport, rebuild
from tdi_runtime.db import KIT_MIGRATIONS, create_pool, migrate
from tdi_runtime.serve import service_cli
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.territories import TERRITORY_MIGRATIONS

cli = service_cli(create_app, SERVICE)


async def _rebuild(settings: ServiceSettings, options: ReportingOptions) -> RebuildReport:
    pool = await create_pool(settings)
    try:
        await migrate(pool, settings.db_schema, [KIT_MIGRATIONS, "tdi_reporting", TERRITORY_MIGRATIONS])
        return await rebuild(
            pool,
            settings.kafka_bootstrap_servers,
            options.topics,
            reporting_handlers(),
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


async def _report(
    settings: ServiceSettings, options: ReportingOptions, zone: str, as_of: str | None, out: Path
) -> list[Path]:
    from tdi_reporting.report.making import make_report
    from tdi_reporting.report.pdf import render_pdf
    from tdi_reporting.report.workbook import render_xlsx
    from tdi_reporting.report.zone import parse_zone
    from tdi_reporting.use_cases import Reporting
    from tdi_runtime.access import Access

    where = parse_zone(zone)
    pool = await create_pool(settings)
    try:
        document = await make_report(Reporting(pool, options.consumer_group), where, as_of, Access("cli", "national"))
    finally:
        await pool.close()
    return await asyncio.to_thread(
        _write,
        out,
        f"rapport-comite-de-pilotage-{where.slug}-{document.as_of[:10]}",
        {".pdf": render_pdf(document), ".xlsx": render_xlsx(document)},
    )


def _write(out: Path, stem: str, files: dict[str, bytes]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, body in files.items():
        (path := out / f"{stem}{suffix}").write_bytes(body)
        written.append(path)
    return written


@cli.command("report")
def report_command(
    zone: Annotated[str, typer.Option(help="national, region:44, departement:51 or territory:<id>")] = "national",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Situation date AAAA-MM-JJ (default: now)")] = None,
    out: Annotated[Path, typer.Option(help="Folder the PDF and its XLSX companion are written to")] = Path("."),
) -> None:
    """The steering committee's report of a zone: a PDF in French and its XLSX companion (national access)."""
    from tdi_runtime.errors import DomainError

    try:
        written = asyncio.run(_report(ServiceSettings.for_service(SERVICE), ReportingOptions(), zone, as_of, out))
    except DomainError as refused:
        typer.echo(f"{refused.code}: {refused.message}", err=True)
        raise typer.Exit(2) from None
    for path in written:
        typer.echo(f"written: {path} ({path.stat().st_size} bytes)")
