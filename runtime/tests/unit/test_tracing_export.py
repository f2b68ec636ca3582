"""Spans leave a service as ops teams configure it, with the standard OTEL_* variables (tdi_runtime.tracing)."""

from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tdi_contracts.events.territory import EpciLeft
from tdi_runtime import tracing
from tdi_runtime.delivery import decode_record
from tdi_runtime.events import outgoing
from tdi_runtime.settings import ConfigurationError
from tdi_runtime.testing import example_payload, probe_event
from tdi_runtime.tracing import (
    batch_scope,
    build_provider,
    configure_tracing,
    event_scope,
    instrument_fastapi,
    sampled_parent,
    span_exporters,
)

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_a_service_given_neither_an_exporter_nor_an_endpoint_exports_nothing_and_names_itself():
    provider, exporting = build_provider("vte", {})
    assert provider is not None and exporting is False
    assert provider.resource.attributes["service.name"] == "tdi-vte"


def test_an_otlp_endpoint_alone_sends_spans_over_http_protobuf_to_that_collector():
    [exporter] = span_exporters({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert isinstance(exporter, OTLPSpanExporter)
    _, exporting = build_provider("vte", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert exporting is True


def test_otel_traces_exporter_chooses_the_exporters_and_none_turns_export_off():
    assert [type(e) for e in span_exporters({"OTEL_TRACES_EXPORTER": "console"})] == [ConsoleSpanExporter]
    assert span_exporters({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}) == []
    both = span_exporters({"OTEL_TRACES_EXPORTER": "otlp,console"})
    assert [type(e) for e in both] == [OTLPSpanExporter, ConsoleSpanExporter]


def test_otel_service_name_and_resource_attributes_win_over_the_platform_s_own_name():
    provider, _ = build_provider("vte", {"OTEL_SERVICE_NAME": "vte-eu-west"})
    assert provider is not None and provider.resource.attributes["service.name"] == "vte-eu-west"
    provider, _ = build_provider("vte", {"OTEL_RESOURCE_ATTRIBUTES": "service.name=vte-2,deployment.environment=prod"})
    assert provider is not None and provider.resource.attributes["service.name"] == "vte-2"
    assert provider.resource.attributes["deployment.environment"] == "prod"


def test_an_exporter_or_protocol_the_platform_cannot_honour_stops_the_start_with_a_readable_message():
    with pytest.raises(ConfigurationError, match="http/protobuf"):
        span_exporters({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"})
    with pytest.raises(ConfigurationError, match="zipkin"):
        span_exporters({"OTEL_TRACES_EXPORTER": "zipkin"})


def test_otel_sdk_disabled_installs_no_provider():
    assert build_provider("vte", {"OTEL_SDK_DISABLED": "true"}) == (None, False)


def test_only_a_well_formed_sampled_traceparent_gets_a_publish_span():
    assert sampled_parent(f"00-{TRACE}-00f067aa0ba902b7-01".encode()) is not None
    assert sampled_parent(f"00-{TRACE}-00f067aa0ba902b7-03".encode()) is not None  # sampled, random trace id (W3C 2)
    assert sampled_parent(f"00-{TRACE}-00f067aa0ba902b7-00".encode()) is None  # not sampled
    assert sampled_parent(f"00-{TRACE}-00f067aa0ba902b7-02".encode()) is None
    assert sampled_parent(b"00-zz-00f067aa0ba902b7-01") is None
    assert sampled_parent(b"garbage") is None


def _delivery(seq: int, traced: bool):
    key, value, headers = probe_event(8413, seq)
    if traced:
        headers.append(("traceparent", f"00-{TRACE}-00f067aa0ba902b7-01".encode()))
    return decode_record(SimpleNamespace(topic="t", partition=0, offset=seq, key=key, value=value, headers=headers))


def test_a_traced_event_of_a_batch_continues_its_producer_s_trace_and_links_to_its_batch_span():
    configure_tracing("probe")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    finished = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(finished))
    traced, untraced = _delivery(1, traced=True), _delivery(2, traced=False)

    with batch_scope("tdi-probe", ["t"], [traced, untraced]):
        with event_scope(traced):
            emitted_traced = outgoing(example_payload(EpciLeft), "territory", cause=traced.envelope)
        with event_scope(untraced):
            emitted_untraced = outgoing(example_payload(EpciLeft), "territory", cause=untraced.envelope)

    spans = {s.name: s for s in finished.get_finished_spans()}
    batch, apply = spans["consume tdi-probe"], spans["apply EpciJoined"]
    assert format(apply.context.trace_id, "032x") == TRACE  # the producer's trace goes on
    assert [link.context.span_id for link in apply.links] == [batch.context.span_id]
    assert batch.parent is None and batch.attributes["messaging.batch.message_count"] == 2
    assert dict(emitted_traced.headers)["traceparent"].split(b"-")[1].decode() == TRACE
    assert "traceparent" not in dict(emitted_untraced.headers)  # untraced in, untraced out, batch span or not


def _recorded() -> InMemorySpanExporter:
    configure_tracing("probe")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    finished = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(finished))
    return finished


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/territories")
    def territories() -> list[str]:
        return ["t1"]

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    return app


def test_an_exporting_service_s_requests_get_the_stock_fastapi_span_in_the_caller_s_trace_but_its_probes_none(
    monkeypatch,
):
    finished = _recorded()
    monkeypatch.setitem(tracing._state, "exporting", True)
    app = _app()
    assert instrument_fastapi(app, {}) is True
    client = TestClient(app)
    assert client.get("/territories", headers={"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"}).status_code == 200
    assert client.get("/readyz").status_code == 200

    spans = [
        (s.name, format(s.context.trace_id, "032x"), s.parent and s.parent.span_id)
        for s in finished.get_finished_spans()
    ]
    assert spans == [("GET /territories", TRACE, 0x00F067AA0BA902B7)]


def test_a_service_that_exports_nothing_or_disables_the_fastapi_instrumentation_keeps_the_kit_s_lean_span(
    monkeypatch,
):
    monkeypatch.setitem(tracing._state, "exporting", False)
    assert instrument_fastapi(_app(), {}) is False
    monkeypatch.setitem(tracing._state, "exporting", True)
    assert instrument_fastapi(_app(), {"OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "asyncpg, fastapi"}) is False


async def test_a_batch_span_marks_the_moment_its_transaction_committed_after_every_event_was_applied():
    from memory_db import MemoryPool, NoKafka

    from tdi_runtime.testing import probe_consumer

    finished = _recorded()
    records = []
    for seq in (1, 2):
        key, value, headers = probe_event(8414, seq)
        headers.append(("traceparent", f"00-{TRACE}-00f067aa0ba902b7-01".encode()))
        records.append(SimpleNamespace(topic="t", partition=0, offset=seq, key=key, value=value, headers=headers))
    consumer = probe_consumer(MemoryPool(), "tdi-committed")  # type: ignore[arg-type]

    with batch_scope("tdi-committed", ["t"], records):
        assert await consumer.handle_batch(records, NoKafka())

    spans = finished.get_finished_spans()
    [batch] = [s for s in spans if s.name == "consume tdi-committed"]
    applied = [s for s in spans if s.name.startswith("apply ") and s.links[0].context.span_id == batch.context.span_id]
    [committed] = [e for e in batch.events if e.name == "committed"]
    assert len(applied) == 2
    assert max(s.end_time for s in applied) <= committed.timestamp <= batch.end_time


def test_the_trace_receiver_keeps_each_span_s_events_with_their_time():
    from tdi_runtime.trace_receiver import TraceReceiver

    provider = TracerProvider()
    with TraceReceiver() as receiver:
        exporter = OTLPSpanExporter(endpoint=f"{receiver.endpoint}/v1/traces")
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        with provider.get_tracer("test").start_as_current_span("consume tdi-x") as span:
            span.add_event("committed", timestamp=1_700_000_000_123_456_789)
        provider.shutdown()
        [received] = receiver.spans()
    assert received.name == "consume tdi-x"
    assert received.events == (("committed", 1_700_000_000_123_456_789),)
