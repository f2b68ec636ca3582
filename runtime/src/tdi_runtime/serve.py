"""Runs a service's app with uvicorn; SIGTERM and Ctrl-C stop it gracefully within the shutdown timeout."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from tdi_runtime.settings import ServiceSettings


def serve(create_app: Callable[[ServiceSettings], FastAPI], settings: ServiceSettings) -> None:
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_level=settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_s),
    )
