"""Wiring of the territory service: settings, routes, consumers and migrations handed to the runtime kit."""

from __future__ import annotations

from fastapi import FastAPI
from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

SERVICE = "territory"


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The territory service: the 183 territories of Temps II: geography (EPCI, communes, départements, regions) and governance (binômes élu–industriel, chefs de projet)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — territory",
        description="The 183 territories of Temps II: geography (EPCI, communes, départements, regions) and governance (binômes élu–industriel, chefs de projet).",
        migrations_package="tdi_territory",
    )
