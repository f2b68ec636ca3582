"""OpenTelemetry traces: one provider per process, configured by the standard `OTEL_*` variables; W3C trace context
carried in Kafka headers and HTTP.

**Export** (platform rule): spans leave the process only when asked to, by `OTEL_TRACES_EXPORTER` (`otlp`,
`console`, `none`, comma-separated) or, when it is unset, by an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`). A service given neither exports nothing: the SDK's own default (`otlp` to
localhost) would log a failed export every few seconds wherever no collector runs. OTLP goes over HTTP/protobuf
(the specification's default protocol); `grpc` is refused at start with a clear message (its client is not
installed). The rest is the SDK's reading of the standard variables: `OTEL_SERVICE_NAME` (default
`tdi-<service>`), `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER` / `_ARG`, `OTEL_BSP_*`,
`OTEL_EXPORTER_OTLP_[TRACES_]HEADERS` / `TIMEOUT` / `COMPRESSION` / `CERTIFICATE`, `OTEL_SDK_DISABLED`.
`TDI_TRACE_CONSOLE=1` adds the console exporter, as before.

**Instrumentations**: when spans are exported, the stock ones are installed, FastAPI's (`http.install_tracing`) and
asyncpg's (one span per statement); `OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=fastapi,asyncpg` switches them off.
Without export the kit keeps its lean server span (the caller's trace continued, trace ids in logs) and no span per
statement: they would cost every request and every batch for nothing. Plumbing stays out of the traces (`untraced`):
the relay's polling, `/healthz`, `/readyz`, `/metrics` and their statements, the pool's reset of a released
connection.

**The kit's own spans**, cheap enough for every batch: `consume <group>` per consumer batch (from the batch handed
to the kit to its database commit, with a `committed` event at the moment the transaction committed; current while
the batch runs, so statements nest under it); `apply <Event>` per
consumed event that carries a `traceparent`, a child of the producer's span (the trace crosses the services) with a
link to its batch span (where it was consumed and committed); `publish <topic>` per relayed record of a sampled
trace, only while spans are exported (from the record handed to the producer to the broker's ack). An event
consumed without a trace context stays untraced, and so do the events it causes.
"""

from __future__ import annotations

import contextvars
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import unquote

import structlog
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind, TraceFlags

from tdi_runtime.settings import ConfigurationError

log = structlog.get_logger(__name__)

_state = {"exporting": False}


def exporting() -> bool:
    """Whether this process exports its spans (then the stock instrumentations and the relay's spans are on)."""
    return _state["exporting"]


def instrumentation_enabled(name: str, environ: Mapping[str, str] = os.environ) -> bool:
    """A stock instrumentation runs when spans are exported and `OTEL_PYTHON_DISABLED_INSTRUMENTATIONS` allows it."""
    disabled = {n.strip() for n in environ.get("OTEL_PYTHON_DISABLED_INSTRUMENTATIONS", "").split(",")}
    return exporting() and name not in disabled and "*" not in disabled


def instrument_fastapi(app: Any, environ: Mapping[str, str] = os.environ) -> bool:
    """Install the stock FastAPI instrumentation on `app` when spans are exported and it is not disabled (else
    False: the kit's lean middleware serves). The probes and `/metrics` make no spans
    (`OTEL_PYTHON_FASTAPI_EXCLUDED_URLS` overrides); neither do the ASGI `receive`/`send` steps of every request."""
    if not instrumentation_enabled("fastapi", environ):
        return False
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    excluded = environ.get("OTEL_PYTHON_FASTAPI_EXCLUDED_URLS", "/healthz$,/readyz$,/metrics$")
    FastAPIInstrumentor.instrument_app(app, excluded_urls=excluded, exclude_spans=["receive", "send"])
    return True


def untraced() -> AbstractContextManager[None]:
    """No stock-instrumentation span (asyncpg statement, HTTP client) for what runs inside: polls and probes."""
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    return suppress_instrumentation()


def span_exporters(environ: Mapping[str, str] = os.environ) -> list[SpanExporter]:
    """The exporters the standard variables ask for (see the module's docstring for the platform rule)."""
    named = environ.get("OTEL_TRACES_EXPORTER", "").strip()
    if not named:
        endpoint = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        named = "otlp" if endpoint else "none"
    names = [n.strip().lower() for n in named.split(",") if n.strip()]
    if environ.get("TDI_TRACE_CONSOLE") == "1" and "console" not in names:
        names.append("console")
    found: list[SpanExporter] = []
    for name in names:
        if name == "none":
            continue
        if name == "console":
            found.append(ConsoleSpanExporter())
        elif name in ("otlp", "otlp_proto_http"):
            protocol = (
                environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
                or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
                or "http/protobuf"
            )
            if protocol != "http/protobuf":
                raise ConfigurationError(
                    f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol}: this platform exports OTLP over http/protobuf only "
                    "(the collector's port 4318); set it to http/protobuf or leave it unset"
                )
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            found.append(OTLPSpanExporter())  # endpoint, headers, timeout, compression: the OTEL_* variables
        else:
            raise ConfigurationError(
                f"OTEL_TRACES_EXPORTER={named}: unknown exporter {name!r} (expected otlp, console or none)"
            )
    return found


def resource_attributes(service: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`service.name` = `tdi-<service>` unless `OTEL_RESOURCE_ATTRIBUTES` or `OTEL_SERVICE_NAME` (which wins) say
    otherwise, with the other attributes of `OTEL_RESOURCE_ATTRIBUTES` (`key=value,…`, values percent-encoded)."""
    found = {"service.name": f"tdi-{service}"}
    for pair in environ.get("OTEL_RESOURCE_ATTRIBUTES", "").split(","):
        key, sep, value = pair.partition("=")
        if sep and key.strip():
            found[key.strip()] = unquote(value.strip())
    if environ.get("OTEL_SERVICE_NAME", "").strip():
        found["service.name"] = environ["OTEL_SERVICE_NAME"].strip()
    return found


def build_provider(service: str, environ: Mapping[str, str] = os.environ) -> tuple[TracerProvider | None, bool]:
    """(the provider, whether it exports); no provider at all when `OTEL_SDK_DISABLED=true`."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None, False
    provider = TracerProvider(resource=Resource.create(resource_attributes(service, environ)))
    exporters = span_exporters(environ)
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider, bool(exporters)


def configure_tracing(service: str) -> None:
    """Install this process's tracer provider once (from the `OTEL_*` variables) and, when spans are exported,
    the asyncpg instrumentation. Raises `ConfigurationError` for an exporter or protocol it cannot honour."""
    if isinstance(trace.get_tracer_provider(), TracerProvider) or _state.get("configured"):
        return
    provider, exports = build_provider(service)
    _state["configured"] = True
    if provider is None:
        return
    trace.set_tracer_provider(provider)
    _state["exporting"] = exports
    if instrumentation_enabled("asyncpg"):
        from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

        AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    log.info("tracing_configured", exporting=exports, service=provider.resource.attributes.get("service.name"))


def trace_headers() -> tuple[tuple[str, bytes], ...]:
    """The current trace context as Kafka headers (traceparent, tracestate), ready to send."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return tuple((k, v.encode()) for k, v in carrier.items())


_tracer = trace.get_tracer("tdi_runtime")
EVENT_IDS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("tdi_event_ids", default=None)
"""The ids of the event being handled; `logs` adds them to every log line (one variable: cheap to set)."""
_BATCH: contextvars.ContextVar[SpanContext | None] = contextvars.ContextVar("tdi_batch_span", default=None)
_EMPTY = Context()


class batch_scope:  # noqa: N801 - used as a context manager, like contextlib's
    """A consumer batch, from the records handed to the kit until `handle_batch` returns (its commit): the span
    `consume <group>`, current while the batch runs; each traced event's `apply` span links to it."""

    __slots__ = ("_batch_token", "_records", "_span", "_spec", "_token")

    def __init__(self, group: str, topics: Sequence[str], records: Sequence[Any]) -> None:
        self._spec = (group, topics)
        self._records = records

    def __enter__(self) -> None:
        group, topics = self._spec
        self._span = _tracer.start_span(
            f"consume {group}",
            context=_EMPTY,  # a root: the batch mixes events of many traces
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.consumer.group.name": group,
                "messaging.destination.name": ",".join(topics),
                "messaging.batch.message_count": len(self._records),
            },
        )
        self._token = otel_context.attach(trace.set_span_in_context(self._span))
        self._batch_token = _BATCH.set(self._span.get_span_context())

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, *_: object) -> None:
        _BATCH.reset(self._batch_token)
        otel_context.detach(self._token)
        if error is not None:
            self._span.record_exception(error)
            self._span.set_status(trace.StatusCode.ERROR, type(error).__name__)
        self._span.end()


def mark_committed() -> None:
    """A `committed` event on the current span (the batch's `consume <group>`), when its transaction committed; a
    no-op on a span that is not recorded."""
    span = trace.get_current_span()
    if span.is_recording():
        span.add_event("committed")


class event_scope:  # noqa: N801 - used as a context manager, like contextlib's
    """Handle one consumed event with its ids on every log line, inside the producer's trace if it sent one.

    A span per event is opened only when the record carries a `traceparent` (measured: an SDK span, its
    context and structlog's per-key binding cost ~25 µs an event, most of the consume path's CPU). Without one,
    the event runs outside any trace (not in its batch's span): what it emits stays untraced too.
    """

    __slots__ = ("_context_token", "_delivery", "_span", "_token")

    def __init__(self, delivery: Any) -> None:
        self._delivery = delivery
        self._span: Any = None
        self._context_token: Any = None

    def __enter__(self) -> None:
        d = self._delivery
        ids = {"event_id": d.event_id, "event_type": d.event_type}
        if d.envelope is not None:
            ids["correlation_id"] = d.envelope.correlation_id
        self._token = EVENT_IDS.set(ids)
        for key, _ in d.headers:
            if key == "traceparent":
                batch = _BATCH.get()
                self._span = _tracer.start_as_current_span(
                    f"apply {d.event_type.rsplit('.', 2)[-2] if d.event_type else 'event'}",
                    context=context_from_headers(d.headers),
                    kind=SpanKind.CONSUMER,
                    attributes={"messaging.system": "kafka", "messaging.destination.name": d.topic, **ids},
                    links=None if batch is None else [Link(batch)],
                )
                self._span.__enter__()
                return
        if _BATCH.get() is not None:
            self._context_token = otel_context.attach(_EMPTY)

    def __exit__(self, *exc: object) -> None:
        if self._span is not None:
            self._span.__exit__(*exc)
        elif self._context_token is not None:
            otel_context.detach(self._context_token)
        EVENT_IDS.reset(self._token)


def context_from_headers(headers: Iterable[tuple[str, bytes]]) -> Context:
    carrier = {k: v.decode("utf-8", "replace") for k, v in headers if k in ("traceparent", "tracestate") and v}
    return propagate.extract(carrier)


def sampled_parent(traceparent: bytes) -> SpanContext | None:
    """The span context a `traceparent` header names, if well formed and sampled (flags 01), else None."""
    parts = traceparent.split(b"-")
    if len(parts) != 4 or parts[0] != b"00" or len(parts[1]) != 32 or len(parts[2]) != 16 or len(parts[3]) != 2:
        return None
    try:
        trace_id, span_id, flags = int(parts[1], 16), int(parts[2], 16), int(parts[3], 16)
    except ValueError:
        return None
    if not trace_id or not span_id or not flags & TraceFlags.SAMPLED:  # flags 01, 03 (random trace id), …
        return None
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))


def publish_spans(
    published: Iterable[tuple[str, bytes, BaseException | None]], started_ns: int, ended_ns: int | None = None
) -> None:
    """One `publish <topic>` span per relayed record of a sampled trace (topic, traceparent, error or None), child
    of the span that wrote it, from `started_ns` (handed to the producer) to now (acknowledged)."""
    ended = ended_ns or time.time_ns()
    for topic, traceparent, error in published:
        parent = sampled_parent(traceparent)
        if parent is None:
            continue
        span = _tracer.start_span(
            f"publish {topic}",
            context=trace.set_span_in_context(NonRecordingSpan(parent)),
            kind=SpanKind.PRODUCER,
            attributes={"messaging.system": "kafka", "messaging.destination.name": topic},
            start_time=started_ns,
        )
        if error is not None:
            span.set_status(trace.StatusCode.ERROR, type(error).__name__)
        span.end(end_time=ended)
