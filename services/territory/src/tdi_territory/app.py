"""Wiring of the territory service: settings, routes, consumers and migrations handed to the runtime kit."""

from __future__ import annotations

from fastapi import FastAPI
from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

SERVICE = "territory"
DESCRIPTION = (
    "The 183 territories of Temps II: geography (EPCI, communes, départements, regions)"
    " and governance (binômes élu–industriel, chefs de projet)."
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The territory service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — territory",
        description=DESCRIPTION,
        migrations_package="tdi_territory",
    )
