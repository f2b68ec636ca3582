"""Public face of the envelope: the CloudEvents model, the type registry and the Kafka wire functions."""

from .base import TYPE_PATTERN, TYPE_PREFIX, ContractSpec
from .cloudevents import PRODUCERS, Envelope
from .errors import REASONS, ContractViolation, ErrorCode, FieldError
from .kafka_headers import HEADER_FIELDS
from .registry import COMMAND_TYPES, EVENT_TYPES, payload_model_for, spec_for, types_on_topic
from .wire import decode_event, encode_event, envelope_for

__all__ = [
    "COMMAND_TYPES",
    "EVENT_TYPES",
    "HEADER_FIELDS",
    "PRODUCERS",
    "REASONS",
    "TYPE_PATTERN",
    "TYPE_PREFIX",
    "ContractSpec",
    "ContractViolation",
    "Envelope",
    "ErrorCode",
    "FieldError",
    "decode_event",
    "encode_event",
    "envelope_for",
    "payload_model_for",
    "spec_for",
    "types_on_topic",
]
