"""Encoding and decoding of one Kafka record (key, JSON value, `ce_*` headers), with ContractViolation."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import SchemaValidator

from .base import ContractModel, ContractSpec
from .cloudevents import Envelope
from .errors import ContractViolation, ErrorCode
from .field_errors import CONTROL_CHARACTERS, NUL, control_character_errors, field_errors
from .quoting import quote
from .registry import payload_model_for, spec_for

Headers = list[tuple[str, bytes]]


def envelope_for(
    payload: ContractModel,
    producer: str,
    *,
    cause: Envelope | None = None,
    causation_id: str | None = None,
    correlation_id: str | None = None,
) -> Envelope:
    """A fresh envelope whose type, subject and schema version are those of the payload (see `Envelope.new`)."""
    spec = spec_for(payload)
    return Envelope.new(
        spec.type,
        spec.subject_of(payload),
        producer,
        cause=cause,
        causation_id=causation_id,
        correlation_id=correlation_id,
    )


def encode_event(envelope: Envelope, payload: ContractModel) -> tuple[bytes | None, bytes, Headers]:
    """(key, value, headers) of a record; the key is the payload's partition key (territory id mostly)."""
    spec = spec_for(payload)
    if envelope.type != spec.type:
        raise ContractViolation(ErrorCode.INVALID_HEADER, f"ce_type {envelope.type} ≠ {spec.type}.")
    if envelope.schema_version != spec.version:
        raise ContractViolation(ErrorCode.SCHEMA_VERSION_UNSUPPORTED, f"ce_schemaversion ≠ {spec.version}.")
    if envelope.subject != spec.subject_of(payload):
        raise ContractViolation(ErrorCode.SUBJECT_MISMATCH, f"Attendu : {spec.subject_of(payload)}.")
    key = spec.key_of(payload)
    return (
        (None if key is None else key.encode()),
        payload.model_dump_json().encode(),
        envelope.to_kafka_headers(),
    )


_CONTROL_BYTES = re.compile(rb"\\(?:u00[0189][0-9a-fA-F]|u007[fF]|[bfnrt])|\x7f|\xc2[\x80-\x9f]")
"""Bytes of a JSON document that may hold a control character in a string once decoded: an escape of a C0 or
C1 control or of DEL, or a raw DEL or C1 character (raw C0 controls are invalid JSON: MALFORMED_JSON)."""


def _may_hold_control(value: bytes) -> bool:
    """Whether the document may hold a control character: three byte searches first (most values hold no
    backslash, DEL or C1 lead byte at all), the pattern only then (measured: 0.2 µs against 5 µs a record)."""
    return (b"\\" in value or b"\x7f" in value or b"\xc2" in value) and _CONTROL_BYTES.search(value) is not None


def _may_hold_nul(value: bytes) -> bool:
    return b"\\u0000" in value


@dataclass(frozen=True, slots=True)
class _Decoder:
    """What decoding one type needs, looked up once per type: its spec and its model's pydantic-core validator."""

    spec: ContractSpec
    validate_json: Callable[[bytes], ContractModel]
    may_hold: Callable[[bytes], bool] = _may_hold_nul
    """True of the raw value, the decoded payload is searched for `forbidden` characters (rare)."""
    forbidden: re.Pattern[str] = NUL

    @staticmethod
    def of(spec: ContractSpec, validate_json: Callable[[bytes], ContractModel]) -> "_Decoder":
        """A command (partner input) may hold no control character at all, any other payload no NUL."""
        if spec.kind == "command":
            return _Decoder(spec, validate_json, _may_hold_control, CONTROL_CHARACTERS)
        return _Decoder(spec, validate_json)


_DECODERS: dict[str, _Decoder] = {}


def _decoder_for(type_: str) -> _Decoder:
    decoder = _DECODERS.get(type_)
    if decoder is None:
        model = payload_model_for(type_)  # UNKNOWN_EVENT_TYPE, SCHEMA_VERSION_UNSUPPORTED: never cached
        validator = model.__pydantic_validator__
        if not isinstance(validator, SchemaValidator):  # a model not built yet: let pydantic build it first
            return _Decoder.of(spec_for(type_), model.model_validate_json)
        decoder = _DECODERS[type_] = _Decoder.of(spec_for(type_), validator.validate_json)
    return decoder


def decode_event(
    key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes | None]]
) -> tuple[Envelope, ContractModel]:
    """Envelope and validated payload of a record, or ContractViolation (stable code, field errors).

    The JSON bytes go straight into the payload model's pydantic-core validator (one per type, cached). No text
    holding a NUL is ever returned, nor, in a command, any other control character (C0, DEL, C1): such a text
    is INVALID_PAYLOAD with a `control_character` error naming the field.
    """
    envelope = Envelope.from_kafka_headers(headers)
    decoder = _decoder_for(envelope.type)
    spec = decoder.spec
    if envelope.schema_version != spec.version:
        detail = f"ce_schemaversion {envelope.schema_version} ≠ version {spec.version} du type {spec.type}."
        raise ContractViolation(ErrorCode.SCHEMA_VERSION_UNSUPPORTED, detail)
    if not value:
        raise ContractViolation(ErrorCode.MALFORMED_JSON, "Le message n'a pas de contenu.")
    try:
        payload = decoder.validate_json(value)
    except ValidationError as exc:
        errors = field_errors(exc, decoder.forbidden)
        malformed = any(e.code == "json_invalid" for e in errors)
        code = ErrorCode.MALFORMED_JSON if malformed else ErrorCode.INVALID_PAYLOAD
        raise ContractViolation(code, "", errors) from None
    if decoder.may_hold(value):
        controls = control_character_errors(payload, decoder.forbidden)
        if controls:
            raise ContractViolation(ErrorCode.INVALID_PAYLOAD, "", controls)
    expected_key = spec.key_of(payload)
    if (None if key is None else key.decode("utf-8", "replace")) != expected_key:
        raise ContractViolation(ErrorCode.KEY_MISMATCH, f"Clé attendue : {quote(expected_key)} ({spec.key_field}).")
    if envelope.subject != spec.subject_of(payload):
        detail = f"Attendu : {quote(spec.subject_of(payload))} ({spec.subject_field})."
        raise ContractViolation(ErrorCode.SUBJECT_MISMATCH, detail)
    return envelope, payload
