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
