"""Pytest plugin: one real Kafka broker and PostgreSQL server shared by every integration test of a session.

The stack starts on first use only (unit-test runs never pay for it) and stops at session end; on Ctrl-C
pytest tears it down, and on a hard kill the kernel does (the servers die with their parent).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from tdi_localstack.stack import LocalStack


def pytest_configure(config: pytest.Config) -> None:
    # SIGTERM (CI timeout, `kill`) becomes a KeyboardInterrupt so fixtures are torn down as on Ctrl-C.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, signal.default_int_handler)


@pytest.fixture(scope="session")
def platform_stack() -> Iterator[LocalStack]:
    """The real broker and database; their settings are exported to os.environ for the whole session.

    Our own broker runs in secure mode (SASL/SCRAM, ACLs, each service as its own principal) unless
    `TDI_KAFKA_SECURE=0`; a broker named by `KAFKA_BOOTSTRAP_SERVERS` is used as it is.
    """
    stack = LocalStack()
    with _secure_unless_told(os.environ):
        stack.start()
    if credentials := stack.kafka_credentials:
        from tdi_localstack.acls import grant_test_prefixes

        grant_test_prefixes(stack.bootstrap_servers, "admin", credentials["admin"])
        if stack.brokers > 1:  # TDI_STACK_BROKERS=3: every node must know the grants before the first test
            stack.kafka_cluster.wait_acls()
    saved = {k: os.environ.get(k) for k in stack.env()}
    os.environ.update(stack.env())
    try:
        yield stack
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        stack.stop()


@contextlib.contextmanager
def _secure_unless_told(environ: Any) -> Iterator[None]:
    told = "TDI_KAFKA_SECURE" in environ
    if not told:
        environ["TDI_KAFKA_SECURE"] = "1"
    try:
        yield
    finally:
        if not told:
            environ.pop("TDI_KAFKA_SECURE", None)


@pytest.fixture
def run_service(platform_stack: LocalStack) -> Callable[..., Any]:
    """`async with run_service(create_app, "funding", **settings) as (app, client):` runs a service in-process."""
    import httpx

    from tdi_runtime.settings import ServiceSettings

    @contextlib.asynccontextmanager
    async def _run(create_app: Callable[..., Any], service: str, **overrides: Any) -> AsyncIterator[Any]:
        settings = ServiceSettings.for_service(service, **overrides)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield app, client

    return _run
