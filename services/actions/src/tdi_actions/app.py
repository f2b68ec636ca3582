"""Wiring of the actions service: settings, routes, consumers, its registry and unit of work, and migrations handed
to the runtime kit."""

from __future__ import annotations

from fastapi import FastAPI

from tdi_actions.api import build_router
from tdi_actions.handlers import GROUP, consumers, registry
from tdi_actions.repositories import actions_unit_of_work
from tdi_actions.settings import ImportSettings
from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.territories import TERRITORY_MIGRATIONS

SERVICE = "actions"
DESCRIPTION = (
    "Each territory's action plan: fiches actions on 4 axes and 12 categories, their lifecycle (proposée,"
    " programmée, en cours, réalisée, abandonnée), counts per axis and category, bulk import (XLSX, CSV)."
)


def create_app(settings: ServiceSettings | None = None, *, consumer_group: str = GROUP) -> FastAPI:
    """The actions service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — actions",
        description=DESCRIPTION,
        routers=[build_router(ImportSettings())],
        consumers=consumers(consumer_group),
        migrations_package=["tdi_actions", TERRITORY_MIGRATIONS],
        registry=registry,
        uow=actions_unit_of_work(),
    )
