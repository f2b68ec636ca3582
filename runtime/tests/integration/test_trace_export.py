"""A partner event's trace reaches an OTLP collector whole: spans of every service on its way, linked.

Two probe services run as real processes, configured only by the standard OTEL_* variables, in a chain: probe A
applies the partner's event and announces it again (outbox, relay), probe B applies that. The collector is an
in-process OTLP/HTTP receiver (`tdi_runtime.trace_receiver`); the partner is this test, with a tracer of its own.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from opentelemetry import propagate
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind

from tdi_localstack.ports import free_port
from tdi_localstack.processes import spawn
from tdi_runtime.testing import prepare_schema, probe_event, publish_records, unique_name
from tdi_runtime.trace_receiver import ReceivedSpan, TraceReceiver

pytestmark = pytest.mark.integration


def start_probe(name: str, group: str, topic: str, schema: str, port: int, log: Path, collector: str, emit_to=None):
    argv = [sys.executable, "-m", "tdi_runtime.probe", "--group", group, "--topic", topic, "--schema", schema]
    env = {
        **os.environ,
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector,  # nothing else: the standard variables only
        "OTEL_SERVICE_NAME": name,
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        "TDI_PROBE_LOG_LEVEL": "WARNING",
        "TDI_PROBE_COMMIT_INTERVAL_S": "0.2",
    }
    return spawn([*argv, "--port", str(port), *(["--emit-to", emit_to] if emit_to else [])], log_path=log, env=env)


def wait_ready(port: int, process: subprocess.Popen, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"probe on {port} not ready:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # a graceful stop flushes the span processor
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def get(request: urllib.request.Request) -> None:
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def one(spans: list[ReceivedSpan], **match: object) -> ReceivedSpan:
    found = [s for s in spans if all(getattr(s, k) == v for k, v in match.items())]
    assert len(found) == 1, (match, [(s.service, s.name) for s in spans])
    return found[0]


async def test_a_partner_event_s_trace_reaches_the_collector_with_each_service_s_spans_linked(
    platform_stack, new_topic, new_group, tmp_path
):
    first, second = await new_topic(partitions=1), await new_topic(partitions=1)
    group_a, group_b = await new_group(), await new_group()
    schema_a, schema_b = unique_name("kit_"), unique_name("kit_")
    await prepare_schema(platform_stack.database_url, schema_a)
    await prepare_schema(platform_stack.database_url, schema_b)
    port_a, port_b = free_port(), free_port()
    with TraceReceiver() as collector:
        a = start_probe("probe-a", group_a, first, schema_a, port_a, tmp_path / "a.log", collector.endpoint, second)
        b = start_probe("probe-b", group_b, second, schema_b, port_b, tmp_path / "b.log", collector.endpoint)
        try:
            await asyncio.to_thread(wait_ready, port_a, a, tmp_path / "a.log")
            await asyncio.to_thread(wait_ready, port_b, b, tmp_path / "b.log")
            partner = TracerProvider(resource=Resource.create({"service.name": "partner"}))
            partner.add_span_processor(
                SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{collector.endpoint}/v1/traces"))
            )
            key, value, headers = probe_event(8600, 1)
            with partner.get_tracer("test").start_as_current_span("send EpciJoined", kind=SpanKind.PRODUCER) as sent:
                carrier: dict[str, str] = {}
                propagate.inject(carrier)
                await publish_records(
                    platform_stack.bootstrap_servers,
                    first,
                    [(key, value, [*headers, *((k, v.encode()) for k, v in carrier.items())])],
                )
            trace_id = format(sent.get_span_context().trace_id, "032x")
            request = urllib.request.Request(f"http://127.0.0.1:{port_a}/openapi.json", headers=carrier)
            await asyncio.to_thread(get, request)  # an HTTP request in the same trace: FastAPI instrumentation's span

            def arrived(spans: list[ReceivedSpan]) -> bool:
                names = {(s.service, s.name) for s in spans if s.trace_id == trace_id}
                return ("probe-b", "apply EpciJoined") in names and any(n.startswith("publish") for _, n in names)

            await asyncio.to_thread(collector.wait_for, arrived, 120)
        finally:
            stop(a)
            stop(b)
            partner.shutdown()
        spans = collector.spans()

    mine = [s for s in spans if s.trace_id == trace_id]
    print(f"\n[trace export] {len(spans)} spans received: {Counter((s.service, s.name) for s in spans)}")
    roots = Counter((s.service, s.name, str(s.attributes.get("db.statement"))[:50]) for s in spans if not s.parent_id)
    print(f"[trace export] root spans: {roots}")
    send = one(mine, service="partner", name="send EpciJoined")
    apply_a = one(mine, service="probe-a", name="apply EpciJoined")
    publish = one(mine, service="probe-a", name=f"publish {second}")
    apply_b = one(mine, service="probe-b", name="apply EpciJoined")
    http = one(mine, service="probe-a", name="GET /openapi.json")
    assert apply_a.parent_id == send.span_id  # the trace crosses from the partner into probe A
    assert publish.parent_id == apply_a.span_id  # the relay's publication of what A wrote
    assert apply_b.parent_id == apply_a.span_id  # and into probe B through the record's headers
    assert http.parent_id == send.span_id
    assert send.start_ns <= apply_a.start_ns <= publish.start_ns <= publish.end_ns
    for applied, service in ((apply_a, "probe-a"), (apply_b, "probe-b")):
        [(_, batch_id)] = applied.links  # where the event was consumed and committed
        batch = one(spans, service=service, span_id=batch_id)
        assert (
            batch.name.startswith("consume tdi-")
            and batch.start_ns <= applied.start_ns <= applied.end_ns <= batch.end_ns
        )
        [committed_ns] = [at for name, at in batch.events if name == "committed"]  # when its transaction committed
        assert applied.end_ns <= committed_ns <= batch.end_ns
        statements = [s for s in spans if s.parent_id == batch.span_id and s.service == service]
        assert statements, "the asyncpg instrumentation's statements nest under their batch"
    relay_marks = ("sent_at IS NULL", "UPDATE outbox SET sent_at", "pg_try_advisory_lock", "FROM pg_locks")
    relay_statements = [s for s in spans if any(m in str(s.attributes.get("db.statement")) for m in relay_marks)]
    assert relay_statements == [], "the relay's own polling (every poll interval when idle) makes no spans"
    resets = [s for s in spans if "pg_advisory_unlock_all" in str(s.attributes.get("db.statement"))]
    assert resets == [], "the pool's reset of each released connection is plumbing, not a statement of the work"
    readiness = [s for s in spans if "readyz" in s.name or "SELECT 1" in s.attributes.values()]
    assert readiness == [], "nor do the readiness probes (every few seconds in a cluster)"
