"""Traces cross Kafka: an event emitted while handling a consumed one continues the producer's trace."""

from types import SimpleNamespace

from opentelemetry import trace

from tdi_contracts.events.territory import EpciLeft
from tdi_runtime.delivery import decode_record
from tdi_runtime.events import outgoing
from tdi_runtime.testing import example_payload, probe_event
from tdi_runtime.tracing import configure_tracing, event_scope

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_an_event_emitted_while_handling_a_consumed_one_carries_the_same_trace_id():
    configure_tracing("probe")
    key, value, headers = probe_event(8413, 1)
    headers.append(("traceparent", f"00-{TRACE}-00f067aa0ba902b7-01".encode()))
    delivery = decode_record(SimpleNamespace(topic="t", partition=0, offset=1, key=key, value=value, headers=headers))

    with event_scope(delivery):
        assert format(trace.get_current_span().get_span_context().trace_id, "032x") == TRACE
        emitted = outgoing(example_payload(EpciLeft), "territory", cause=delivery.envelope)

    traceparent = dict(emitted.headers)["traceparent"].decode()
    assert traceparent.split("-")[1] == TRACE
    assert dict(emitted.headers)["ce_correlationid"] == delivery.envelope.correlation_id.encode()


def test_every_log_line_written_while_handling_an_event_names_that_event():
    from tdi_runtime.logs import _add_event_ids

    key, value, headers = probe_event(8413, 2)
    delivery = decode_record(SimpleNamespace(topic="t", partition=0, offset=2, key=key, value=value, headers=headers))
    with event_scope(delivery):
        line = _add_event_ids(None, "info", {"event": "grant_committed"})
    assert line["event_id"] == delivery.event_id
    assert line["correlation_id"] == delivery.envelope.correlation_id
    assert "event_id" not in _add_event_ids(None, "info", {"event": "after"})
