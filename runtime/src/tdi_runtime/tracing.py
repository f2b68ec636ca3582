"""OpenTelemetry traces: one provider per process, W3C trace context carried in Kafka headers and HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterable

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


def context_from_headers(headers: Iterable[tuple[str, bytes]]) -> Context:
    carrier = {k: v.decode("utf-8", "replace") for k, v in headers if k in ("traceparent", "tracestate") and v}
    return propagate.extract(carrier)
