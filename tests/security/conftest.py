"""A secure broker of the security tests' own (SCRAM, ACLs and partner quotas applied as the stack starts, and a
SASL_SSL listener whose certificate a local CA signed), shared by the ingress fuzz test, the partner walkthrough and
the TLS test; the session's database is reused.

Its topics hold only what these tests publish, so they can count records exactly. Its settings are exported
to the environment per test only (other tests of the session keep the shared broker).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tdi_localstack.stack import LocalStack

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture(scope="session")
def own_secure_stack(platform_stack: LocalStack) -> Iterator[LocalStack]:
    with pytest.MonkeyPatch.context() as env:
        env.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
        env.setenv("TDI_KAFKA_SECURE", "1")
        env.setenv("TDI_KAFKA_TLS", "1")  # and the partners' TLS listener, with a local CA (test_partner_tls.py)
        env.setenv("TDI_KAFKA_HEAP", "384m")
        env.setenv("DATABASE_URL", platform_stack.database_url)
        stack = LocalStack(kafka_ready_timeout_s=300)
        stack.start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def partner_platform(own_secure_stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> LocalStack:
    """The secure stack, its settings (each service's SCRAM user) exported for this test only."""
    for key, value in own_secure_stack.env().items():
        monkeypatch.setenv(key, value)
    return own_secure_stack
