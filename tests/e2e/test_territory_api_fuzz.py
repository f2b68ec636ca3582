"""Property-based HTTP tests (schemathesis): any input to any territory route gets an answer, never a 5xx.

The service runs as a real process on the real stack; every 4xx carries a stable code and a French message.
"""

from __future__ import annotations

import os
import sys

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from tdi_localstack.platform import RunningService, stop_services, wait_ready
from tdi_localstack.ports import free_port
from tdi_localstack.processes import spawn
from tdi_runtime.testing import unique_name

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
TOKEN = "fuzz-staff-token"


@pytest.fixture(scope="module")
def territory_url(platform_stack, tmp_path_factory):
    port, log = free_port(), tmp_path_factory.mktemp("fuzz") / "territory.log"
    env = {
        **os.environ,
        **platform_stack.env(),
        "TDI_TERRITORY_DATABASE_URL": platform_stack.database_url,
        "TDI_TERRITORY_DB_SCHEMA": unique_name("territory_fuzz"),
        "TDI_TERRITORY_HTTP_PORT": str(port),
        "TDI_TERRITORY_API_TOKENS": f'{{"{TOKEN}": "staff"}}',
        "TDI_TERRITORY_LOG_LEVEL": "WARNING",
    }
    service = RunningService(
        "territory", port, spawn([sys.executable, "-m", "tdi_territory"], log_path=log, env=env), log
    )
    try:
        wait_ready([service])
        yield service.url
    finally:
        stop_services([service])


def test_any_input_to_a_territory_route_is_answered_without_a_server_error_and_with_a_stable_code(territory_url):
    api = schemathesis.openapi.from_url(f"{territory_url}/openapi.json")
    checked = []
    for found in api.get_all_operations():
        operation = found.ok()

        # Both schema-conforming requests and malformed ones (wrong types, missing fields, bad paths).
        cases = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

        @given(case=cases)
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def answers_cleanly(case):
            response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
            if response.status_code >= 400:
                body = response.json()
                assert body["code"].isupper() and body["message"], body

        answers_cleanly()
        checked.append(f"{operation.method.upper()} {operation.path}")
    print(f"\n[schemathesis] {len(checked)} operations, 40 generated requests each (valid and malformed): {checked}")
    assert len(checked) >= 9
