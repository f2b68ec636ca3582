"""Wiring of the funding service: settings, routes, consumers, migrations, the handler registry and the unit of
work handed to the runtime kit, and the envelopes of the catalogue opened at first start."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from fastapi import FastAPI

from tdi_funding.actor import DEMARCHES
from tdi_funding.api import build_router
from tdi_funding.commands import OpenCatalogueEnvelopes
from tdi_funding.demarches import FundingCommand, translate
from tdi_funding.gauges import start_envelope_gauges
from tdi_funding.handlers import GROUP, consumer_spec, registry
from tdi_funding.repositories import PRODUCER, funding_unit_of_work
from tdi_funding.settings import FundingRules
from tdi_runtime import chain_routes
from tdi_runtime.doors.demarches.settings import DemarchesSettings
from tdi_runtime.doors.demarches.wiring import DemarchesWiring
from tdi_runtime.doors.http_partner import partner_door
from tdi_runtime.pipeline import Caller
from tdi_runtime.service import Runtime, create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.territories import TERRITORY_MIGRATIONS

SERVICE = "funding"
DESCRIPTION = (
    "Programmes and envelopes, applications, decisions, commitments and payments; an envelope is never over-committed."
)
log = structlog.get_logger(__name__)


def create_app(
    settings: ServiceSettings | None = None,
    *,
    group: str = GROUP,
    rules: FundingRules | None = None,
    demarches: DemarchesSettings | None = None,
) -> FastAPI:
    """The funding service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given).

    `group`: the consumer group (tests run beside each other on one broker with their own); `rules`: the platform
    rules that are settings (`TDI_FUNDING_*`, `tdi_funding.settings`); `demarches`: the Démarches simplifiées door
    (`TDI_FUNDING_DS_*`; without settings files it stays closed)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    rules = rules or FundingRules()
    door = demarches_door(demarches or DemarchesSettings.for_service(SERVICE))
    return create_service_app(
        settings,
        title="Territoires d'industrie — funding",
        description=DESCRIPTION,
        routers=[build_router(), partner_door(SERVICE, group=group), chain_routes.router(), door.router],
        consumers=[consumer_spec(group)],
        migrations_package=["tdi_funding", TERRITORY_MIGRATIONS],
        on_started=[open_catalogue_envelopes, start_envelope_gauges, door.start],
        registry=registry,
        uow=funding_unit_of_work(rules),
    )


def demarches_door(settings: DemarchesSettings) -> DemarchesWiring[FundingCommand, Caller]:
    """The Démarches simplifiées door: the Fonds vert démarches' dossiers translated (`demarches.translate`) into
    funding's commands, run through the pipeline as the system caller `demarches-simplifiees` (`actor.DEMARCHES`)."""
    return DemarchesWiring(settings, translators={"fonds-vert": translate}, caller=Caller.system(DEMARCHES))


async def open_catalogue_envelopes(runtime: Runtime) -> None:
    """The declared programmes and the envelopes of the catalogue, opened once (an existing envelope keeps its
    amounts), through the pipeline as the service itself."""
    assert runtime.pipeline is not None  # create_service_app(registry=...)
    today = datetime.now(UTC).date()
    opened = await runtime.pipeline.run(OpenCatalogueEnvelopes(today), Caller.system(PRODUCER), expect=list)
    log.info("envelopes_checked", opened=len(opened))
