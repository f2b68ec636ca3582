"""Wiring of the actions service: settings, routes, consumers and migrations handed to the runtime kit."""

from __future__ import annotations

from fastapi import FastAPI

from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

SERVICE = "actions"


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The actions service: each territory's fiches actions on 4 axes and 12 categories, and their lifecycle."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — actions",
        description="Each territory's fiches actions on 4 axes and 12 categories, and their lifecycle.",
        migrations_package="tdi_actions",
    )
