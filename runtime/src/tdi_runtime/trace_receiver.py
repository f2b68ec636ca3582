"""An OTLP/HTTP trace receiver in this process, for tests and the bench: what a collector would get, as plain spans.

`with TraceReceiver() as receiver:` listens on a free loopback port (`receiver.endpoint` is what
`OTEL_EXPORTER_OTLP_ENDPOINT` names); services export to it as to any collector (`POST /v1/traces`,
`application/x-protobuf`, gzip or not), and `receiver.spans()` lists what arrived, decoded with the
`opentelemetry-proto` messages. No collector binary, no network beyond loopback.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass(frozen=True)
class ReceivedSpan:
    """One span as exported: ids in hex, times in epoch nanoseconds, string attributes only."""

    service: str
    name: str
    kind: int
    trace_id: str
    span_id: str
    parent_id: str
    start_ns: int
    end_ns: int
    links: tuple[tuple[str, str], ...] = ()
    """(trace id, span id) of each span this one links to."""
    events: tuple[tuple[str, int], ...] = ()
    """(name, epoch ns) of each event of the span (e.g. a consumer batch's `committed`)."""
    attributes: dict[str, Any] = field(default_factory=dict, compare=False)


def _value(v: Any) -> Any:
    kind = v.WhichOneof("value")
    return getattr(v, kind) if kind in ("string_value", "int_value", "bool_value", "double_value") else None


def decode(body: bytes) -> list[ReceivedSpan]:
    """The spans of one `ExportTraceServiceRequest`."""
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    spans = []
    for resource_spans in request.resource_spans:
        service = next(
            (a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"), ""
        )
        for scope_spans in resource_spans.scope_spans:
            for s in scope_spans.spans:
                spans.append(
                    ReceivedSpan(
                        service=service,
                        name=s.name,
                        kind=s.kind,
                        trace_id=s.trace_id.hex(),
                        span_id=s.span_id.hex(),
                        parent_id=s.parent_span_id.hex(),
                        start_ns=s.start_time_unix_nano,
                        end_ns=s.end_time_unix_nano,
                        links=tuple((link.trace_id.hex(), link.span_id.hex()) for link in s.links),
                        events=tuple((e.name, e.time_unix_nano) for e in s.events),
                        attributes={a.key: _value(a.value) for a in s.attributes},
                    )
                )
    return spans


class TraceReceiver:
    """`POST /v1/traces` on 127.0.0.1; every span received is kept (thread-safe)."""

    def __init__(self) -> None:
        self._spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        self.requests = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path != "/v1/traces":
                    self.send_response(404)
                    self.end_headers()
                    return
                spans = decode(body)
                with receiver._lock:
                    receiver._spans.extend(spans)
                    receiver.requests += 1
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: Any) -> None:  # quiet
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="otlp-receiver", daemon=True)

    @property
    def endpoint(self) -> str:
        """The base URL to give as `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter appends `/v1/traces`)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> TraceReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def spans(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self._spans)

    def wait_for(self, found: Callable[[list[ReceivedSpan]], bool], timeout_s: float = 60.0) -> list[ReceivedSpan]:
        """The spans received once `found(spans)` holds, or when the deadline passes (the caller asserts)."""
        deadline = time.monotonic() + timeout_s
        while True:
            spans = self.spans()
            if found(spans) or time.monotonic() > deadline:
                return spans
            time.sleep(0.1)
