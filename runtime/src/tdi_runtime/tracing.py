"""OpenTelemetry traces: one provider per process, W3C trace context carried in Kafka headers and HTTP."""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterable
from typing import Any

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


def trace_headers() -> tuple[tuple[str, bytes], ...]:
    """The current trace context as Kafka headers (traceparent, tracestate), ready to send."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return tuple((k, v.encode()) for k, v in carrier.items())


_tracer = trace.get_tracer("tdi_runtime")
EVENT_IDS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("tdi_event_ids", default=None)
"""The ids of the event being handled; `logs` adds them to every log line (one variable: cheap to set)."""


class event_scope:  # noqa: N801 - used as a context manager, like contextlib's
    """Handle one consumed event with its ids on every log line, inside the producer's trace if it sent one.

    A span per event is opened only when the record carries a `traceparent` (measured: an SDK span, its
    context and structlog's per-key binding cost ~25 µs an event, most of the consume path's CPU).
    """

    __slots__ = ("_delivery", "_span", "_token")

    def __init__(self, delivery: Any) -> None:
        self._delivery = delivery
        self._span: Any = None

    def __enter__(self) -> None:
        d = self._delivery
        ids = {"event_id": d.event_id, "event_type": d.event_type}
        if d.envelope is not None:
            ids["correlation_id"] = d.envelope.correlation_id
        self._token = EVENT_IDS.set(ids)
        for key, _ in d.headers:
            if key == "traceparent":
                self._span = _tracer.start_as_current_span(
                    f"apply {d.event_type.rsplit('.', 2)[-2] if d.event_type else 'event'}",
                    context=context_from_headers(d.headers),
                    kind=trace.SpanKind.CONSUMER,
                    attributes={"messaging.system": "kafka", "messaging.destination.name": d.topic, **ids},
                )
                self._span.__enter__()
                break

    def __exit__(self, *exc: object) -> None:
        if self._span is not None:
            self._span.__exit__(*exc)
        EVENT_IDS.reset(self._token)


def context_from_headers(headers: Iterable[tuple[str, bytes]]) -> Context:
    carrier = {k: v.decode("utf-8", "replace") for k, v in headers if k in ("traceparent", "tracestate") and v}
    return propagate.extract(carrier)
