"""Wiring of the actions service: settings, routes, consumers and migrations handed to the runtime kit."""

from __future__ import annotations

from fastapi import FastAPI

from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

SERVICE = "actions"
DESCRIPTION = "Each territory's fiches actions on 4 axes and 12 categories, and their lifecycle."


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The actions service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — actions",
        description=DESCRIPTION,
        migrations_package="tdi_actions",
    )
