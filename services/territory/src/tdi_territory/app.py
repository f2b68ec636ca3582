"""Wiring of the territory service: settings, routes and migrations handed to the runtime kit, plus the
publication of the reference list at first start."""

from __future__ import annotations

import structlog
from fastapi import FastAPI

from tdi_runtime.service import Runtime, create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_territory.api import build_router
from tdi_territory.label.use_cases import correct_reference, publish_reference_if_empty
from tdi_territory.reference.catalogue import load_reference
from tdi_territory.registers.api import build_router as build_registers_router
from tdi_territory.use_cases import UseCases

SERVICE = "territory"
DESCRIPTION = (
    "The Temps II territories (182 in the press kit annex, 183 announced): geography (EPCI, communes,"
    " départements, regions) and governance (binômes élus-industriels, chefs de projet)."
)
log = structlog.get_logger(__name__)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The territory service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — territory",
        description=DESCRIPTION,
        routers=[build_router(), build_registers_router()],
        migrations_package="tdi_territory",
        on_started=[check_reference],
    )


async def check_reference(runtime: Runtime) -> None:
    """At first start, the reference list (territories + their events) is written and published once; later
    starts bring the errata of the annex to a database seeded before them (each with a new revision)."""
    use_cases = UseCases(runtime.pool, runtime.outbox)
    published = await publish_reference_if_empty(use_cases, load_reference())
    corrected = await correct_reference(use_cases, load_reference())
    log.info("reference_checked", territories_published=published, territories_corrected=corrected)
