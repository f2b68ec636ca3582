"""The broker's ACLs: rendered from the contracts (`tdi_contracts.access`) into one committed file, and applied.

`python -m tdi_localstack acls export` rewrites `deploy/kafka/acls.json`; `python -m tdi_localstack acls apply`
creates every rule of that file on a broker as its admin (idempotent: Kafka keeps one copy of each binding).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tdi_localstack.paths import repo_root

ACL_FILE = repo_root() / "deploy" / "kafka" / "acls.json"


def render() -> str:
    """The committed file's text: every ALLOW rule of the platform, one object each, sorted."""
    from tdi_contracts.access import acl_rules, principals

    rules = [vars(rule) for rule in acl_rules()]
    document = {
        "about": "Kafka ACLs of the platform, rendered from tdi_contracts.access; do not edit by hand.",
        "principals": principals(),
        "rules": rules,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def confluent_options(bootstrap_servers: str, user: str | None, password: str | None) -> dict[str, Any]:
    """librdkafka settings of a client that logs in with SCRAM-SHA-512 (plaintext when no user)."""
    options: dict[str, Any] = {"bootstrap.servers": bootstrap_servers}
    if user:
        options |= {
            "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": user,
            "sasl.password": password or "",
        }
    return options


def bindings(path: Path = ACL_FILE) -> list[Any]:
    """The file's rules as confluent-kafka `AclBinding`s."""
    from confluent_kafka.admin._acl import AclBinding, AclOperation, AclPermissionType
    from confluent_kafka.admin._resource import ResourcePatternType, ResourceType

    rules = json.loads(path.read_text(encoding="utf-8"))["rules"]
    return [
        AclBinding(
            ResourceType[r["resource"].upper()],
            r["name"],
            ResourcePatternType[r["pattern"].upper()],
            r["principal"],
            "*",
            AclOperation[r["operation"].upper()],
            AclPermissionType.ALLOW,
        )
        for r in rules
    ]


def apply(bootstrap_servers: str, admin_user: str, admin_password: str, path: Path = ACL_FILE) -> int:
    """Create every binding of the file on the broker; returns how many were sent."""
    from confluent_kafka.admin import AdminClient

    admin = AdminClient(confluent_options(bootstrap_servers, admin_user, admin_password))
    wanted = bindings(path)
    for future in admin.create_acls(wanted, request_timeout=30).values():
        future.result()
    _await_visible(admin, len(wanted))
    return len(wanted)


def _await_visible(admin: Any, at_least: int) -> None:
    """ACLs reach the authorizer through the metadata log: wait until the broker lists them."""
    from confluent_kafka.admin._acl import AclBindingFilter, AclOperation, AclPermissionType
    from confluent_kafka.admin._resource import ResourcePatternType, ResourceType

    anything: Any = None  # the filter's "any name, principal, host" (typed as str in its stubs)
    every = AclBindingFilter(
        ResourceType.ANY, anything, ResourcePatternType.ANY, anything, anything, AclOperation.ANY, AclPermissionType.ANY
    )
    deadline = time.monotonic() + 60
    while len(admin.describe_acls(every, request_timeout=10).result()) < at_least:
        if time.monotonic() > deadline:
            raise TimeoutError("the broker did not show the ACLs it accepted within 60 s")
        time.sleep(0.2)


TEST_PREFIXES = ("test.", "tdi.test.", "tdi.bench.")
"""Topic and group prefixes that only tests and benchmarks use: never part of the committed file."""


def grant_test_prefixes(bootstrap_servers: str, admin_user: str, admin_password: str) -> int:
    """Test sessions only: every service principal may use the throw-away `test.`/`tdi.test.` topics and groups.

    The platform's own topics keep exactly the committed rules, so a secure test session still proves them.
    """
    from confluent_kafka.admin import AdminClient
    from confluent_kafka.admin._acl import AclBinding, AclOperation, AclPermissionType
    from confluent_kafka.admin._resource import ResourcePatternType, ResourceType

    from tdi_contracts.access import service_principal
    from tdi_contracts.topics import SERVICES

    wanted = [
        AclBinding(
            kind,
            prefix,
            ResourcePatternType.PREFIXED,
            service_principal(service),
            "*",
            AclOperation.ALL,
            AclPermissionType.ALLOW,
        )
        for service in SERVICES
        for prefix in TEST_PREFIXES
        for kind in (ResourceType.TOPIC, ResourceType.GROUP)
    ]
    admin = AdminClient(confluent_options(bootstrap_servers, admin_user, admin_password))
    before = len(bindings())
    for future in admin.create_acls(wanted, request_timeout=30).values():
        future.result()
    _await_visible(admin, before + len(wanted))
    return len(wanted)
