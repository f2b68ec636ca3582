"""The "readers" scenario with tiny numbers, against a reporting instance served in-process on the session's
real Kafka and PostgreSQL (no timing threshold: the numbers are only checked to exist)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid

import pytest
import uvicorn

from tdi_bench.e2e.readers import export_rate, held_streams
from tdi_contracts.events.vte import VteContractSigned
from tdi_contracts.registry import spec_for
from tdi_contracts.wire import encode_event, envelope_for
from tdi_localstack.provisioning import create_topics
from tdi_reporting.app import create_app
from tdi_reporting.options import ReportingOptions
from tdi_runtime.settings import ServiceSettings
from tdi_runtime.testing import example_payload, publish_records, unique_name

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
TOKEN = "bench-readers-smoke"


async def test_the_readers_scenario_measures_held_streams_and_exports(platform_stack):
    name = unique_name("readers")
    options = ReportingOptions(topic_prefix=f"test.{name}.", consumer_group=f"tdi-reporting-{name}")
    await create_topics(platform_stack.bootstrap_servers, [(t, 1, {}) for t in options.topics])
    settings = ServiceSettings.for_service(
        "reporting", database_url=platform_stack.database_url, db_schema=f"reporting_{name}", log_json=False,
        api_tokens={TOKEN: "staff"},
    )  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, options), port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(2400):  # a bound that only turns a hang into a failure
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started
        url = f"http://127.0.0.1:{port}"

        async def change() -> None:
            payload = _signed()
            spec = spec_for(payload)
            record = encode_event(envelope_for(payload, spec.service), payload)
            await publish_records(platform_stack.bootstrap_servers, options.topic_prefix + spec.topics[0], [record])

        held = await held_streams(url, TOKEN, change, steps=(2, 3), changes=1, goal_ms=60_000)
        exports = await export_rate(url, TOKEN, seconds=0.5, concurrency=2)
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await task
    assert [s["streams"] for s in held["steps"]] == [2, 3] and held["held"] == 3
    assert all(s["messages"] == s["streams"] and s["p99_ms"] >= 0 for s in held["steps"])
    assert exports["ok"] > 0 and exports["per_s"] > 0


def _signed() -> VteContractSigned:
    """A fresh signed contract (its own id), from the contracts' example: one change of the VTE read model."""
    return example_payload(VteContractSigned, vte_contract_id=uuid.uuid4())  # type: ignore[no-any-return]


async def test_the_fold_with_one_notify_per_batch_is_measured_against_the_fold_without(platform_stack):
    from tdi_bench.fold_notify import measure

    found = await measure(platform_stack.database_url, events=1000, replicas=2, repetitions=1)
    print("\n[fold notify]", found)
    assert found["events"] == 1000 and found["ratio_best"] > 0
