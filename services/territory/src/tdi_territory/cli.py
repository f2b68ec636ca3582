"""Command line of the territory service: `serve` (the default), `seed`, `load-open-data`."""

import asyncio
from datetime import date
from pathlib import Path
from typing import Annotated

import asyncpg
import typer

from tdi_runtime.db import KIT_MIGRATIONS, create_pool, migrate
from tdi_runtime.outbox import Outbox
from tdi_runtime.pipeline import Caller, Pipeline
from tdi_runtime.serve import service_cli
from tdi_runtime.settings import ServiceSettings
from tdi_territory.app import SERVICE, create_app, reference_checked
from tdi_territory.commands import LoadOpenData, PublishReference
from tdi_territory.handlers import registry
from tdi_territory.label import store as label_store
from tdi_territory.perimeter.handlers import LoadSummary
from tdi_territory.reference.catalogue import load_reference
from tdi_territory.reference.cog import load_cog
from tdi_territory.reference.open_data import OpenDataFileError, load_open_data
from tdi_territory.repositories import TerritoryUnitOfWork, territory_unit_of_work

cli = service_cli(create_app, SERVICE)


async def _pipeline(settings: ServiceSettings) -> tuple[asyncpg.Pool, Pipeline[TerritoryUnitOfWork]]:
    """The service's pipeline outside the HTTP app: the same handlers, the command line acting as the service."""
    pool = await create_pool(settings)
    await migrate(pool, settings.db_schema, [KIT_MIGRATIONS, "tdi_territory"])
    return pool, Pipeline(registry, territory_unit_of_work(), pool, Outbox(settings.relay_shards))


@cli.command("seed")
def seed() -> None:
    """Write the reference territories and their events if the database has none (the service does it too)."""

    async def run() -> int:
        pool, pipeline = await _pipeline(ServiceSettings.for_service(SERVICE))
        try:
            published, _ = await reference_checked(pipeline)
            return published
        finally:
            await pool.close()

    typer.echo(f"{asyncio.run(run())} territoires publiés (0 : la référence était déjà en base).")


@cli.command("load-open-data")
def load_open_data_command(
    communes: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="commune → territory CSV")],
    epci: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="territory → EPCI CSV")],
    on: Annotated[str | None, typer.Option(help="Date of the changes, YYYY-MM-DD (default: today)")] = None,
) -> None:
    """Load the official open data: official ids, EPCI and communes, with their events; safe to re-run."""
    settings = ServiceSettings.for_service(SERVICE)

    async def run() -> LoadSummary:
        pool, pipeline = await _pipeline(settings)
        caller = Caller.system(SERVICE)
        try:
            await pipeline.run(PublishReference(load_reference()), caller)
            async with pool.acquire() as conn:
                listed = await label_store.listed_territories(conn)  # the annex's and any entered since (the 183rd)
            with communes.open(encoding="utf-8") as c, epci.open(encoding="utf-8") as e:
                result = load_open_data(c, e, listed)
            command = LoadOpenData(result, date.fromisoformat(on) if on else date.today())
            return await pipeline.run(command, caller, expect=LoadSummary)
        finally:
            await pool.close()

    try:
        summary = asyncio.run(run())
    except OpenDataFileError as error:
        typer.echo(f"{error.code} : {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(render_summary(summary))


def render_summary(summary: LoadSummary) -> str:
    lines = [
        f"Identifiants officiels enregistrés : {summary.official_ids_set}",
        f"EPCI rattachés : {summary.epci_joined}",
        f"Communes rattachées : {summary.communes_assigned}"
        f" (dont {summary.communes_without_event} sans événement : EPCI de la commune inconnu)",
        f"Communes apportées par leur EPCI ({load_cog().label}) : {summary.communes_from_epci}",
        "Codes de communes rattachés (anciens codes, communes déléguées, arrondissements) :"
        f" {summary.aliases_assigned}",
        f"Lignes déjà appliquées : {summary.already_applied}",
        f"Lignes refusées : {len(summary.rejected)}",
    ]
    lines += [f"  {r.file}:{r.line or '-'} {r.code} — {r.message}" for r in summary.rejected]
    lines.append(f"Avertissements (appliqués, le fichier l'emporte) : {len(summary.notices)}")
    lines += [f"  {r.file}:{r.line or '-'} {r.code} — {r.message}" for r in summary.notices]
    return "\n".join(lines)
