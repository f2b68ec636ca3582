"""Wiring of the funding service: settings, routes, consumers and migrations handed to the runtime kit, and
the envelopes of the catalogue opened at first start."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from fastapi import FastAPI

from tdi_contracts.reference.programmes_catalogue import (
    DECLARED_ENVELOPE_SEEDS,
    DECLARED_PROGRAMMES,
    ENVELOPE_SEEDS,
)
from tdi_funding.api import build_router
from tdi_funding.envelopes import open_envelopes
from tdi_funding.gauges import start_envelope_gauges
from tdi_funding.handlers import GROUP, consumer_spec
from tdi_funding.programmes import declare_all
from tdi_funding.settings import FundingRules
from tdi_funding.use_cases import PRODUCER
from tdi_runtime import chain_routes
from tdi_runtime.doors.http_partner import partner_door
from tdi_runtime.events import outgoing
from tdi_runtime.service import Runtime, create_service_app
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.territories import TERRITORY_MIGRATIONS

SERVICE = "funding"
DESCRIPTION = (
    "Programmes and envelopes, applications, decisions, commitments and payments; an envelope is never over-committed."
)
log = structlog.get_logger(__name__)


def create_app(
    settings: ServiceSettings | None = None, *, group: str = GROUP, rules: FundingRules | None = None
) -> FastAPI:
    """The funding service, wired by the runtime kit (settings from TDI_<SERVICE>_* env vars when none given).

    `group`: the consumer group (tests run beside each other on one broker with their own); `rules`: the platform
    rules that are settings (`TDI_FUNDING_*`, `tdi_funding.settings`)."""
    settings = settings or ServiceSettings.for_service(SERVICE)
    rules = rules or FundingRules()
    app = create_service_app(
        settings,
        title="Territoires d'industrie — funding",
        description=DESCRIPTION,
        routers=[build_router(), partner_door(SERVICE, group=group), chain_routes.router()],
        consumers=[consumer_spec(group, rules)],
        migrations_package=["tdi_funding", TERRITORY_MIGRATIONS],
        on_started=[open_catalogue_envelopes, start_envelope_gauges],
    )
    app.state.funding_rules = rules
    return app


async def open_catalogue_envelopes(runtime: Runtime) -> None:
    """The declared programmes and the envelopes of the catalogue, opened once (an existing envelope keeps its
    amounts)."""
    today = datetime.now(UTC).date()
    async with runtime.pool.acquire() as conn, conn.transaction():
        declared = await declare_all(conn, DECLARED_PROGRAMMES, today)
        result = await open_envelopes(conn, [*ENVELOPE_SEEDS, *DECLARED_ENVELOPE_SEEDS], today)
        await runtime.outbox.add(conn, [outgoing(e, PRODUCER) for e in [*declared.events, *result.events]])
    log.info("envelopes_checked", opened=len(result.value))
