"""From a contract payload to an outbox message: envelope, key, JSON value, CloudEvents and trace headers."""

from __future__ import annotations

from typing import Any

from tdi_contracts.envelope import Envelope, encode_event, envelope_for, spec_for
from tdi_runtime.outbox import OutgoingMessage
from tdi_runtime.tracing import trace_headers


def outgoing(
    payload: Any,
    producer: str,
    *,
    cause: Envelope | None = None,
    topic: str | None = None,
    causation_id: str | None = None,
    correlation_id: str | None = None,
) -> OutgoingMessage:
    """The outbox message announcing `payload`; `cause` carries correlation and causation forward.

    Without a `cause` (a record whose envelope could not be read), `causation_id` and `correlation_id` name what
    caused it. The topic is the payload's own when it has one; per-partner and per-group topics are named by
    the caller.
    """
    spec = spec_for(payload)
    if topic is None:
        if len(spec.topics) != 1:
            raise ValueError(f"{spec.type} travels on several topics: name one of {spec.topics}")
        topic = spec.topics[0]
    envelope = envelope_for(payload, producer, cause=cause, causation_id=causation_id, correlation_id=correlation_id)
    key, value, encoded = encode_event(envelope, payload)
    headers = (*encoded, *trace_headers())  # ready to send: stored and relayed as they are
    return OutgoingMessage(topic=topic, key=key, value=value, headers=headers, event_id=envelope.id)
