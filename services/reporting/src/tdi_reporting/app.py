"""Wiring of the reporting service: settings, routes, consumers and migrations handed to the runtime kit."""

from __future__ import annotations

from fastapi import FastAPI

from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

SERVICE = "reporting"
DESCRIPTION = "Read models folded from every event, the live dashboard, exports, rebuild by replay."


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The reporting service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — reporting",
        description=DESCRIPTION,
        migrations_package="tdi_reporting",
    )
