"""Every route of the vte service (but health) declares its bearer security, its roles and its scope."""

from __future__ import annotations

from tdi_runtime.http_access import undocumented_routes
from tdi_runtime.settings import ServiceSettings
from tdi_vte.app import create_app
from tdi_vte.rules import VteRules


def test_every_route_declares_its_bearer_security_roles_and_scope():
    rules = VteRules(pseudonym_key="unit-test-key")  # type: ignore[arg-type]
    document = create_app(ServiceSettings.for_service("vte"), rules=rules).openapi()
    assert undocumented_routes(document) == []
    operations = [
        op for path, ops in document["paths"].items() if path not in ("/healthz", "/readyz") for op in ops.values()
    ]
    assert operations and all(op["x-tdi-roles"] and op["x-tdi-scope"] for op in operations)
    assert all("reader" not in op["x-tdi-roles"] for op in operations if op.get("requestBody") is not None)
