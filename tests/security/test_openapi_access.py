"""Every route of the five services (but health) declares its bearer security, its roles and its scope."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from tdi_actions.app import create_app as create_actions
from tdi_funding.app import create_app as create_funding
from tdi_reporting.app import create_app as create_reporting
from tdi_runtime.http_access import undocumented_routes
from tdi_runtime.settings import ServiceSettings
from tdi_territory.app import create_app as create_territory
from tdi_vte.app import create_app as create_vte
from tdi_vte.rules import VteRules

APPS: dict[str, Callable[..., Any]] = {
    "territory": create_territory,
    "actions": create_actions,
    "funding": create_funding,
    "vte": functools.partial(create_vte, rules=VteRules(pseudonym_key="unit-test-key-of-at-least-32-characters")),  # type: ignore[arg-type]
    "reporting": create_reporting,
}


@pytest.mark.parametrize("service", list(APPS))
def test_every_route_declares_its_bearer_security_roles_and_scope(service: str) -> None:
    document = APPS[service](ServiceSettings.for_service(service)).openapi()
    assert undocumented_routes(document) == []
    operations = [
        op for path, ops in document["paths"].items() if path not in ("/healthz", "/readyz") for op in ops.values()
    ]
    assert operations and all(op["x-tdi-roles"] and op["x-tdi-scope"] for op in operations)
    assert all("reader" not in op["x-tdi-roles"] for op in operations if op.get("requestBody") is not None)


TERRITORY_ROUTES = {
    "territory": set(),
    "actions": {"GET /fiches", "GET /fiches/{fiche_id}", "GET /counts", "POST /fiches",
                "POST /fiches/{fiche_id}/revision", "POST /fiches/{fiche_id}/status", "POST /imports"},
    "funding": {"POST /applications", "GET /applications", "GET /applications/{application_id}"},
    "vte": set(),
    "reporting": {"GET /api/figures", "GET /api/read-models", "GET /api/read-models/{name}",
                  "GET /api/exports/{name}.{fmt}", "GET /api/reference", "POST /api/tickets", "GET /api/feed",
                  "GET /api/series/{read_model}", "GET /api/ledger", "GET /api/alerts",
                  # issue 25: its own webhook subscriptions (to its own territory's alerts)
                  "POST /api/webhooks", "GET /api/webhooks", "DELETE /api/webhooks/{subscription_id}",
                  "POST /api/webhooks/{subscription_id}/enable", "GET /api/webhooks/{subscription_id}/deliveries",
                  "GET /api/webhooks/{subscription_id}/events"},
}  # fmt: skip
"""Issue 24: the routes a territory's chef de projet and binôme may call (each narrows to its own territory);
issue 25: its own webhook subscriptions."""


@pytest.mark.parametrize("service", list(APPS))
def test_openapi_lists_the_territory_role_on_exactly_the_routes_that_admit_it(service: str) -> None:
    document = APPS[service](ServiceSettings.for_service(service)).openapi()
    admitted = {
        f"{method.upper()} {path}"
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if "territory" in op.get("x-tdi-roles", [])
    }
    assert admitted == TERRITORY_ROUTES[service]
