"""Wiring of the funding service: settings, routes, consumers and migrations handed to the runtime kit."""

from __future__ import annotations

from fastapi import FastAPI

from tdi_runtime.service import create_service_app
from tdi_runtime.settings import ServiceSettings

SERVICE = "funding"
DESCRIPTION = (
    "Programmes and envelopes, applications, decisions, commitments and payments; an envelope is never over-committed."
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The funding service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    return create_service_app(
        settings,
        title="Territoires d'industrie — funding",
        description=DESCRIPTION,
        migrations_package="tdi_funding",
    )
