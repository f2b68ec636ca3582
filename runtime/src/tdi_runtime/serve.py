"""Runs a service's app with uvicorn; SIGTERM drains (`drain.py`), then SIGTERM and Ctrl-C stop it gracefully
within the shutdown timeout."""

from __future__ import annotations

from collections.abc import Callable

import typer
import uvicorn
from fastapi import FastAPI

from tdi_runtime.drain import Drain, DrainGate, DrainingServer
from tdi_runtime.settings import ConfigurationError, ServiceSettings


def serve(create_app: Callable[[ServiceSettings], FastAPI], settings: ServiceSettings) -> None:
    drain = Drain(settings.drain_s)
    config = uvicorn.Config(
        DrainGate(create_app(settings), drain),
        host=settings.http_host,
        port=settings.http_port,
        log_level=settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_s),
    )
    DrainingServer(config, drain).run()


def service_cli(create_app: Callable[[ServiceSettings], FastAPI], service: str) -> typer.Typer:
    """A service's command line: `serve` (also what runs without a command), to which it adds its own commands."""
    cli = typer.Typer(help=f"The {service} service of the Territoires d'industrie platform.", add_completion=False)

    @cli.command("serve")
    def serve_http() -> None:
        """Serve the HTTP API; consume its topics and relay its outbox."""
        try:
            serve(create_app, ServiceSettings.for_service(service))
        except ConfigurationError as refused:
            typer.echo(f"tdi-{service} refuses to start: {refused}", err=True)
            raise typer.Exit(2) from None

    @cli.callback(invoke_without_command=True)
    def main(context: typer.Context) -> None:
        """Without a command: serve HTTP."""
        if context.invoked_subcommand is None:
            serve_http()

    return cli
