"""Wiring of the vte service: settings, routes, consumers and migrations handed to the runtime kit."""

from __future__ import annotations

from fastapi import FastAPI

from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

SERVICE = "vte"
DESCRIPTION = "The VTE hiring aid: 4,000 EUR base plus up to 8,000 EUR VTE vert, 12,000 EUR at most per contract."


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The vte service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — vte",
        description=DESCRIPTION,
        migrations_package="tdi_vte",
    )
