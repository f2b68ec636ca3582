"""Command line of the reporting service: `serve` (the default), `rebuild` (replay every domain topic), `report`
(the steering committee's report of a zone, PDF and XLSX), `shadow` and `compare` (a new fold definition computed
from the history beside the published one) and `reconcile` (the money ledger's gaps)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from tdi_contracts.money import format_eur
from tdi_reporting.app import SERVICE, create_app
from tdi_reporting.asof import AsOf
from tdi_reporting.folding import UnknownDefinitionError
from tdi_reporting.handlers import registry_for
from tdi_reporting.ledger import Rules
from tdi_reporting.options import ReportingOptions
from tdi_reporting.rebuild import RebuildReport, rebuild
from tdi_reporting.shadow import NoShadowError, build_shadow, compare
from tdi_reporting.store import MIGRATIONS
from tdi_reporting.use_cases import Reporting
from tdi_runtime.db import KIT_MIGRATIONS, create_pool, migrate
from tdi_runtime.pipeline.caller import Caller
from tdi_runtime.serve import service_cli
from tdi_runtime.settings import ServiceSettings

cli = service_cli(create_app, SERVICE)
RECONCILER = Caller("reporting-reconcile", "national")


async def _rebuild(settings: ServiceSettings, options: ReportingOptions) -> RebuildReport:
    pool = await create_pool(settings)
    try:
        await migrate(pool, settings.db_schema, [KIT_MIGRATIONS, *MIGRATIONS])
        return await rebuild(
            pool,
            settings.kafka_bootstrap_servers,
            options.topics,
            registry_for(options.definition),
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
    from tdi_runtime.pipeline.caller import Caller

    where = parse_zone(zone)
    pool = await create_pool(settings)
    try:
        document = await make_report(Reporting(pool, options.consumer_group), where, as_of, Caller("cli", "national"))
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


async def _with_pool(settings: ServiceSettings, work: Any) -> Any:
    pool = await create_pool(settings)
    try:
        await migrate(pool, settings.db_schema, [KIT_MIGRATIONS, *MIGRATIONS])
        return await work(pool)
    finally:
        await pool.close()


@cli.command("shadow")
def shadow_command(
    definition: int = typer.Option(..., "--definition", help="The fold definition to compute (folding.DEFINITIONS)"),
) -> None:
    """Fold the event history with another definition into the schema <schema>_shadow (the live figures untouched)."""
    try:
        registry_for(definition)
    except UnknownDefinitionError as unknown:
        typer.echo(f"shadow: {unknown}")
        raise typer.Exit(2) from None
    options = ReportingOptions()
    report = asyncio.run(
        _with_pool(
            ServiceSettings.for_service(SERVICE),
            lambda pool: build_shadow(pool, definition, batch=options.rebuild_batch_max),
        )
    )
    typer.echo(
        f"shadow: definition {report.definition} folded {report.events} events of the history up to tick"
        f" {report.tick} in {report.seconds:.2f} s; `compare` lists what it changes"
    )


@cli.command("compare")
def compare_command(as_json: bool = typer.Option(False, "--json", help="The differences as a JSON list")) -> None:
    """Every figure the shadow definition would change: read model, level, zone, dimensions, published, shadow."""
    try:
        info, differences = asyncio.run(_with_pool(ServiceSettings.for_service(SERVICE), compare))
    except NoShadowError as missing:
        typer.echo(f"compare: {missing}")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(differences, ensure_ascii=False, default=str))
        return
    typer.echo(f"definition {info['definition']} (shadow of tick {info['tick']}, {info['events']} events):")
    for d in differences:
        dims = ", ".join(f"{k}={v}" for k, v in d["dimensions"].items())
        typer.echo(
            f"  {d['read_model']} {d['level']} {d['zone']} {dims} {d['measure']}: {d['published']} -> {d['shadow']}"
        )
    typer.echo(f"{len(differences)} figure(s) differ")


@cli.command("reconcile")
def reconcile_command(
    year: int | None = typer.Option(None, "--year", help="Only the gaps of this year"),
    as_of: str | None = typer.Option(None, "--as-of", help="Judge as of this date (YYYY-MM-DD); default: now"),
    as_json: bool = typer.Option(False, "--json", help="The gaps as a JSON list"),
) -> None:
    """The money ledger's gaps (committed vs paid by the State vs paid out by the operator), each with its cause;
    exits 1 when a gap remains unexplained (beyond its payment period, and no staff note), else 0."""
    options = ReportingOptions()

    async def ledger(pool: Any) -> dict[str, Any]:
        reads = Reporting(pool, options.consumer_group, Rules(options.ledger_payment_due_days))
        return await reads.ledger(year, None, None, None, RECONCILER, AsOf.parse(as_of) if as_of else None)

    found = asyncio.run(_with_pool(ServiceSettings.for_service(SERVICE), ledger))
    gaps, unexplained = found["ecarts"], found["ecarts_non_expliques"]
    if as_json:
        typer.echo(json.dumps(gaps, ensure_ascii=False, default=str))
    else:
        for g in gaps:
            state = "expliqué" if g["explique"] else "NON EXPLIQUÉ"
            typer.echo(
                f"{g['reference']} {g['libelle_cause']} | {g['programme']} {g['code_enveloppe'] or '-'}"
                f" {g['territoire'] or '-'} {g['annee']} | {g['objet']} | écart {format_eur(g['ecart_centimes'])}"
                f" (engagé {format_eur(g['engage_centimes'])}, versé {format_eur(g['verse_centimes'])}) | {state}"
                + (f" : {g['explication']}" if g["explication"] else "")
            )
        scope = f" in {year}" if year else ""
        typer.echo(f"reconcile: {len(gaps)} gap(s){scope}, {unexplained} unexplained")
    if unexplained:
        raise typer.Exit(1)
