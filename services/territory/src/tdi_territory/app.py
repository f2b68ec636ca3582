"""Wiring of the territory service: settings, routes, its registry and unit of work, and migrations handed to the
runtime kit, plus the publication of the reference list at first start."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from fastapi import FastAPI

from tdi_runtime.doors.demarches.client import DemarchesClient
from tdi_runtime.doors.demarches.metrics import DemarchesMetrics
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.doors.demarches.wiring import DemarchesWiring
from tdi_runtime.pipeline import Caller, Pipeline
from tdi_runtime.service import Runtime, create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_territory.api import build_router
from tdi_territory.commands import CorrectReference, PublishReference
from tdi_territory.handlers import registry
from tdi_territory.reference.catalogue import load_reference
from tdi_territory.registers import demarches
from tdi_territory.registers.api import build_router as build_registers_router
from tdi_territory.repositories import TerritoryUnitOfWork, territory_unit_of_work

SERVICE = "territory"
DESCRIPTION = (
    "The Temps II territories (182 in the press kit annex, 183 announced): geography (EPCI, communes,"
    " départements, regions) and governance (binômes élus-industriels, chefs de projet)."
)
log = structlog.get_logger(__name__)


def create_app(
    settings: ServiceSettings | None = None,
    *,
    ds: DemarchesSettings | None = None,
    ds_client: Callable[[DemarchesSettings, DemarchesMetrics], DemarchesClient] | None = None,
) -> FastAPI:
    """The territory service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given).

    `ds`: the Démarches simplifiées door (`TDI_TERRITORY_DS_*`; closed without settings files); `ds_client` builds
    its client (tests: the local DS)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    door = DemarchesWiring(  # the candidacy démarche of the sites clés en main (`registers.demarches`)
        ds or DemarchesSettings.for_service(SERVICE),
        translators={demarches.KIND: demarches.changes},
        caller=Caller.system("demarches-simplifiees"),
        client=ds_client,
    )
    app = create_service_app(
        settings,
        title="Territoires d'industrie — territory",
        description=DESCRIPTION,
        routers=[build_router(), build_registers_router(), door.router],
        migrations_package="tdi_territory",
        on_started=[check_reference, door.start],
        registry=registry,
        uow=territory_unit_of_work(),
    )
    app.state.demarches = door
    return app


async def check_reference(runtime: Runtime) -> None:
    """At first start, the reference list (territories + their events) is written and published once; later
    starts bring the errata of the annex to a database seeded before them (each with a new revision)."""
    assert runtime.pipeline is not None  # create_service_app(registry=...) built it before the start-up hooks
    published, corrected = await reference_checked(runtime.pipeline)
    log.info("reference_checked", territories_published=published, territories_corrected=corrected)


async def reference_checked(pipeline: Pipeline[TerritoryUnitOfWork]) -> tuple[int, list[str]]:
    """The annex published if the database has none, then its errata applied (the service itself acts)."""
    caller = Caller.system(SERVICE)
    published = await pipeline.run(PublishReference(load_reference()), caller, expect=int)
    corrected = await pipeline.run(CorrectReference(load_reference()), caller, expect=list)
    return published, corrected
