"""OpenTelemetry traces: one provider per process, W3C trace context carried in Kafka headers and HTTP."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from typing import Any

import structlog
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter


def configure_tracing(service: str) -> None:
    """Install a tracer provider once; spans are exported to the console only when TDI_TRACE_CONSOLE=1."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": f"tdi-{service}"}))
    if os.environ.get("TDI_TRACE_CONSOLE") == "1":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)


def trace_headers() -> tuple[tuple[str, str], ...]:
    """The current trace context as Kafka headers (traceparent, tracestate)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return tuple(carrier.items())


_tracer = trace.get_tracer("tdi_runtime")


@contextlib.contextmanager
def event_scope(delivery: Any) -> Iterator[None]:
    """Handle one consumed event with its ids bound to every log line, inside the producer's trace if it sent one.

    A span per event is opened only when the record carries a `traceparent` (measured: an SDK span and its
    context cost ~25 µs an event, most of the consume path's CPU, for events nobody traces).
    """
    envelope = delivery.envelope
    ids = {"event_id": delivery.event_id, "event_type": delivery.event_type}
    if envelope is not None:
        ids["correlation_id"] = envelope.correlation_id
    with structlog.contextvars.bound_contextvars(**ids):
        if not any(key == "traceparent" for key, _ in delivery.headers):
            yield
            return
        with _tracer.start_as_current_span(
            f"apply {delivery.event_type.rsplit('.', 2)[-2] if delivery.event_type else 'event'}",
            context=context_from_headers(delivery.headers),
            kind=trace.SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.destination.name": delivery.topic, **ids},
        ):
            yield


def context_from_headers(headers: Iterable[tuple[str, bytes]]) -> Context:
    carrier = {k: v.decode("utf-8", "replace") for k, v in headers if k in ("traceparent", "tracestate") and v}
    return propagate.extract(carrier)
