"""Command line of the actions service: `serve` (the default), `import FILE`, `demo`."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import asyncpg
import typer

from tdi_actions.app import SERVICE, create_app
from tdi_actions.demo import LAUNCH, MARNE, DemoTerritory, as_rows, demo_plan
from tdi_actions.handlers import registry
from tdi_actions.importing.bounded import read_table_in_worker
from tdi_actions.importing.spreadsheet import Table
from tdi_actions.importing.use_case import ImportPlan, ImportReport
from tdi_actions.repositories import ActionsUnitOfWork, actions_unit_of_work
from tdi_actions.settings import ImportSettings
from tdi_runtime.db import KIT_MIGRATIONS, create_pool, migrate
from tdi_runtime.errors import DomainError
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline import Caller, Pipeline
from tdi_runtime.serve import service_cli
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.territories import TERRITORY_MIGRATIONS, list_territories

cli = service_cli(create_app, SERVICE)


async def _pipeline(settings: ServiceSettings) -> tuple[asyncpg.Pool, Pipeline[ActionsUnitOfWork]]:
    """The service's pipeline outside the HTTP app: the same handlers, the command line acting as the service."""
    pool = await create_pool(settings)
    await migrate(pool, settings.db_schema, [KIT_MIGRATIONS, "tdi_actions", TERRITORY_MIGRATIONS])
    return pool, Pipeline(registry, actions_unit_of_work(), pool, Outbox(settings.relay_shards))


async def imported(pipeline: Pipeline[ActionsUnitOfWork], table: Table, on: date) -> ImportReport:
    """The import handler, run by the service itself (every territory within reach)."""
    return await pipeline.run(ImportPlan(table, on), Caller.system(SERVICE), expect=ImportReport)


async def load_demo(pipeline: Pipeline[ActionsUnitOfWork], seed: int = 2023, wait_s: float = 0.0) -> ImportReport:
    """The synthetic national plan over the labelled territories known locally, through the import use case.

    The service fills the territory projection from the reference topic; `wait_s` gives it time at first start.
    """
    deadline = asyncio.get_running_loop().time() + wait_s
    while True:
        async with pipeline.pool.acquire() as conn:
            known = [t for t in await list_territories(conn) if t.labelled]
        if any(MARNE in t.departements for t in known) or asyncio.get_running_loop().time() >= deadline:
            break
        await asyncio.sleep(1.0)
    territories = [DemoTerritory(t.territory_id, t.name, t.departements) for t in known]
    return await imported(pipeline, Table(as_rows(demo_plan(territories, seed))), LAUNCH)


def _run(table: Table | None, on: date | None, seed: int, wait_s: float) -> ImportReport:
    """The import of `table`, or the demonstration when there is none."""

    async def run() -> ImportReport:
        pool, pipeline = await _pipeline(ServiceSettings.for_service(SERVICE))
        try:
            if table is None:
                return await load_demo(pipeline, seed, wait_s)
            return await imported(pipeline, table, on or datetime.now(UTC).date())
        finally:
            await pool.close()

    return asyncio.run(run())


def _print(report: ImportReport, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    s = report.summary()
    typer.echo(f"Créées : {s['created']} · modifiées : {s['updated']} · inchangées : {s['unchanged']}"
               f" · refusées : {s['refused']}")  # fmt: skip
    for row in report.rows:
        if row.outcome == "refused":
            typer.echo(f"  ligne {row.line} {row.code} — {row.reason}")


@cli.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="XLSX or CSV action plan")],
    on: Annotated[str | None, typer.Option(help="Date of the revisions, YYYY-MM-DD (default: today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The full per-row report as JSON")] = False,
) -> None:
    """Import an action plan; every row is reported (created, updated, unchanged or refused with its reason)."""
    limits = ImportSettings()
    try:
        table = read_table_in_worker(path.read_bytes(), limits)
    except DomainError as error:
        typer.echo(f"{error.code} : {error.message}", err=True)
        raise typer.Exit(2) from error
    report = _run(table, date.fromisoformat(on) if on else None, 0, 0.0)
    _print(report, as_json)


@cli.command("demo")
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the generator (same seed, same plan)")] = 2023,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the territories to be known")] = 60.0,
) -> None:
    """Load the synthetic national plan (2,150 fiches, every one labelled synthetic); safe to re-run."""
    try:
        report = _run(None, None, seed, wait)
    except ValueError as error:
        typer.echo(f"DEMO_NEEDS_TERRITORIES : territoires inconnus ({error}) ; le service a-t-il démarré ?", err=True)
        raise typer.Exit(2) from error
    _print(report, False)
