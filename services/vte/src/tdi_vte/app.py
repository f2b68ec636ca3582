"""Wiring of the vte service: settings, routes, consumers and migrations handed to the runtime kit."""

from __future__ import annotations

import structlog
from fastapi import FastAPI

from tdi_runtime import chain_routes
from tdi_runtime.doors.http_partner import partner_door
from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.territories import TERRITORY_MIGRATIONS
from tdi_vte.api import build_router
from tdi_vte.handlers import GROUP, consumer_spec, registry
from tdi_vte.repositories import vte_unit_of_work
from tdi_vte.rules import DEV_PSEUDONYM_KEY, VteRules, check_pseudonym_key

SERVICE = "vte"
DESCRIPTION = (
    "The VTE hiring aid: 4,000 EUR base once per contract, plus up to 8,000 EUR « VTE vert » top-up for a"
    " declared green mission, 12,000 EUR at most; decided on Bpifrance's events for PME and ETI located in a"
    " Territoire d'industrie. Candidates are keyed pseudonyms only."
)
log = structlog.get_logger(__name__)


def create_app(
    settings: ServiceSettings | None = None, rules: VteRules | None = None, consumer_group: str = GROUP
) -> FastAPI:
    """The vte service, wired by the runtime kit (settings from TDI_VTE_* env vars when none given). Refuses
    (ConfigurationError) a pseudonym key unfit for the deployment (`check_pseudonym_key`)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    rules = rules or VteRules()
    check_pseudonym_key(rules, settings.deployment)
    if rules.pseudonym_key.get_secret_value() == DEV_PSEUDONYM_KEY:  # local mode only, see above
        log.warning("vte_pseudonym_key_is_the_development_key", setting="TDI_VTE_PSEUDONYM_KEY")
    return create_service_app(
        settings,
        title="Territoires d'industrie — vte",
        description=DESCRIPTION,
        routers=[build_router(), partner_door(SERVICE, group=consumer_group), chain_routes.router()],
        consumers=[consumer_spec(consumer_group)],
        migrations_package=["tdi_vte", TERRITORY_MIGRATIONS],
        registry=registry,
        uow=vte_unit_of_work(rules),
    )
